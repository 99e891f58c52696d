package org.mobilenet.io.tflite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.StandardArchitectures;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.InputStep;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.LabelLines;
import org.mobilenet.io.InputRescale;

/**
 * Loads a TFLite MobileNet (float32, or uint8/int8 quantized and dequantized to float at load) as an
 * engine {@link Model}: the operators become a layer graph ({@link TfliteGraphMapper}), which is
 * then recognized as a MobileNet v1 ({@link ModelSpec}: {@link Padding#TF_SAME}, any variant and
 * alpha) or a MobileNet v2 ({@link MobileNetV2Spec}, any alpha) when it has exactly one of their
 * layouts, and otherwise kept as a generic graph (it runs, but the v1-only exporters refuse it).
 * BatchNorm is already folded (biases as {@code L.bias}); the classifier is {@code fc} (or none for an
 * embedding extractor, classes 0).
 *
 * <p>Preprocessing comes from the input tensor: a quantized input {@code real = s * (q - z)} fed
 * with pixels {@code q} means {@code (pixel - z) / (1/s)}, so mean {@code z} and std {@code 1/s}
 * (uint8, scale 1/128, zero point 128 gives mean 128, std 128); int8 inputs take {@code q = pixel - 128}
 * so mean {@code 128 + z}; float inputs get the metadata's NormalizationOptions when the file has them
 * (as the TFLite export writes them), else TensorFlow's {@code (p - 127.5) / 127.5}. RGB, stretched.
 *
 * <p>Labels: the metadata's TENSOR_AXIS_LABELS file read from the zip archive embedded in the
 * .tflite; else a file of that name next to the model; else {@code labels.txt} or
 * {@code imagenet_labels.txt} next to the model. Kept only when there is one per class, the ImageNet
 * background class handled either way ({@link org.mobilenet.io.LabelLines#fit}); the metadata key {@code labels} says where
 * they came from.
 */
public final class TfliteImporter {
    private static final float BN_EPSILON = 1e-3f;

    private TfliteImporter() {
    }

    /**
     * Reads a .tflite file into a model.
     *
     * @throws BadInputException when the file is unreadable, malformed or hostile ("malformed TFLite
     *                           file"), or well-formed but not a network the import supports ("not a
     *                           supported TFLite MobileNet", naming what is not)
     */
    public static Model load(Path path) throws BadInputException {
        TfliteFile file = TfliteFile.read(path);
        TfliteGraph graph;
        TfliteMetadata md;
        Optional<StandardArchitectures.Match> match;
        try {
            graph = new TfliteGraphMapper(file).map();
            md = TfliteMetadata.of(file);
            match = StandardArchitectures.match(graph.graph());
        } catch (FlatBufferException.Malformed e) {
            throw new BadInputException(path, "malformed TFLite file: " + e.getMessage());
        } catch (FlatBufferException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new BadInputException(path, "not a supported TFLite MobileNet: " + e.getMessage());
        }
        Architecture arch = match.isPresent() ? match.get().architecture() : graph.graph();
        Map<String, Tensor> tensors = tensors(arch.graph(), graph);
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
        if (graph.rescale() != null) {
            meta.put(Model.PIXEL_INPUT_KEY, String.valueOf(in.type()).toLowerCase(java.util.Locale.ROOT));
        }
        for (int i = 0; i < graph.layers().size(); i++) {
            if (graph.graph().layers().get(i).kind() == org.mobilenet.engine.arch.LayerKind.AVG_POOL) {
                boolean mean = file.operators().get(graph.layers().get(i).op()).code() == BuiltinOp.MEAN;
                meta.put(ModelQuantization.POOL_KEY, mean ? ModelQuantization.POOL_MEAN : ModelQuantization.POOL_AVERAGE);
            }
        }
        if (match.isPresent() && match.get().plainRelu()) {
            meta.put(Model.ACTIVATION_KEY, "relu");
        }
        int classes = graph.graph().classes();
        List<String> labels = List.of();
        if (classes > 0) {
            labels = labels(path, md, classes, meta);
        }
        Model m;
        try {
            // A graph that preprocesses its input itself (MUL/ADD... on the input): that preprocessing
            // becomes the model's; a quantized one's integer steps the integer path's (or float when they
            // are not steps it computes).
            ModelQuantization q = quantization(arch.graph(), graph, file);
            Preprocessing fileInput = fileInputNormalization(path, in, md, graph.rescale());
            if (fileInput != null) {
                Model.putFileInputNormalization(meta, fileInput);
            }
            m = new Model(arch, tensors, BN_EPSILON, preprocessing(path, in, md, graph.rescale(), fileInput),
                    labels, meta, q);
        } catch (FlatBufferException.Malformed e) {
            throw new BadInputException(path, "malformed TFLite file: " + e.getMessage());
        } catch (FlatBufferException | IllegalArgumentException e) {
            throw new BadInputException(path, "not a supported TFLite MobileNet: " + e.getMessage());
        }
        return m;
    }

    /**
     * The integer form of a fully quantized file (every activation and weight quantized, as in Coral's
     * uint8 models and TFLite's int8 post-training quantization), under the names of {@code named};
     * null for a float file. A file quantized only in part (float activations with quantized weights)
     * is dequantized, as before.
     */
    static ModelQuantization quantization(LayerGraph named, TfliteGraph g, TfliteFile file) {
        TfliteTensor in = g.quantized() != null ? g.quantized() : g.input();
        if (!QuantMapping.quantized8(in)) {
            return null;
        }
        Map<String, QuantParams> outputs = new LinkedHashMap<>();
        Map<String, QuantizedTensor> qt = new LinkedHashMap<>();
        List<LayerSpec> layers = named.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            TfliteGraph.Layer origin = g.layers().get(i);
            if (!QuantMapping.quantized8(origin.output())) {
                return null;
            }
            outputs.put(l.name(), QuantMapping.activation(origin.output()));
            if (l.kind().hasWeights()) {
                if (origin.qWeight() == null || origin.bias() != null && origin.qBias() == null) {
                    return null;
                }
                qt.put(TensorNames.weight(l.name()), origin.qWeight());
                if (origin.qBias() != null) {
                    qt.put(TensorNames.bias(l.name()), origin.qBias());
                }
            }
        }
        List<InputStep> steps = inputSteps(g);
        if (steps == null) {
            return null; // preprocessing in the graph the integer path does not compute: the float path
        }
        TfliteTensor out = file.tensor(file.outputs()[0]);
        // A file that takes (gives) 8-bit integers of other params than its network's: TFLite's converter
        // with inference_input_type (output_type) uint8 for an int8 network, a QUANTIZE at either end.
        QuantParams network = QuantMapping.activation(in);
        boolean takesIntegers = g.quantized() == null || QuantMapping.quantized8(g.input());
        QuantParams fileInput = g.quantized() != null && takesIntegers ? QuantMapping.activation(g.input()) : null;
        QuantParams last = outputs.get(layers.get(layers.size() - 1).name());
        QuantParams fileOutput = QuantMapping.quantized8(out) ? QuantMapping.activation(out) : null;
        return new ModelQuantization(network, outputs, qt, takesIntegers, fileOutput != null,
                network.equals(fileInput) ? null : fileInput, last.equals(fileOutput) ? null : fileOutput, steps);
    }

    /**
     * The graph's own input preprocessing as integer steps (empty when it has none): each operator a MUL
     * or ADD of the chain's tensor and an 8-bit constant quantized per tensor, giving an 8-bit
     * tensor quantized per tensor; null when an operator is anything else (the model then runs as float).
     */
    static List<InputStep> inputSteps(TfliteGraph g) {
        List<InputStep> steps = new ArrayList<>();
        for (TfliteGraph.RescaleOp op : g.rescaleOps()) {
            InputStep.Op kind = op.code() == BuiltinOp.MUL ? InputStep.Op.MUL : op.code() == BuiltinOp.ADD
                    ? InputStep.Op.ADD : null;
            TfliteTensor k = op.constant();
            // (MUL and ADD commute: the chain's tensor may be either operand)
            if (kind == null || op.values() == null || !k.quantization().perTensor() || !QuantMapping.quantized8(op.output())
                    || !op.output().quantization().perTensor()) {
                return null;
            }
            QuantParams kq = QuantMapping.activation(k);
            int[] values = op.values();
            steps.add(new InputStep(kind, QuantMapping.tensor(new int[] {values.length}, values, kq, k),
                    QuantMapping.activation(op.output())));
        }
        QuantParams in = QuantMapping.activation(g.quantized() != null ? g.quantized() : g.input());
        // Steps the integer path cannot compute as the runtime does (scale ratios out of its range): float.
        // (checked only when there are steps: the check loads the integer path, which a float run never needs)
        return steps.isEmpty() || org.mobilenet.engine.quant.QuantizedNetwork.runsInputSteps(in, steps,
                g.graph().input().c()) ? steps : null;
    }

    /**
     * For a float file that preprocesses its input in its graph ({@code rescale}), how its input comes
     * from the image's pixels: the metadata's normalization when it has one, else what the rescale implies
     * ({@link InputRescale#pixelsToInput}); null otherwise (an integer input holds the pixels themselves).
     */
    static Preprocessing fileInputNormalization(Path path, TfliteTensor in, TfliteMetadata md, InputRescale rescale)
            throws BadInputException {
        if (rescale == null || in.type() != TensorType.FLOAT32) {
            return null;
        }
        return md.mean() != null ? preprocessing(path, in, md, true) : rescale.pixelsToInput();
    }

    /**
     * Preprocessing implied by the input tensor's type and quantization; a float input takes the
     * metadata's normalization when it has a valid one, else TensorFlow's, or when the graph preprocesses
     * its input itself the file's input normalization ({@code fileInput}), which the graph's own
     * preprocessing before its first layer ({@code rescale}, null: none) then follows
     * ({@link Preprocessing#followedBy}).
     */
    static Preprocessing preprocessing(Path path, TfliteTensor in, TfliteMetadata md, InputRescale rescale,
            Preprocessing fileInput) throws BadInputException {
        Preprocessing p = fileInput != null ? fileInput : preprocessing(path, in, md, rescale != null);
        if (rescale == null) {
            return p;
        }
        try {
            return p.followedBy(rescale.scale(), rescale.shift());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(path, "has input preprocessing in its graph the engine cannot take over: "
                    + e.getMessage());
        }
    }

    private static Preprocessing preprocessing(Path path, TfliteTensor in, TfliteMetadata md, boolean rawPixels)
            throws BadInputException {
        if (in.type() == TensorType.FLOAT32) {
            if (md.mean() != null) {
                try {
                    Preprocessing tf = Preprocessing.tensorflow();
                    return tf.withMean(md.mean()).withStd(md.std());
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(path, "has invalid normalization metadata: " + e.getMessage());
                }
            }
            return rawPixels ? Preprocessing.uniform(0f, 1f) : Preprocessing.tensorflow();
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

    /**
     * The weights and biases under the names of {@code named} (the recognized architecture's layers,
     * or the mapped graph's own), layer by layer in the same order as the mapped graph.
     */
    private static Map<String, Tensor> tensors(LayerGraph named, TfliteGraph g) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        List<LayerSpec> layers = named.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            TfliteGraph.Layer origin = g.layers().get(i);
            if (!l.kind().hasWeights()) {
                continue;
            }
            t.put(TensorNames.weight(l.name()), new Tensor(l.weightShape(), origin.weight()));
            if (origin.bias() != null) {
                t.put(TensorNames.bias(l.name()), new Tensor(new int[] {l.outChannels()}, origin.bias()));
            }
        }
        return t;
    }

    /**
     * The labels the metadata names, from the embedded archive or a file of that name next to the model,
     * else from labels.txt or imagenet_labels.txt next to it; none when nothing fits. An embedded label
     * file that is damaged, or an archive that is cut short, fails the import unless a file next to the
     * model gives the labels instead.
     */
    private static List<String> labels(Path path, TfliteMetadata md, int classes, Map<String, String> meta)
            throws BadInputException {
        Path dir = path.toAbsolutePath().getParent();
        BadInputException damaged = null;
        for (String name : md.labelFiles()) {
            List<String> l = null;
            try {
                l = LabelFile.fromEmbeddedZip(path, name);
            } catch (BadInputException e) {
                damaged = damaged == null ? e : damaged;
            }
            List<String> fitted = LabelLines.fit(l, classes);
            if (fitted != null) {
                meta.put("labels", "embedded " + name);
                return fitted;
            }
            if (dir != null && !name.contains("/") && !name.contains("\\") && !name.contains("\0")) {
                fitted = LabelLines.fit(LabelFile.fromFile(dir.resolve(name)), classes);
                if (fitted != null) {
                    meta.put("labels", dir.resolve(name).toString());
                    return fitted;
                }
            }
        }
        for (String name : new String[] {"labels.txt", "imagenet_labels.txt"}) {
            if (dir != null) {
                List<String> fitted = LabelLines.fit(LabelFile.fromFile(dir.resolve(name)), classes);
                if (fitted != null) {
                    meta.put("labels", dir.resolve(name).toString());
                    return fitted;
                }
            }
        }
        if (damaged != null) {
            throw damaged;
        }
        return List.of();
    }
}
