package org.mobilenet.engine.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Shape;

/**
 * A network of the MobileNet family: an architecture plus its named float tensors (see
 * {@link TensorNames} for names and layouts), the BN epsilon, how images are preprocessed for it,
 * optional class labels and free metadata (producer, source format, ...). Immutable, except that the
 * tensors' value arrays are shared, not copied (a model holds megabytes of them, and every transform
 * keeps what it does not change): treat {@link Tensor#data()} as read-only, since a network compiled
 * later would run the changed values. The constructor checks that every tensor the architecture needs
 * is present with the right shape and that there are no others.
 *
 * <p>The architecture is a MobileNet v1 {@link ModelSpec}, a {@link MobileNetV2Spec}, or a bare
 * {@link LayerGraph} that matches neither. {@link #graph()} is what runs, whatever it came from;
 * {@link #spec()} is the v1 spec, for the code (file formats, shrink) that handles MobileNet v1 only
 * so far, and throws an {@link UnsupportedModelException} for anything else
 * ({@link #requireV1(String)} names the refused operation).
 */
public final class Model {
    /**
     * Metadata key naming a MobileNet v1 body's activation: {@code relu6} (the paper's, the default)
     * or {@code relu} (some PyTorch ports); {@link #graph()} follows it. Other architectures carry
     * their activations in their layers.
     */
    public static final String ACTIVATION_KEY = "activation";
    /**
     * Metadata key, present when the file preprocesses its input in its own graph (a Keras Rescaling
     * layer; TFLite's MUL, ADD... or ONNX's Mul, Sub... before the first layer), which the import folded
     * into {@link #preprocessing()}: the value is the file's input type ({@code uint8}, {@code int8} or
     * {@code float32}). Whoever feeds the file itself (ONNX Runtime, {@code run}) gives it the file's own
     * input ({@link #fileInput}: the pixels, or as {@link #fileInputNormalization()} says), and the engine
     * their preprocessing.
     */
    public static final String PIXEL_INPUT_KEY = "input.pixels";
    /**
     * Metadata keys, with {@link #PIXEL_INPUT_KEY}, of how the file's own input comes from the image's
     * pixels when that is not the pixels as they are ({@link #fileInputNormalization()}): per-channel
     * mean and std in pixel units, comma-separated (RGB order). A file whose graph takes the pixels
     * divided by 255 (TF Hub's image models) has mean 0 and std 255.
     */
    public static final String FILE_INPUT_MEAN_KEY = "input.mean";
    /** See {@link #FILE_INPUT_MEAN_KEY}. */
    public static final String FILE_INPUT_STD_KEY = "input.std";

    private final Architecture architecture;
    private final LayerGraph graph;
    private final Map<String, Tensor> tensors;
    private final float bnEpsilon;
    private final Preprocessing preprocessing;
    private final List<String> labels;
    private final Map<String, String> metadata;
    private final ModelQuantization quantization;
    /** {@link #fileInputNormalization()}, parsed from the metadata once. */
    private final Preprocessing fileInput;

    /**
     * A model of any architecture: a {@link ModelSpec} (v1), a {@link MobileNetV2Spec}, or a
     * {@link LayerGraph}.
     */
    public Model(Architecture architecture, Map<String, Tensor> tensors, float bnEpsilon, Preprocessing preprocessing,
            List<String> labels, Map<String, String> metadata) {
        this(architecture, tensors, bnEpsilon, preprocessing, labels, metadata, null);
    }

    /**
     * A model that may be quantized: {@code quantization} (null for a float model) gives the integer
     * form of its parameters and the quantization of its input and of every layer's output; the float
     * tensors then hold the same parameters dequantized.
     */
    public Model(Architecture architecture, Map<String, Tensor> tensors, float bnEpsilon, Preprocessing preprocessing,
            List<String> labels, Map<String, String> metadata, ModelQuantization quantization) {
        this.quantization = quantization;
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        this.fileInput = parseFileInput(metadata, preprocessing);
        if (!(bnEpsilon >= 0) || !Float.isFinite(bnEpsilon)) {
            throw new IllegalArgumentException("BN epsilon must be finite and >= 0, got " + bnEpsilon);
        }
        this.bnEpsilon = bnEpsilon;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.labels = labels == null ? List.of() : List.copyOf(labels);
        this.metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.graph = graphOf(architecture, "relu".equals(this.metadata.get(ACTIVATION_KEY)));
        validate();
    }

    /** A model with no labels and no metadata. */
    public Model(Architecture architecture, Map<String, Tensor> tensors, float bnEpsilon, Preprocessing preprocessing) {
        this(architecture, tensors, bnEpsilon, preprocessing, List.of(), Map.of());
    }

    /** The architecture's graph; a v1 body with plain ReLU ({@link #ACTIVATION_KEY}) gets ReLU for ReLU6. */
    private static LayerGraph graphOf(Architecture a, boolean plainRelu) {
        LayerGraph g = a.graph();
        if (!(a instanceof ModelSpec) || !plainRelu) {
            return g;
        }
        return new LayerGraph(g.family(), g.input(), g.layers().stream()
                .map(l -> l.activation() == Activation.RELU6 ? l.withActivation(Activation.RELU) : l).toList());
    }

    /** What the model is: a {@link ModelSpec}, a {@link MobileNetV2Spec} or a bare {@link LayerGraph}. */
    public Architecture architecture() {
        return architecture;
    }

    /** The layers that run, in order, with their shapes and activations: the source of truth of the engine. */
    public LayerGraph graph() {
        return graph;
    }

    /** True when the model is a MobileNet v1 ({@link #spec()} works). */
    public boolean isV1() {
        return architecture instanceof ModelSpec;
    }

    /**
     * The MobileNet v1 spec, for the code that handles v1 only so far.
     *
     * @throws UnsupportedModelException when the model is not a MobileNet v1
     */
    public ModelSpec spec() {
        if (architecture instanceof ModelSpec s) {
            return s;
        }
        throw new UnsupportedModelException(architecture.describe() + " is not a MobileNet v1, and this operation"
                + " handles MobileNet v1 only so far");
    }

    /**
     * The MobileNet v1 spec, or an {@link UnsupportedModelException} naming what cannot be done:
     * {@code requireV1("exported to ONNX")} refuses a v2 with "MobileNet v2 models cannot be exported
     * to ONNX yet".
     */
    public ModelSpec requireV1(String action) {
        if (architecture instanceof ModelSpec s) {
            return s;
        }
        throw new UnsupportedModelException(kindOf(architecture) + " cannot be " + action + " yet (only MobileNet v1"
                + " can so far)");
    }

    /** "MobileNet v2 models", or for a bare graph what it is. */
    private static String kindOf(Architecture a) {
        if (a instanceof MobileNetV2Spec) {
            return "MobileNet v2 models";
        }
        return "models with a custom layer graph (" + a.describe() + ")";
    }

    /** One line for reports: {@code MobileNet v2 (alpha 1.0, 224x224, 1001 classes)}. */
    public String describe() {
        return architecture.describe();
    }

    /** Input height in pixels. */
    public int inputHeight() {
        return graph.input().h();
    }

    /** Input width in pixels. */
    public int inputWidth() {
        return graph.input().w();
    }

    /**
     * The side of a square input, for the code (image preprocessing, ONNX export) that takes one size.
     *
     * @throws UnsupportedModelException when the input is not square
     */
    public int resolution() {
        Shape in = graph.input();
        if (in.h() != in.w()) {
            throw new UnsupportedModelException("the model's input is " + in.h() + "x" + in.w()
                    + " (not square), which this operation does not support yet");
        }
        return in.h();
    }

    /** The classifier's outputs, or 0 for a headless body. */
    public int classes() {
        return graph.classes();
    }

    /** Values per image in the output: classes, or the feature width of a headless model. */
    public int outputSize() {
        return graph.outputSize();
    }

    /** The length of the pooled feature vector (the input of the classifier). */
    public int featureWidth() {
        return graph.featureWidth();
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("model has no tensor '" + name + "'");
        }
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public float bnEpsilon() {
        return bnEpsilon;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public List<String> labels() {
        return labels;
    }

    /**
     * How the file's own input comes from the image's pixels when the file preprocesses them in its graph
     * ({@link #PIXEL_INPUT_KEY}): {@code f = (p - mean[c]) / std[c]} with {@link #FILE_INPUT_MEAN_KEY} and
     * {@link #FILE_INPUT_STD_KEY}, or the pixels as they are (mean 0, std 1) without them. For a float
     * input {@link #preprocessing()} is this followed by the graph's own preprocessing; an integer input
     * holds the pixels (an int8 one {@code pixel - 128}, which its reader undoes) and the preprocessing
     * starts from its dequantization.
     */
    public Preprocessing fileInputNormalization() {
        return fileInput;
    }

    /** The metadata's file input normalization, or the identity; refuses a mean or std that is not one. */
    private static Preprocessing parseFileInput(Map<String, String> metadata, Preprocessing p) {
        String m = metadata == null ? null : metadata.get(FILE_INPUT_MEAN_KEY);
        String s = metadata == null ? null : metadata.get(FILE_INPUT_STD_KEY);
        if (m == null && s == null) {
            return Preprocessing.uniform(0f, 1f);
        }
        try {
            return new Preprocessing(floats(m == null ? "0" : m), floats(s == null ? "1" : s), p.order(), p.resize(),
                    p.cropFraction());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata " + FILE_INPUT_MEAN_KEY + " '" + m + "' and "
                    + FILE_INPUT_STD_KEY + " '" + s + "' are not a per-channel mean and positive std: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a metadata key describes the source file's own input ({@link #PIXEL_INPUT_KEY} and its
     * normalization): a file written from the model takes the network's input and must not carry it.
     */
    public static boolean describesFileInput(String key) {
        return key.equals(PIXEL_INPUT_KEY) || key.equals(FILE_INPUT_MEAN_KEY) || key.equals(FILE_INPUT_STD_KEY);
    }

    /**
     * {@code meta} with the file input normalization {@code p} recorded ({@link #fileInputNormalization()});
     * nothing for the pixels as they are.
     */
    public static void putFileInputNormalization(Map<String, String> meta, Preprocessing p) {
        float[] mean = p.mean();
        float[] std = p.std();
        boolean identity = true;
        for (int c = 0; c < mean.length; c++) {
            identity &= mean[c] == 0 && std[c] == 1;
        }
        if (!identity) {
            meta.put(FILE_INPUT_MEAN_KEY, join(mean));
            meta.put(FILE_INPUT_STD_KEY, join(std));
        }
    }

    /**
     * The file's own input values that give the network input {@code x} (NHWC, any batch): what whoever
     * feeds the file itself (ONNX Runtime) is given when it preprocesses in its graph ({@link #PIXEL_INPUT_KEY}).
     * Shape line: {@code [n, h, w, c] -> [n, h, w, c]}.
     */
    public float[] fileInput(float[] x) {
        int c = graph.input().c();
        float[] p = preprocessing.pixels(x, c);
        fileInput.normalize(p, c, p);
        return p;
    }

    /**
     * The network input that the file's own input values {@code f} give (NHWC, any batch; the inverse of
     * {@link #fileInput}), written to {@code out} (which may be {@code f}).
     * Shape line: {@code [n, h, w, c] -> [n, h, w, c]}.
     */
    public void networkInput(float[] f, float[] out) {
        int c = graph.input().c();
        preprocessing.normalize(fileInput.pixels(f, c), c, out);
    }

    private static String join(float[] v) {
        StringBuilder b = new StringBuilder();
        for (float x : v) {
            b.append(b.length() == 0 ? "" : ",").append(x);
        }
        return b.toString();
    }

    private static float[] floats(String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i].trim());
        }
        return v;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * True when a MobileNet v1 body uses plain ReLU rather than ReLU6 ({@link #ACTIVATION_KEY} is
     * {@code relu}; {@link #graph()} has it in its layers).
     */
    public boolean plainRelu() {
        return isV1() && "relu".equals(metadata.get(ACTIVATION_KEY));
    }

    /** True when any layer still carries an unfolded BatchNorm. */
    public boolean hasBatchNorm() {
        return graph.weightedLayers().stream().anyMatch(l -> tensors.containsKey(TensorNames.bnGamma(l.name())));
    }

    /** The integer form of a quantized model, or empty for a float model. */
    public Optional<ModelQuantization> quantization() {
        return Optional.ofNullable(quantization);
    }

    /** True when the model carries its quantization ({@link #quantization()}). */
    public boolean isQuantized() {
        return quantization != null;
    }

    /** The same model with this quantization (null: a float model). */
    public Model withQuantization(ModelQuantization q) {
        return new Model(architecture, tensors, bnEpsilon, preprocessing, labels, metadata, q);
    }

    /** The float model alone: the same dequantized tensors without the quantization. */
    public Model dequantized() {
        return quantization == null ? this : withQuantization(null);
    }

    public Model withLabels(List<String> l) {
        return new Model(architecture, tensors, bnEpsilon, preprocessing, l, metadata, quantization);
    }

    public Model withPreprocessing(Preprocessing p) {
        return new Model(architecture, tensors, bnEpsilon, p, labels, metadata, quantization);
    }

    public Model withMetadata(Map<String, String> m) {
        return new Model(architecture, tensors, bnEpsilon, preprocessing, labels, m, quantization);
    }

    /** The same model with a different spec of identical tensor shapes (e.g. another resolution). */
    public Model withSpec(ModelSpec s) {
        return withArchitecture(s);
    }

    /** The same model with a different architecture of identical tensor names and shapes. */
    public Model withArchitecture(Architecture a) {
        return new Model(a, tensors, bnEpsilon, preprocessing, labels, metadata, quantization);
    }

    /**
     * The same network with every BatchNorm folded into its conv ({@link BatchNormFolding}).
     */
    public Model foldBatchNorm() {
        if (!hasBatchNorm()) {
            return this;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (LayerSpec l : graph.weightedLayers()) {
            String n = l.name();
            Tensor w = tensor(TensorNames.weight(n));
            Tensor b = tensors.get(TensorNames.bias(n));
            if (!tensors.containsKey(TensorNames.bnGamma(n))) {
                out.put(TensorNames.weight(n), w);
                if (b != null) {
                    out.put(TensorNames.bias(n), b);
                }
                continue;
            }
            BatchNormFolding.Folded f = BatchNormFolding.fold(w.data(), b == null ? null : b.data(),
                    tensor(TensorNames.bnGamma(n)).data(), tensor(TensorNames.bnBeta(n)).data(),
                    tensor(TensorNames.bnMean(n)).data(), tensor(TensorNames.bnVar(n)).data(), bnEpsilon);
            out.put(TensorNames.weight(n), new Tensor(w.shape(), f.weight()));
            out.put(TensorNames.bias(n), new Tensor(new int[] {l.outChannels()}, f.bias()));
        }
        return new Model(architecture, out, bnEpsilon, preprocessing, labels, metadata);
    }

    private void validate() {
        Set<String> expected = new HashSet<>();
        for (LayerSpec l : graph.weightedLayers()) {
            String n = l.name();
            expect(TensorNames.weight(n), l.weightShape());
            expected.add(TensorNames.weight(n));
            int cout = l.outChannels();
            if (tensors.containsKey(TensorNames.bias(n))) {
                expect(TensorNames.bias(n), cout);
                expected.add(TensorNames.bias(n));
            } else if (l.kind() == LayerKind.FC) {
                throw new IllegalArgumentException("missing tensor '" + TensorNames.bias(n) + "'");
            }
            String[] bn = TensorNames.bn(n);
            int present = 0;
            for (String b : bn) {
                if (tensors.containsKey(b)) {
                    present++;
                }
            }
            if (present != 0 && (present != bn.length || l.kind() == LayerKind.FC)) {
                throw new IllegalArgumentException(n + ": BatchNorm needs all of " + Arrays.toString(bn)
                        + " (or none), found " + present);
            }
            for (String b : present == 0 ? new String[0] : bn) {
                expect(b, cout);
                expected.add(b);
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.contains(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' for " + architecture.describe());
            }
        }
        if (quantization != null) {
            validateQuantization(expected);
        }
    }

    /**
     * A quantized model quantizes every layer's output and the weights of every weighted layer (its
     * biases, where it has them, as int32), with the float tensors' shapes, and nothing else.
     */
    private void validateQuantization(Set<String> floatNames) {
        for (LayerSpec l : graph.layers()) {
            if (!quantization.outputs().containsKey(l.name())) {
                throw new IllegalArgumentException("quantized model: no quantization for the output of layer '"
                        + l.name() + "'");
            }
        }
        for (LayerSpec l : graph.weightedLayers()) {
            if (quantization.tensor(TensorNames.weight(l.name())) == null) {
                throw new IllegalArgumentException("quantized model: no quantized weights for layer '" + l.name() + "'");
            }
        }
        quantization.tensors().forEach((name, q) -> {
            if (!floatNames.contains(name)) {
                throw new IllegalArgumentException("quantized model: unexpected quantized tensor '" + name + "'");
            }
            if (!Arrays.equals(q.shape(), tensors.get(name).shape())) {
                throw new IllegalArgumentException("quantized tensor '" + name + "' has shape "
                        + Arrays.toString(q.shape()) + ", its float tensor " + Arrays.toString(tensors.get(name).shape()));
            }
            boolean bias = name.endsWith(".bias");
            if (bias != (q.quant().type() == QuantType.INT32)) {
                throw new IllegalArgumentException("quantized tensor '" + name + "' is " + q.quant().type().id()
                        + (bias ? "; biases are int32" : "; weights are uint8 or int8"));
            }
        });
        for (String layer : quantization.outputs().keySet()) {
            if (graph.layers().stream().noneMatch(l -> l.name().equals(layer))) {
                throw new IllegalArgumentException("quantized model: quantization for unknown layer '" + layer + "'");
            }
        }
    }

    private void expect(String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor '" + name + "' (expected shape "
                    + Arrays.toString(shape) + ") for " + architecture.describe());
        }
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
    }

    @Override
    public String toString() {
        return architecture.describe() + ", " + tensors.size() + " tensors";
    }
}
