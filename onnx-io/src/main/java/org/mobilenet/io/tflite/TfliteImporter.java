package org.mobilenet.io.tflite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;

/**
 * Loads a TFLite MobileNet v1 (float32, or uint8/int8 quantized and dequantized to float at load)
 * as an engine {@link Model}: {@link Padding#TF_SAME}, BatchNorm already folded (biases as
 * {@code L.bias}), the classifier as {@code fc} (or none for an embedding extractor, classes 0).
 *
 * <p>Preprocessing comes from the input tensor: a quantized input {@code real = s * (q - z)} fed
 * with pixels {@code q} means {@code (pixel - z) / (1/s)}, so mean {@code z} and std {@code 1/s}
 * (uint8, scale 1/128, zero point 128 gives mean 128, std 128); int8 inputs take {@code q = pixel - 128}
 * so mean {@code 128 + z}; float inputs get TensorFlow's {@code (p - 127.5) / 127.5}. RGB, stretched.
 *
 * <p>Labels: the metadata's TENSOR_AXIS_LABELS file read from the zip archive embedded in the
 * .tflite; else a file of that name next to the model; else {@code labels.txt} or
 * {@code imagenet_labels.txt} next to the model. Kept only when there is one per class (a list one
 * shorter than 1001 classes gets "background" prepended); the metadata key {@code labels} says where
 * they came from.
 */
public final class TfliteImporter {
    private static final float BN_EPSILON = 1e-3f;

    private TfliteImporter() {
    }

    /**
     * Reads a .tflite file into a model.
     *
     * @throws BadInputException when the file is unreadable, malformed, hostile or not a MobileNet v1
     */
    public static Model load(Path path) throws BadInputException {
        TfliteFile file = TfliteFile.read(path);
        TfliteGraph graph;
        TfliteMetadata md;
        try {
            graph = new TfliteGraphMapper(file).map();
            md = TfliteMetadata.of(file);
        } catch (FlatBufferException | IndexOutOfBoundsException e) {
            throw new BadInputException(path, "not a supported TFLite MobileNet v1: " + e.getMessage());
        }
        ModelSpec spec = spec(path, graph);
        Map<String, Tensor> tensors = tensors(spec, graph);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "tflite");
        meta.put("source", String.valueOf(path.getFileName()));
        if (file.description() != null) {
            meta.put("tflite.description", file.description());
        }
        if (md.name() != null) {
            meta.put("name", md.name());
        }
        if (md.description() != null) {
            meta.put("description", md.description());
        }
        TfliteTensor in = graph.input();
        meta.put("input", in.type() + " " + java.util.Arrays.toString(in.shape()));
        List<String> labels = List.of();
        if (spec.classes() > 0) {
            labels = labels(path, md, spec.classes(), meta);
        }
        Model m;
        try {
            m = new Model(spec, tensors, BN_EPSILON, preprocessing(path, in), labels, meta);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(path, "not a supported TFLite MobileNet v1: " + e.getMessage());
        }
        return m;
    }

    /** Preprocessing implied by the input tensor's type and quantization. */
    static Preprocessing preprocessing(Path path, TfliteTensor in) throws BadInputException {
        if (in.type() == TensorType.FLOAT32) {
            return Preprocessing.tensorflow();
        }
        if (in.type() != TensorType.UINT8 && in.type() != TensorType.INT8) {
            throw new BadInputException(path, "expected a FLOAT32, UINT8 or INT8 image input, found "
                    + (in.type() == null ? "type #" + in.typeCode() : in.type()));
        }
        Quantization q = in.quantization();
        if (!q.present() || !q.perTensor() || !(q.scale()[0] > 0) || !Float.isFinite(q.scale()[0])) {
            throw new BadInputException(path, "expected the quantized input to have one positive scale, found "
                    + java.util.Arrays.toString(q.scale()));
        }
        float mean = q.zeroPointAt(0) + (in.type() == TensorType.INT8 ? 128 : 0);
        return Preprocessing.uniform(mean, 1f / q.scale()[0]);
    }

    private static ModelSpec spec(Path path, TfliteGraph g) throws BadInputException {
        List<TfliteGraph.Conv> convs = g.convs();
        Variant variant = variant(convs);
        if (variant == null) {
            throw new BadInputException(path, "expected MobileNet v1 layers (a 3x3 stem, then 13 depthwise/pointwise"
                    + " pairs, 8 for the shallow variant, or 13 full convs), found " + describe(convs));
        }
        int[] widths = convs.stream().mapToInt(c -> c.out().c()).toArray();
        OptionalDouble alpha = ModelSpec.inferAlpha(variant, widths);
        if (alpha.isEmpty()) {
            throw new BadInputException(path, "channel counts " + java.util.Arrays.toString(widths)
                    + " follow no MobileNet v1 width multiplier");
        }
        int classes = g.classifier() == null ? 0 : g.classifier().classes();
        ModelSpec spec;
        try {
            spec = new ModelSpec(alpha.getAsDouble(), g.resolution(), classes, variant, Padding.TF_SAME, g.softmax());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(path, e.getMessage());
        }
        List<LayerSpec> layers = spec.weightedLayers();
        for (int i = 0; i < convs.size(); i++) {
            LayerSpec l = layers.get(i);
            TfliteGraph.Conv c = convs.get(i);
            if (l.kind() != c.kind() || l.kernel() != c.kernel() || l.stride() != c.stride()
                    || !l.pads().equals(c.pads()) || !l.in().equals(c.in()) || !l.out().equals(c.out())) {
                throw new BadInputException(path, "operator " + c.op() + " (" + l.name() + ") is a " + c.kernel() + "x"
                        + c.kernel() + " " + c.kind().id() + " stride " + c.stride() + " pads " + c.pads() + " " + c.in()
                        + " -> " + c.out() + ", expected " + l.kernel() + "x" + l.kernel() + " " + l.kind().id()
                        + " stride " + l.stride() + " pads " + l.pads() + " " + l.in() + " -> " + l.out());
            }
        }
        return spec;
    }

    private static Variant variant(List<TfliteGraph.Conv> convs) {
        if (convs.isEmpty() || convs.get(0).kind() != LayerKind.CONV || convs.get(0).kernel() != 3) {
            return null;
        }
        int rest = convs.size() - 1;
        boolean separable = rest % 2 == 0;
        boolean full = true;
        for (int i = 1; i < convs.size(); i++) {
            LayerKind k = convs.get(i).kind();
            if (k != ((i % 2 == 1) ? LayerKind.DEPTHWISE : LayerKind.POINTWISE)) {
                separable = false;
            }
            if (k != LayerKind.CONV) {
                full = false;
            }
        }
        int full13 = ModelSpec.blocks(Variant.CONV).size();
        if (full && rest == full13) {
            return Variant.CONV;
        }
        if (separable && rest / 2 == ModelSpec.blocks(Variant.SEPARABLE).size()) {
            return Variant.SEPARABLE;
        }
        if (separable && rest / 2 == ModelSpec.blocks(Variant.SHALLOW).size()) {
            return Variant.SHALLOW;
        }
        return null;
    }

    private static String describe(List<TfliteGraph.Conv> convs) {
        List<String> s = new ArrayList<>();
        for (TfliteGraph.Conv c : convs) {
            s.add(c.kernel() + "x" + c.kernel() + " " + c.kind().id());
        }
        return convs.size() + " convolutions " + (s.size() > 6 ? s.subList(0, 6) + "..." : s);
    }

    private static Map<String, Tensor> tensors(ModelSpec spec, TfliteGraph g) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        List<LayerSpec> layers = spec.weightedLayers();
        for (int i = 0; i < g.convs().size(); i++) {
            LayerSpec l = layers.get(i);
            TfliteGraph.Conv c = g.convs().get(i);
            t.put(TensorNames.weight(l.name()), new Tensor(l.weightShape(), c.weight()));
            if (c.bias() != null) {
                t.put(TensorNames.bias(l.name()), new Tensor(new int[] {l.outChannels()}, c.bias()));
            }
        }
        TfliteGraph.Classifier fc = g.classifier();
        if (fc != null) {
            LayerSpec l = layers.get(layers.size() - 1);
            t.put(TensorNames.weight(l.name()), new Tensor(new int[] {fc.classes(), fc.features()}, fc.weight()));
            t.put(TensorNames.bias(l.name()), new Tensor(new int[] {fc.classes()}, fc.bias()));
        }
        return t;
    }

    private static List<String> labels(Path path, TfliteMetadata md, int classes, Map<String, String> meta) {
        Path dir = path.toAbsolutePath().getParent();
        for (String name : md.labelFiles()) {
            List<String> l = LabelFile.fromEmbeddedZip(path, name);
            if (fit(l, classes) != null) {
                meta.put("labels", "embedded " + name);
                return fit(l, classes);
            }
            if (dir != null && !name.contains("/") && !name.contains("\\") && !name.contains("\0")) {
                l = LabelFile.fromFile(dir.resolve(name));
                if (fit(l, classes) != null) {
                    meta.put("labels", dir.resolve(name).toString());
                    return fit(l, classes);
                }
            }
        }
        for (String name : new String[] {"labels.txt", "imagenet_labels.txt"}) {
            if (dir != null) {
                List<String> l = LabelFile.fromFile(dir.resolve(name));
                if (fit(l, classes) != null) {
                    meta.put("labels", dir.resolve(name).toString());
                    return fit(l, classes);
                }
            }
        }
        return List.of();
    }

    private static List<String> fit(List<String> labels, int classes) {
        if (labels == null) {
            return null;
        }
        if (labels.size() == classes) {
            return labels;
        }
        if (classes == 1001 && labels.size() == 1000) {
            List<String> l = new ArrayList<>(labels);
            l.add(0, "background");
            return l;
        }
        return null;
    }
}
