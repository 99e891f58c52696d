package org.mobilenet.io.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Optional;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.StandardArchitectures;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.BatchNormFolding;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.WeightLayout;
import org.mobilenet.io.InputRescale;
import org.mobilenet.io.ModelMetadata;
import org.mobilenet.io.onnx.proto.Onnx.StringStringEntryProto;

/**
 * Turns the matched layers into an engine {@link Model}: decides the variant, alpha and padding
 * convention, checks every layer against {@link ModelSpec#layers()}, and names the tensors.
 * BatchNorms stay unfolded when they share one epsilon and are folded at import otherwise.
 */
final class ModelAssembler {
    private ModelAssembler() {
    }

    /**
     * The import of a matched chain.
     *
     * @param head      the layer after the classifier: {@link LayerKind#SOFTMAX}, {@link LayerKind#SIGMOID}
     *                  (a binary or multi-label head, always a generic graph) or null for none
     * @param headValue the ONNX value the head gives (null without one)
     */
    /**
     * A head without pooling: its first dense layer reads the {@code map} (per image, H x W x C)
     * flattened in the {@code order} of the layout it had then.
     */
    record FlatHead(Shape map, Layout order) {
    }

    static OnnxImport assemble(OnnxGraph g, InputMatcher.Input input, List<Object> items, String poolValue,
            FlatHead flatHead, List<ClassifierMatcher.Fc> fcs, LayerKind head, String headValue, String output,
            InputRescale rescale) throws BadInputException {
        boolean softmax = head == LayerKind.SOFTMAX;
        String softmaxValue = headValue;
        Path file = g.file();
        Map<String, String> md = new HashMap<>();
        for (StringStringEntryProto e : g.model().getMetadataPropsList()) {
            md.put(e.getKey(), e.getValue());
        }
        boolean generic = items.stream().anyMatch(u -> !(u instanceof ConvUnit c) || c.activation() == Activation.NONE
                        || c.activation() == Activation.HARD_SWISH)
                || (md.containsKey(ModelMetadata.ARCH) && !md.get(ModelMetadata.ARCH).equals(ModelSpec.FAMILY))
                || fcs.size() > 1 || input.height() != input.width() || head == LayerKind.SIGMOID || input.channels() != 3
                || flatHead != null;
        if (generic || !standardV1(g, md, input, items, fcs, softmax)) {
            return assembleGraph(g, md, input, items, poolValue, flatHead, fcs, head, headValue, output, rescale);
        }
        ClassifierMatcher.Fc fc = fcs.isEmpty() ? null : fcs.get(0);
        List<ConvUnit> units = items.stream().map(u -> (ConvUnit) u).toList();
        Variant variant = variant(file, units);
        if (input.height() != input.width()) {
            throw new BadInputException(file, "input '" + input.name() + "' is " + input.height() + "x" + input.width()
                    + "; expected a square image");
        }
        int[] outC = units.stream().mapToInt(ConvUnit::outC).toArray();
        double alpha = alpha(file, md, variant, outC);
        Padding padding = padding(g, units, md, input.layout());
        int classes = fc == null ? 0 : fc.classes();
        ModelSpec spec;
        try {
            spec = new ModelSpec(alpha, input.height(), classes, variant, padding, softmax);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "does not describe a MobileNet v1: " + e.getMessage());
        }
        List<LayerSpec> convs = spec.weightedLayers().stream().filter(l -> l.kind() != LayerKind.FC).toList();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> layerValues = new LinkedHashMap<>();
        TreeSet<Float> epsilons = epsilons(items);
        boolean fold = epsilons.size() > 1;
        for (int i = 0; i < units.size(); i++) {
            ConvUnit u = units.get(i);
            LayerSpec l = convs.get(i);
            check(file, u, l);
            putConv(tensors, l, u, fold);
            layerValues.put(l.name(), u.output());
        }
        layerValues.put("pool", poolValue);
        if (fc != null) {
            tensors.put(TensorNames.weight("fc"), new Tensor(new int[] {classes, spec.featureWidth()}, fc.weight()));
            tensors.put(TensorNames.bias("fc"), new Tensor(new int[] {classes}, fc.bias()));
            layerValues.put("fc", fc.output());
            if (softmax) {
                layerValues.put("softmax", softmaxValue);
            }
        }
        float eps = epsilons.size() == 1 ? epsilons.first() : (float) numberOr(file, md, ModelMetadata.BN_EPSILON,
                SeededInit.BN_EPSILON);
        Preprocessing dflt = input.layout() == Layout.NHWC || padding == Padding.TF_SAME
                ? Preprocessing.tensorflow() : Preprocessing.torchvision();
        Preprocessing pre = preprocessing(file, md, dflt, rescale);
        List<String> labels = labels(file, md, classes);
        Activation act = units.get(0).activation();
        for (ConvUnit u : units) {
            if (u.activation() != act) {
                throw new BadInputException(file, "node " + u.node() + " uses " + u.activation().id + " after "
                        + units.get(0).node() + " used " + act.id + "; expected one activation throughout");
            }
        }
        String producer = producer(g);
        Map<String, String> meta = metadata(g, input, output);
        putPixelInput(meta, file, md, rescale);
        meta.put(Model.ACTIVATION_KEY, act.id);
        Model model;
        try {
            model = new Model(spec, tensors, eps, pre, labels, meta);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "does not describe a MobileNet v1: " + e.getMessage());
        }
        return new OnnxImport(model, g.opset(), g.model().getIrVersion(), producer, input.name(), input.layout(),
                input.dims(), output, layerValues, act.id);
    }

    /**
     * Whether a chain of convs (no residual adds) is the paper's MobileNet v1 for some variant, width
     * multiplier and padding, layer for layer with one activation throughout: then it is imported as
     * that {@link ModelSpec} (named, and written back, as the paper's layers); any other chain the
     * matchers took (other widths or depths, a few blocks, mixed activations) is imported as a generic
     * layer graph, which the engine runs as well.
     */
    private static boolean standardV1(OnnxGraph g, Map<String, String> md, InputMatcher.Input input, List<Object> items,
            List<ClassifierMatcher.Fc> fcs, boolean softmax) throws BadInputException {
        // Malformed metadata is the file's fault whatever the network: read it outside the predicate.
        double metadataAlpha = ModelMetadata.number(g.file(), md, ModelMetadata.ALPHA);
        ModelMetadata.padding(g.file(), md, Padding.SYMMETRIC);
        List<ConvUnit> units = items.stream().map(u -> (ConvUnit) u).toList();
        boolean anyDw = units.stream().anyMatch(u -> u.kind() == LayerKind.DEPTHWISE);
        Optional<Variant> variant = ModelSpec.variantOf(units.size(), anyDw);
        if (variant.isEmpty() || units.stream().anyMatch(u -> u.activation() != units.get(0).activation())) {
            return false;
        }
        int[] outC = units.stream().mapToInt(ConvUnit::outC).toArray();
        try {
            OptionalDouble alpha = ModelSpec.alphaOf(variant.get(), outC, metadataAlpha);
            if (alpha.isEmpty()) {
                return false;
            }
            ModelSpec spec = new ModelSpec(alpha.getAsDouble(), input.height(), fcs.isEmpty() ? 0 : fcs.get(0).classes(),
                    variant.get(), padding(g, units, md, input.layout()), softmax);
            List<LayerSpec> convs = spec.weightedLayers().stream().filter(l -> l.kind() != LayerKind.FC).toList();
            for (int i = 0; i < units.size(); i++) {
                check(g.file(), units.get(i), convs.get(i));
            }
            return true;
        } catch (BadInputException | IllegalArgumentException e) {
            return false; // pads or convs not the paper's network: a generic graph
        }
    }

    /**
     * A graph with residual adds or linear convs (MobileNet v2), or any other chain of the layers the
     * matchers take: the matched layers as a {@link LayerGraph} with their own pads and activations, named after the
     * generator it matches ({@link StandardArchitectures}) or generically ({@code layers.i}).
     */
    private static OnnxImport assembleGraph(OnnxGraph g, Map<String, String> md, InputMatcher.Input input,
            List<Object> items, String poolValue, FlatHead flatHead, List<ClassifierMatcher.Fc> fcs, LayerKind head,
            String headValue, String output, InputRescale rescale) throws BadInputException {
        Path file = g.file();
        List<LayerSpec> specs = new ArrayList<>();
        Shape cur = new Shape(input.height(), input.width(), input.channels());
        List<String> values = new ArrayList<>();
        // The index in specs of each item's (last) layer: a squeeze-and-excite block is four layers.
        int[] specOf = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Object o = items.get(i);
            String name = "layers." + i;
            LayerSpec l;
            if (o instanceof ConvUnit u) {
                l = new LayerSpec(name, u.kind(), u.kernel(), u.stride(), u.pads(), new Shape(u.inH(), u.inW(), u.inC()),
                        new Shape(u.outH(), u.outW(), u.outC()), u.activation().engine(), null);
                values.add(u.output());
            } else if (o instanceof SqueezeExcite se) {
                // pool, dense + ReLU, dense + hard-sigmoid, then the map scaled by that gate.
                Shape pooled = new Shape(1, 1, cur.c());
                Shape squeezed = new Shape(1, 1, se.squeeze().classes());
                specs.add(new LayerSpec(name + ".se.pool", LayerKind.AVG_POOL, cur.h(), 1, Pads.NONE, cur, pooled));
                values.add(se.pool());
                specs.add(new LayerSpec(name + ".se.squeeze", LayerKind.FC, 1, 1, Pads.NONE, pooled, squeezed,
                        se.squeeze().activation().engine(), null));
                values.add(se.squeeze().output());
                specs.add(new LayerSpec(name + ".se.excite", LayerKind.FC, 1, 1, Pads.NONE, squeezed, pooled,
                        se.excite().activation().engine(), null));
                values.add(se.excite().output());
                l = new LayerSpec(name, LayerKind.SCALE, 1, 1, Pads.NONE, pooled, cur, org.mobilenet.engine.arch.Activation.NONE,
                        specs.get(specOf[se.addend()]).name());
                values.add(se.output());
            } else {
                AddUnit a = (AddUnit) o;
                l = LayerSpec.add(name, cur, specs.get(specOf[a.addend()]).name());
                values.add(a.output());
            }
            specs.add(l);
            specOf[i] = specs.size() - 1;
            cur = l.out();
        }
        int bodyLayers = specs.size();
        Shape flat;
        if (flatHead == null) {
            flat = new Shape(1, 1, cur.c());
            specs.add(new LayerSpec("pool", LayerKind.AVG_POOL, cur.h(), 1, Pads.NONE, cur, flat));
            values.add(poolValue);
        } else {
            flat = cur; // the first dense layer reads the map itself, flattened (LayerSpec#flattens)
        }
        if (flatHead != null && flatHead.order() == Layout.NCHW) {
            // The map was flattened channel-major (PyTorch): the first dense layer's columns in the engine's order.
            Shape m = flatHead.map();
            ClassifierMatcher.Fc fc = fcs.get(0);
            fcs = new ArrayList<>(fcs);
            fcs.set(0, new ClassifierMatcher.Fc(WeightLayout.nchwColumnsToNhwc(fc.weight(), fc.classes(), m.h(), m.w(),
                    m.c()), fc.bias(), fc.classes(), fc.output(), fc.activation()));
        }
        int classes = fcs.isEmpty() ? 0 : fcs.get(fcs.size() - 1).classes();
        for (int j = 0; j < fcs.size(); j++) {
            ClassifierMatcher.Fc fc = fcs.get(j);
            Shape o = new Shape(1, 1, fc.classes());
            specs.add(new LayerSpec(fcs.size() == 1 ? "fc" : "fc." + j, LayerKind.FC, 1, 1, Pads.NONE, flat, o,
                    fc.activation().engine(), null));
            values.add(fc.output());
            flat = o;
        }
        if (!fcs.isEmpty() && head != null) {
            specs.add(new LayerSpec(head.id(), head, 1, 1, Pads.NONE, flat, flat, Activation.NONE.engine(), null));
            values.add(headValue);
        }
        LayerGraph graph;
        Optional<StandardArchitectures.Match> match;
        try {
            graph = new LayerGraph(LayerGraph.familyOf(specs), new Shape(input.height(),
                    input.width(), input.channels()), specs);
            match = StandardArchitectures.match(graph);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "does not describe a supported MobileNet graph: " + e.getMessage());
        }
        Architecture arch = match.isPresent() && !match.get().plainRelu() ? match.get().architecture() : graph;
        if (arch instanceof ModelSpec) {
            arch = graph;
        }
        List<LayerSpec> named = arch.graph().layers();
        TreeSet<Float> epsilons = epsilons(items);
        boolean fold = epsilons.size() > 1;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> layerValues = new LinkedHashMap<>();
        for (int i = 0; i < named.size(); i++) {
            layerValues.put(named.get(i).name(), values.get(i));
        }
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof ConvUnit u) {
                putConv(tensors, named.get(specOf[i]), u, fold);
            } else if (items.get(i) instanceof SqueezeExcite se) {
                putDense(tensors, named.get(specOf[i] - 2), se.squeeze());
                putDense(tensors, named.get(specOf[i] - 1), se.excite());
            }
        }
        for (int j = 0; j < fcs.size(); j++) {
            LayerSpec l = named.get(bodyLayers + (flatHead == null ? 1 : 0) + j); // after the pool, if any
            ClassifierMatcher.Fc fc = fcs.get(j);
            putDense(tensors, l, fc);
        }
        float eps = epsilons.size() == 1 ? epsilons.first() : (float) numberOr(file, md, ModelMetadata.BN_EPSILON,
                SeededInit.BN_EPSILON);
        boolean tfPads = input.layout() == Layout.NHWC || (arch instanceof MobileNetV2Spec);
        Preprocessing pre = preprocessing(file, md, tfPads ? Preprocessing.tensorflow() : Preprocessing.torchvision(), rescale);
        List<String> labels = labels(file, md, classes);
        String producer = producer(g);
        Map<String, String> meta = metadata(g, input, output);
        putPixelInput(meta, file, md, rescale);
        Model model;
        try {
            model = new Model(arch, tensors, eps, pre, labels, meta);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "does not describe a supported MobileNet graph: " + e.getMessage());
        }
        return new OnnxImport(model, g.opset(), g.model().getIrVersion(), producer, input.name(), input.layout(),
                input.dims(), output, layerValues, "per-layer");
    }

    private static String producer(OnnxGraph g) {
        return (g.model().getProducerName() + " " + g.model().getProducerVersion()).trim();
    }

    /**
     * The model's metadata: where it came from (format, opset, producer, input layout), the size a
     * symbolic input height or width was taken as ({@link OnnxImport#DYNAMIC_INPUT}), and the graph's
     * outputs other than the chain's end ({@link OnnxImport#OTHER_OUTPUTS}), when it lists more than one.
     */
    private static Map<String, String> metadata(OnnxGraph g, InputMatcher.Input input, String output) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "onnx");
        meta.put("onnx.opset", Integer.toString(g.opset()));
        meta.put("onnx.producer", producer(g));
        meta.put("onnx.input_layout", input.layout().name());
        if (input.dynamic()) {
            meta.put(OnnxImport.DYNAMIC_INPUT, input.height() + "x" + input.width());
        }
        if (TensorData.halfPrecision(g.graph().getInitializerList())) {
            meta.put(OnnxImport.FLOAT16, "true");
        }
        List<String> others = new ArrayList<>();
        for (var o : g.graph().getOutputList()) {
            if (!o.getName().equals(output)) {
                others.add(o.getName());
            }
        }
        if (!others.isEmpty()) {
            meta.put(OnnxImport.OTHER_OUTPUTS, String.join(", ", others));
        }
        return meta;
    }

    /**
     * The model's preprocessing: the metadata's, else {@code dflt}; when the graph preprocesses its input
     * itself ({@code rescale}, {@link RescaleMatcher}), that preprocessing follows the file's input
     * normalization ({@link #fileInputNormalization}).
     */
    private static Preprocessing preprocessing(Path file, Map<String, String> md, Preprocessing dflt, InputRescale rescale)
            throws BadInputException {
        if (rescale == null) {
            return ModelMetadata.preprocessing(file, md, dflt);
        }
        try {
            return fileInputNormalization(file, md, rescale).followedBy(rescale.scale(), rescale.shift());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "has input preprocessing in its graph the engine cannot take over: "
                    + e.getMessage());
        }
    }

    /**
     * How the input of a graph that preprocesses it itself ({@code rescale}) comes from the image's
     * pixels: the metadata's mean and std when it has them, else what the rescale implies
     * ({@link InputRescale#pixelsToInput}).
     */
    private static Preprocessing fileInputNormalization(Path file, Map<String, String> md, InputRescale rescale)
            throws BadInputException {
        return md.containsKey(ModelMetadata.MEAN) || md.containsKey(ModelMetadata.STD)
                ? ModelMetadata.preprocessing(file, md, Preprocessing.uniform(0f, 1f)) : rescale.pixelsToInput();
    }

    /**
     * {@code meta} saying that the file takes pixels it preprocesses in its graph ({@code rescale}; nothing
     * without one), and how they come from the image's ({@link Model#fileInputNormalization()}).
     */
    private static void putPixelInput(Map<String, String> meta, Path file, Map<String, String> md, InputRescale rescale)
            throws BadInputException {
        if (rescale != null) {
            meta.put(Model.PIXEL_INPUT_KEY, "float32"); // (a float16 input is fed float16 by the runners)
            Model.putFileInputNormalization(meta, fileInputNormalization(file, md, rescale));
        }
    }

    /** The labels in the file's metadata: none, or one per class. */
    private static List<String> labels(Path file, Map<String, String> md, int classes) throws BadInputException {
        List<String> labels = ModelMetadata.labels(file, md);
        if (!labels.isEmpty() && labels.size() != classes) {
            throw new BadInputException(file, "has " + labels.size() + " labels in its metadata for " + classes + " classes");
        }
        return labels;
    }

    private static Variant variant(Path file, List<ConvUnit> units) throws BadInputException {
        int n = units.size();
        boolean anyDw = units.stream().anyMatch(u -> u.kind() == LayerKind.DEPTHWISE);
        Optional<Variant> v = ModelSpec.variantOf(n, anyDw);
        if (v.isEmpty()) {
            throw new BadInputException(file, "has " + n + " conv layers" + (anyDw ? " with depthwise convs" : "")
                    + "; expected a MobileNet v1 with 27 (separable), 17 (shallow) or 14 (conv variant)");
        }
        return v.get();
    }

    /** The alpha of the conv widths, preferring the one the metadata states when it gives the same widths. */
    private static double alpha(Path file, Map<String, String> md, Variant variant, int[] outC) throws BadInputException {
        OptionalDouble a = ModelSpec.alphaOf(variant, outC, ModelMetadata.number(file, md, ModelMetadata.ALPHA));
        if (a.isEmpty()) {
            throw new BadInputException(file, "has conv widths " + Arrays.toString(outC)
                    + "; expected MobileNet v1 widths for some width multiplier alpha");
        }
        return a.getAsDouble();
    }

    /** SYMMETRIC or TF_SAME from the first 3x3 conv whose pads tell them apart; refuses pads matching neither. */
    private static Padding padding(OnnxGraph g, List<ConvUnit> units, Map<String, String> md, Layout inputLayout)
            throws BadInputException {
        for (ConvUnit u : units) {
            if (u.kernel() != 3) {
                continue;
            }
            Pads sym = Padding.SYMMETRIC.pads(u.inH(), u.inW(), 3, u.stride());
            Pads same = Padding.TF_SAME.pads(u.inH(), u.inW(), 3, u.stride());
            boolean isSym = u.pads().equals(sym);
            boolean isSame = u.pads().equals(same);
            if (!isSym && !isSame) {
                throw new BadInputException(g.file(), "node " + u.node() + " pads its " + u.inH() + "x" + u.inW()
                        + " input by " + u.pads() + " (top, left, bottom, right) at stride " + u.stride()
                        + "; expected " + sym + " (symmetric) or " + same + " (TensorFlow SAME)");
            }
            if (isSym != isSame) {
                return isSym ? Padding.SYMMETRIC : Padding.TF_SAME;
            }
        }
        return ModelMetadata.padding(g.file(), md, inputLayout == Layout.NHWC ? Padding.TF_SAME : Padding.SYMMETRIC);
    }

    private static void check(Path file, ConvUnit u, LayerSpec l) throws BadInputException {
        boolean ok = u.kind() == l.kind() && u.kernel() == l.kernel() && u.stride() == l.stride()
                && u.pads().equals(l.pads()) && u.inC() == l.in().c() && u.inH() == l.in().h() && u.inW() == l.in().w()
                && u.outC() == l.out().c() && u.outH() == l.out().h();
        if (!ok) {
            throw new BadInputException(file, "node " + u.node() + " is a " + u.kind().id() + " " + u.kernel() + "x"
                    + u.kernel() + " stride " + u.stride() + " pads " + u.pads() + " from " + u.inH() + "x" + u.inW()
                    + "x" + u.inC() + " to " + u.outH() + "x" + u.outW() + "x" + u.outC() + "; expected " + l.name()
                    + ": " + l.kind().id() + " " + l.kernel() + "x" + l.kernel() + " stride " + l.stride() + " pads "
                    + l.pads() + " from " + l.in() + " to " + l.out());
        }
    }

    /** The distinct BatchNorm epsilons of the matched convs. */
    /** A dense layer's weight {@code [out, in]} and bias under the layer's names. */
    private static void putDense(Map<String, Tensor> tensors, LayerSpec l, ClassifierMatcher.Fc fc) {
        tensors.put(TensorNames.weight(l.name()), new Tensor(new int[] {fc.classes(), l.inChannels()}, fc.weight()));
        tensors.put(TensorNames.bias(l.name()), new Tensor(new int[] {fc.classes()}, fc.bias()));
    }

    private static TreeSet<Float> epsilons(List<Object> items) {
        TreeSet<Float> epsilons = new TreeSet<>();
        for (Object o : items) {
            if (o instanceof ConvUnit u && u.bn() != null) {
                epsilons.add(u.bn().epsilon());
            }
        }
        return epsilons;
    }

    /**
     * Puts one conv's weight, bias and BatchNorm under the layer's names; with {@code fold} (the convs
     * disagree on epsilon, which the model holds once) the BatchNorm is folded into weight and bias.
     */
    private static void putConv(Map<String, Tensor> tensors, LayerSpec l, ConvUnit u, boolean fold) {
        String name = l.name();
        int[] c = {u.outC()};
        ConvUnit.BatchNorm bn = u.bn();
        if (bn != null && fold) {
            BatchNormFolding.Folded f = BatchNormFolding.fold(u.weight(), u.bias(), bn.gamma(), bn.beta(), bn.mean(),
                    bn.var(), bn.epsilon());
            tensors.put(TensorNames.weight(name), new Tensor(l.weightShape(), f.weight()));
            tensors.put(TensorNames.bias(name), new Tensor(c, f.bias()));
            return;
        }
        tensors.put(TensorNames.weight(name), new Tensor(l.weightShape(), u.weight()));
        if (u.bias() != null) {
            tensors.put(TensorNames.bias(name), new Tensor(c, u.bias()));
        }
        if (bn != null) {
            tensors.put(TensorNames.bnGamma(name), new Tensor(c, bn.gamma()));
            tensors.put(TensorNames.bnBeta(name), new Tensor(c, bn.beta()));
            tensors.put(TensorNames.bnMean(name), new Tensor(c, bn.mean()));
            tensors.put(TensorNames.bnVar(name), new Tensor(c, bn.var()));
        }
    }

    private static double numberOr(Path file, Map<String, String> md, String key, double dflt) throws BadInputException {
        double v = ModelMetadata.number(file, md, key);
        return Double.isNaN(v) ? dflt : v;
    }
}
