package org.mobilenet.io.keras;

import org.mobilenet.io.WeightLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.keras.KerasConfig.ConfigException;

/**
 * Walks a Keras model's layers ({@link KerasConfig}) and maps them onto the engine's layers, reading
 * each layer's weights ({@link KerasWeights}) into the engine's layouts. What it takes:
 * InputLayer; Rescaling right after the input (folded into the preprocessing); Conv2D and
 * DepthwiseConv2D (channels last, square kernels, no dilation or groups, depth multiplier 1) with
 * {@code same} or {@code valid} padding, a ZeroPadding2D before them added to their pads;
 * BatchNormalization after a convolution (its epsilon kept per layer); ReLU (no max, or max 6),
 * Activation (relu, relu6, hard_swish, softmax, linear) and a layer's own {@code activation}; GlobalAveragePooling2D, or an
 * AveragePooling2D whose pool covers the whole map;
 * after pooling Dense, a 1x1 Conv2D classifier (keras.applications' {@code conv_preds}), Softmax,
 * and Reshape, Flatten and Dropout as no-ops; Add of the chain and an earlier layer (MobileNet v2's
 * residuals); MobileNetV3's hard sigmoid ({@code relu6(x + 3) / 6} as TFOpLambda add, ReLU, TFOpLambda
 * multiply) and the Multiply that uses it (x by its own: hard-swish; a squeeze-and-excite gate by the
 * map its pooling read). A model that branches otherwise, or any other layer, is refused, naming it.
 *
 * <p>Layouts: Conv2D kernels are HWIO {@code (KH, KW, Cin, Cout)}, DepthwiseConv2D kernels
 * {@code (KH, KW, C, 1)}, Dense kernels {@code (Cin, Cout)}; they become {@code [Cout, Cin, KH, KW]},
 * {@code [C, 1, KH, KW]} and {@code [Cout, Cin]}.
 */
final class KerasGraphBuilder {

    /**
     * The mapped network.
     *
     * @param graph         the engine layers, named after the Keras layers
     * @param tensors       their tensors, BatchNorm unfolded ({@code L_bn.*}) when every BatchNormalization
     *                      has the same epsilon, else folded into weights and biases
     * @param epsilon       that common epsilon (1e-3, Keras's default, when there is no BatchNormalization)
     * @param rescale       what the layers before the first (Rescaling, TFOpLambda arithmetic) do to the
     *                      input, {@code x * rescale[0] + rescale[1]} (in double: Rescaling(1 / 127.5, -1)
     *                      then gives a mean of exactly 127.5), or null for none (the input is then
     *                      {@code x / 127.5 - 1}, as keras.applications' MobileNet takes it)
     */
    record Result(LayerGraph graph, Map<String, Tensor> tensors, float epsilon, double[] rescale) {
    }

    /** Keras's BatchNormalization default, and keras.applications' MobileNet's. */
    static final float DEFAULT_EPSILON = 1e-3f;

    private final KerasWeights weights;
    private final List<LayerSpec> layers = new ArrayList<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, Float> epsilons = new LinkedHashMap<>();
    /** For each Keras layer seen, the engine layer whose output is its output (-1: the input). */
    private final Map<String, Integer> producer = new HashMap<>();
    private Shape input;
    private Pads pendingPads;
    private String pendingPadsFrom;
    private boolean pooled;
    /** The engine layer the last global pooling read (a squeeze-and-excite block scales it back), or -2. */
    private int poolInput = -2;
    /**
     * The hard sigmoid {@code relu6(x + 3) / 6} being read, as MobileNetV3's Keras code writes it: an add
     * of 3 (a TFOpLambda in tf.keras, an operation in Keras 3), ReLU(6), a multiply by 1/6. Step 0: none;
     * 1: after the add; 2: after the ReLU6; 3: complete, waiting for the Multiply that uses it (by x for
     * hard-swish, by the map a squeeze-and-excite block pooled for its gate). {@code hardSigmoidOf} names
     * x's Keras layer, {@code hardSigmoidAt} the step's.
     */
    private int hardSigmoidStep;
    private String hardSigmoidOf;
    private String hardSigmoidAt;
    /** The Keras layers of the hard sigmoid being read, x's first. */
    private final List<String> hardSigmoidNames = new ArrayList<>();
    /**
     * Keras outputs no engine layer holds any more (x and the steps of a hard sigmoid a Multiply used:
     * their engine layer now gives hard_swish(x), or the gate): a layer reading one is refused.
     */
    private final Map<String, String> folded = new HashMap<>();
    /** What the layers before the first do to the input, {@code x * [0] + [1]} (see inputAffine), or null. */
    private double[] rescale;

    private KerasGraphBuilder(KerasWeights weights) {
        this.weights = weights;
    }

    /**
     * Maps {@code config}; {@code defaultSize} is the input side when the config leaves it open.
     *
     * @throws ConfigException        when the model is not one the engine runs (naming the layer)
     * @throws BadInputException      when the weights are missing or of the wrong shape
     */
    static Result build(KerasConfig config, int defaultSize, KerasWeights weights)
            throws ConfigException, BadInputException {
        KerasGraphBuilder b = new KerasGraphBuilder(weights);
        b.input = new Shape(config.inputH() > 0 ? config.inputH() : defaultSize,
                config.inputW() > 0 ? config.inputW() : defaultSize, config.inputC());
        for (KerasLayer l : config.layers()) {
            b.add(l);
        }
        return b.finish();
    }

    private Shape current() {
        return layers.isEmpty() ? input : layers.get(layers.size() - 1).out();
    }

    private int currentIndex() {
        return layers.size() - 1;
    }

    private void add(KerasLayer l) throws ConfigException, BadInputException {
        String cls = l.className();
        if (cls.equals("InputLayer")) {
            if (!l.inbound().isEmpty() || !layers.isEmpty()) {
                throw new ConfigException("unsupported: input layer '" + l.name() + "' is not the model's only input");
            }
            producer.put(l.name(), -1);
            return;
        }
        if (cls.equals("Multiply")) {
            multiply(l);
            return;
        }
        if (hardSigmoidStep == 3 || (hardSigmoidStep > 0 && !cls.equals("ReLU") && !cls.equals("TFOpLambda"))) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' (" + cls + ") comes after the hard"
                    + " sigmoid of '" + hardSigmoidOf + "' before it is complete or used; expected relu6(x + 3) / 6"
                    + " multiplied by x (hard-swish) or by the map a squeeze-and-excite block pooled");
        }
        if (cls.equals("Add")) {
            addResidual(l);
            return;
        }
        readsCurrent(l);
        if (hardSigmoidStep > 0) {
            hardSigmoidStep(l);
            producer.put(l.name(), currentIndex());
            return;
        }
        switch (cls) {
            case "Rescaling" -> rescaling(l);
            case "ZeroPadding2D" -> zeroPadding(l);
            case "Conv2D" -> conv(l, false);
            case "DepthwiseConv2D" -> conv(l, true);
            case "SeparableConv2D" -> separable(l);
            case "BatchNormalization" -> batchNorm(l);
            case "ReLU" -> activation(l, relu(l));
            case "Activation" -> activationLayer(l, string(l, "activation"));
            case "Softmax" -> head(l, LayerKind.SOFTMAX);
            case "GlobalAveragePooling2D" -> pool(l);
            case "AveragePooling2D" -> wholeMapPool(l);
            case "Dense" -> dense(l);
            case "TFOpLambda" -> tfOpLambda(l);
            case "Reshape", "Flatten", "Dropout" -> noOp(l);
            // Training-time augmentation and noise: the identity at inference.
            case "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                    "RandomBrightness", "GaussianNoise", "GaussianDropout", "SpatialDropout2D", "ActivityRegularization" -> {
            }
            default -> throw new ConfigException("unsupported: layer '" + l.name() + "' is " + cls
                    + "; the MobileNet import takes InputLayer, Rescaling, ZeroPadding2D, Conv2D, DepthwiseConv2D,"
                    + " SeparableConv2D, BatchNormalization, ReLU, Activation, GlobalAveragePooling2D, AveragePooling2D"
                    + " over the whole map, TFOpLambda arithmetic on the input, augmentation layers (Random*) as no-ops,"
                    + " Reshape, Flatten, Dropout, Dense, Softmax, Add, and MobileNetV3's hard sigmoid and Multiply");
        }
        producer.put(l.name(), currentIndex());
    }

    /** The layer reads the chain's current output (and nothing else). */
    private void readsCurrent(KerasLayer l) throws ConfigException {
        if (l.inbound().size() != 1) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' reads " + l.inbound().size()
                    + " tensors; expected one (a chain of layers)");
        }
        String from = l.inbound().get(0);
        requireNotFolded(l, from);
        Integer p = producer.get(from);
        if (p == null) {
            throw new ConfigException("layer '" + l.name() + "' reads '" + from + "', which is not an earlier layer");
        }
        if (p != currentIndex() || (pendingPads != null && !from.equals(pendingPadsFrom))) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' reads '" + from
                    + "', not the output of the layer before it (the model branches)");
        }
        if (pendingPads != null && !l.className().equals("Conv2D") && !l.className().equals("DepthwiseConv2D")
                && !l.className().equals("SeparableConv2D")) {
            throw new ConfigException("unsupported: ZeroPadding2D '" + pendingPadsFrom + "' is followed by "
                    + l.className() + " '" + l.name() + "', not by a convolution");
        }
    }

    /** Refuses a layer reading an output a Multiply folded away ({@link #folded}). */
    private void requireNotFolded(KerasLayer l, String from) throws ConfigException {
        if (folded.containsKey(from)) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' reads '" + from + "', which "
                    + folded.get(from) + "; expected it to read that Multiply's output");
        }
    }

    private void rescaling(KerasLayer l) throws ConfigException {
        inputAffine(l, number(l, "scale", 1), number(l, "offset", 0));
    }

    /**
     * tf.keras's TFOpLambda of a scalar arithmetic (Keras 3's operations arrive in the same form,
     * {@link KerasConfig}): right after the input, as {@code preprocess_input} inside a model saves (the
     * transfer-learning tutorial's {@code x / 127.5 - 1}); in the body, the start of a hard sigmoid. Its
     * operand is the {@code y} of the call ({@link KerasConfig#CALL_KWARGS}).
     */
    private void tfOpLambda(KerasLayer l) throws ConfigException {
        String f = String.valueOf(l.get("function"));
        Object kwargs = l.get(KerasConfig.CALL_KWARGS);
        Object y = kwargs instanceof Map<?, ?> m ? m.get("y") : null;
        if (!(y instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new ConfigException("unsupported: " + lambdaKind(l) + " '" + l.name() + "' (" + f + ") has no constant operand"
                    + " y; expected a tensor plus, minus, times or over a number");
        }
        double v = n.doubleValue();
        if (!layers.isEmpty() || pendingPads != null) {
            startHardSigmoid(l, f, v);
            return;
        }
        switch (f) {
            case "math.truediv", "math.divide" -> inputAffine(l, 1 / v, 0);
            case "math.multiply" -> inputAffine(l, v, 0);
            case "math.subtract" -> inputAffine(l, 1, -v);
            case "__operators__.add", "math.add" -> inputAffine(l, 1, v);
            default -> throw new ConfigException("unsupported: " + lambdaKind(l) + " '" + l.name() + "' computes " + f
                    + "; expected a scalar add, subtract, multiply or divide of the input");
        }
    }

    /**
     * One more {@code x * scale + offset} of the input before the first layer (Rescaling layers,
     * TFOpLambda arithmetic), composed with those before it.
     */
    private void inputAffine(KerasLayer l, double scale, double offset) throws ConfigException {
        if (!layers.isEmpty() || pendingPads != null) {
            throw new ConfigException("unsupported: " + l.className() + " layer '" + l.name()
                    + "' is not right after the input");
        }
        if (!(scale > 0) || !Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new ConfigException("unsupported: " + l.className() + " layer '" + l.name() + "' has scale " + scale);
        }
        rescale = rescale == null ? new double[] {scale, offset}
                : new double[] {rescale[0] * scale, rescale[1] * scale + offset};
    }

    private void zeroPadding(KerasLayer l) throws ConfigException {
        if (pooled) {
            throw new ConfigException("unsupported: ZeroPadding2D '" + l.name() + "' after pooling");
        }
        requireChannelsLast(l);
        int[] p = padding(l);
        Pads add = new Pads(p[0], p[2], p[1], p[3]);
        pendingPads = pendingPads == null ? add : new Pads(pendingPads.top() + add.top(),
                pendingPads.left() + add.left(), pendingPads.bottom() + add.bottom(), pendingPads.right() + add.right());
        pendingPadsFrom = l.name();
        // The padded map is the same engine tensor, read by the next convolution with larger pads.
    }

    /** {@code padding} as ((top, bottom), (left, right)), or one int, or (symmetric h, symmetric w). */
    private static int[] padding(KerasLayer l) throws ConfigException {
        Object v = l.get("padding");
        if (v instanceof Long n) {
            return new int[] {n.intValue(), n.intValue(), n.intValue(), n.intValue()};
        }
        List<Object> two = KerasConfig.list(v, l.name() + "'s padding");
        if (two.size() != 2) {
            throw new ConfigException("layer '" + l.name() + "' has padding " + v + "; expected two pairs");
        }
        int[] out = new int[4];
        for (int i = 0; i < 2; i++) {
            Object side = two.get(i);
            if (side instanceof List<?> pair) {
                if (pair.size() != 2) {
                    throw new ConfigException("layer '" + l.name() + "' has padding " + v + "; expected two pairs");
                }
                out[2 * i] = small(pair.get(0), l);
                out[2 * i + 1] = small(pair.get(1), l);
            } else {
                out[2 * i] = small(side, l);
                out[2 * i + 1] = out[2 * i];
            }
        }
        return out;
    }

    private static int small(Object o, KerasLayer l) throws ConfigException {
        long v = KerasConfig.integer(o, l.name() + "'s padding");
        if (v < 0 || v > 64) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' pads by " + v);
        }
        return (int) v;
    }

    private void conv(KerasLayer l, boolean depthwise) throws ConfigException, BadInputException {
        requireChannelsLast(l);
        int k = square(l, "kernel_size");
        int stride = square(l, "strides");
        if (square(l, "dilation_rate") != 1 || (l.get("groups") != null && integer(l, "groups") != 1)) {
            throw new ConfigException("unsupported: " + l.className() + " '" + l.name() + "' is dilated or grouped");
        }
        boolean bias = bool(l, "use_bias", true);
        Shape in = current();
        if (pooled) {
            if (depthwise || k != 1 || stride != 1 || pendingPads != null) {
                throw new ConfigException("unsupported: " + l.className() + " '" + l.name()
                        + "' after pooling; expected a 1x1 classifier");
            }
            int classes = (int) integer(l, "filters");
            fc(l, classes, bias, activationOf(l), new int[] {1, 1, in.c(), classes});
            return;
        }
        Pads pads = pads(l, in, k, stride);
        int outC;
        LayerKind kind;
        List<int[]> shapes = new ArrayList<>();
        if (depthwise) {
            if (l.get("depth_multiplier") != null && integer(l, "depth_multiplier") != 1) {
                throw new ConfigException("unsupported: DepthwiseConv2D '" + l.name() + "' has depth multiplier "
                        + l.get("depth_multiplier") + "; expected 1");
            }
            outC = in.c();
            kind = LayerKind.DEPTHWISE;
            shapes.add(new int[] {k, k, in.c(), 1});
        } else {
            outC = (int) integer(l, "filters");
            kind = k == 1 && stride == 1 && pads.equals(Pads.NONE) ? LayerKind.POINTWISE : LayerKind.CONV;
            shapes.add(new int[] {k, k, in.c(), outC});
        }
        if (outC < 1 || outC > 1 << 16) {
            throw new ConfigException("unsupported: " + l.className() + " '" + l.name() + "' has " + outC + " filters");
        }
        if (bias) {
            shapes.add(new int[] {outC});
        }
        Shape out = new Shape((in.h() + pads.top() + pads.bottom() - k) / stride + 1,
                (in.w() + pads.left() + pads.right() - k) / stride + 1, outC);
        List<H5File.Array> w = weights.read(l, shapes);
        String name = l.name();
        KerasActivation act = activationOf(l);
        if (act.head() != null) {
            throw new ConfigException("unsupported: " + l.className() + " '" + l.name() + "' ends in "
                    + act.head().id());
        }
        layers.add(new LayerSpec(name, kind, k, stride, pads, in, out, act.layer(), null));
        tensors.put(TensorNames.weight(name), new Tensor(weightShape(kind, outC, in.c(), k),
                depthwise ? WeightLayout.DEPTHWISE.toTorch(w.get(0).data(), outC, 1, k)
                        : WeightLayout.HWIO.toTorch(w.get(0).data(), outC, in.c(), k)));
        if (bias) {
            tensors.put(TensorNames.bias(name), new Tensor(new int[] {outC}, w.get(1).data()));
        }
    }

    /** A convolution's pads: its padding's ('same': TensorFlow's), plus a ZeroPadding2D's before it. */
    private Pads pads(KerasLayer l, Shape in, int k, int stride) throws ConfigException {
        String padding = string(l, "padding");
        Pads pads = switch (padding) {
            case "same" -> Padding.TF_SAME.pads(in.h(), in.w(), k, stride);
            case "valid" -> Pads.NONE;
            default -> throw new ConfigException("unsupported: " + l.className() + " '" + l.name()
                    + "' has padding '" + padding + "'");
        };
        if (pendingPads != null) {
            pads = new Pads(pads.top() + pendingPads.top(), pads.left() + pendingPads.left(),
                    pads.bottom() + pendingPads.bottom(), pads.right() + pendingPads.right());
            pendingPads = null;
            pendingPadsFrom = null;
        }
        if (in.h() + pads.top() + pads.bottom() < k || in.w() + pads.left() + pads.right() < k) {
            throw new ConfigException(l.className() + " '" + l.name() + "': its " + k + "x" + k + " kernel is larger"
                    + " than its padded " + in.h() + "x" + in.w() + " input");
        }
        return pads;
    }

    /**
     * SeparableConv2D: the depthwise convolution ({@code <name>/depthwise}, linear, no bias) and the
     * pointwise one ({@code <name>}, with the layer's bias and activation) it is made of. Variables:
     * depthwise kernel {@code (k, k, C, 1)}, pointwise kernel {@code (1, 1, C, filters)}, bias.
     */
    private void separable(KerasLayer l) throws ConfigException, BadInputException {
        requireChannelsLast(l);
        int k = square(l, "kernel_size");
        int stride = square(l, "strides");
        if (square(l, "dilation_rate") != 1) {
            throw new ConfigException("unsupported: SeparableConv2D '" + l.name() + "' is dilated");
        }
        if (l.get("depth_multiplier") != null && integer(l, "depth_multiplier") != 1) {
            throw new ConfigException("unsupported: SeparableConv2D '" + l.name() + "' has depth multiplier "
                    + l.get("depth_multiplier") + "; expected 1");
        }
        if (pooled) {
            throw new ConfigException("unsupported: SeparableConv2D '" + l.name() + "' after pooling");
        }
        Shape in = current();
        Pads pads = pads(l, in, k, stride);
        int outC = (int) integer(l, "filters");
        if (outC < 1 || outC > 1 << 16) {
            throw new ConfigException("unsupported: SeparableConv2D '" + l.name() + "' has " + outC + " filters");
        }
        boolean bias = bool(l, "use_bias", true);
        List<int[]> shapes = new ArrayList<>(List.of(new int[] {k, k, in.c(), 1}, new int[] {1, 1, in.c(), outC}));
        if (bias) {
            shapes.add(new int[] {outC});
        }
        KerasActivation act = activationOf(l);
        if (act.head() != null) {
            throw new ConfigException("unsupported: SeparableConv2D '" + l.name() + "' ends in " + act.head().id());
        }
        List<H5File.Array> w = weights.read(l, shapes);
        Shape mid = new Shape((in.h() + pads.top() + pads.bottom() - k) / stride + 1,
                (in.w() + pads.left() + pads.right() - k) / stride + 1, in.c());
        String dw = l.name() + "/depthwise";
        layers.add(new LayerSpec(dw, LayerKind.DEPTHWISE, k, stride, pads, in, mid, Activation.NONE, null));
        tensors.put(TensorNames.weight(dw), new Tensor(weightShape(LayerKind.DEPTHWISE, in.c(), 1, k),
                WeightLayout.DEPTHWISE.toTorch(w.get(0).data(), in.c(), 1, k)));
        tensors.put(TensorNames.bias(dw), new Tensor(new int[] {in.c()}, new float[in.c()]));
        Shape out = new Shape(mid.h(), mid.w(), outC);
        layers.add(new LayerSpec(l.name(), LayerKind.POINTWISE, 1, 1, Pads.NONE, mid, out, act.layer(), null));
        tensors.put(TensorNames.weight(l.name()), new Tensor(weightShape(LayerKind.POINTWISE, outC, in.c(), 1),
                WeightLayout.HWIO.toTorch(w.get(1).data(), outC, in.c(), 1)));
        if (bias) {
            tensors.put(TensorNames.bias(l.name()), new Tensor(new int[] {outC}, w.get(2).data()));
        }
    }

    private static int[] weightShape(LayerKind kind, int outC, int inC, int k) {
        return kind == LayerKind.DEPTHWISE ? new int[] {outC, 1, k, k} : new int[] {outC, inC, k, k};
    }

    private void batchNorm(KerasLayer l) throws ConfigException, BadInputException {
        LayerSpec target = layers.isEmpty() ? null : layers.get(currentIndex());
        if (target == null || !(target.kind() == LayerKind.CONV || target.kind() == LayerKind.DEPTHWISE
                || target.kind() == LayerKind.POINTWISE) || target.activation() != Activation.NONE
                || epsilons.containsKey(target.name())) {
            throw new ConfigException("unsupported: BatchNormalization '" + l.name() + "' does not directly follow"
                    + " a convolution without activation");
        }
        Object axis = l.get("axis");
        if (axis instanceof List<?> a && a.size() == 1) {
            axis = a.get(0);
        }
        if (axis != null && !(axis instanceof Long n && (n == -1 || n == 3))) {
            throw new ConfigException("unsupported: BatchNormalization '" + l.name() + "' normalizes axis " + axis
                    + "; expected the channels (-1)");
        }
        double eps = number(l, "epsilon", DEFAULT_EPSILON);
        if (!(eps >= 0) || eps > 1) {
            throw new ConfigException("BatchNormalization '" + l.name() + "' has epsilon " + eps);
        }
        boolean scale = bool(l, "scale", true);
        boolean center = bool(l, "center", true);
        int c = target.outChannels();
        List<int[]> shapes = new ArrayList<>();
        for (int i = (scale ? 0 : 1) + (center ? 0 : 1); i < 4; i++) {
            shapes.add(new int[] {c});
        }
        List<H5File.Array> v = weights.read(l, shapes);
        int i = 0;
        float[] gamma = scale ? v.get(i++).data() : filled(c, 1f);
        float[] beta = center ? v.get(i++).data() : new float[c];
        float[] mean = v.get(i++).data();
        float[] var = v.get(i).data();
        for (float x : var) {
            if (!(x >= 0) || !Float.isFinite(x)) {
                throw new ConfigException("BatchNormalization '" + l.name() + "' has a moving variance of " + x);
            }
        }
        String n = target.name();
        tensors.put(TensorNames.bnGamma(n), new Tensor(new int[] {c}, gamma));
        tensors.put(TensorNames.bnBeta(n), new Tensor(new int[] {c}, beta));
        tensors.put(TensorNames.bnMean(n), new Tensor(new int[] {c}, mean));
        tensors.put(TensorNames.bnVar(n), new Tensor(new int[] {c}, var));
        epsilons.put(n, (float) eps);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** ReLU's activation: RELU without a max, RELU6 with max 6; leaky or thresholded ones are refused. */
    private static Activation relu(KerasLayer l) throws ConfigException {
        double slope = number(l, "negative_slope", 0);
        double threshold = number(l, "threshold", 0);
        if (slope != 0 || threshold != 0) {
            throw new ConfigException("unsupported: ReLU '" + l.name() + "' has negative slope " + slope
                    + " and threshold " + threshold + "; expected 0");
        }
        Object max = l.get("max_value");
        if (max == null) {
            return Activation.RELU;
        }
        double m = number(l, "max_value", 0);
        if (m == 6) {
            return Activation.RELU6;
        }
        throw new ConfigException("unsupported: ReLU '" + l.name() + "' clips at " + m + "; expected 6 or none");
    }

    /**
     * A Keras activation: one the engine's layers carry ({@code layer}), or a head after them
     * ({@code head}: softmax, or sigmoid for a binary or multi-label classifier; {@code layer} NONE).
     */
    private record KerasActivation(Activation layer, LayerKind head) {
        static final KerasActivation NONE = new KerasActivation(Activation.NONE, null);
    }

    /** The activation named by a layer's {@code activation}. */
    private static KerasActivation activationOf(KerasLayer l) throws ConfigException {
        Object a = l.get("activation");
        if (a == null) {
            return KerasActivation.NONE;
        }
        return named(l, a);
    }

    private static KerasActivation named(KerasLayer l, Object a) throws ConfigException {
        if (!(a instanceof String s)) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' has activation " + a);
        }
        return switch (s) {
            case "linear" -> KerasActivation.NONE;
            case "relu" -> new KerasActivation(Activation.RELU, null);
            case "relu6" -> new KerasActivation(Activation.RELU6, null);
            case "softmax" -> new KerasActivation(Activation.NONE, LayerKind.SOFTMAX);
            case "sigmoid" -> new KerasActivation(Activation.NONE, LayerKind.SIGMOID);
            // Keras 3's (MobileNetV3's hard_swish in keras.applications); 'hard_silu' is its other name.
            case "hard_swish", "hard_silu" -> new KerasActivation(Activation.HARD_SWISH, null);
            default -> throw new ConfigException("unsupported: layer '" + l.name() + "' has activation '" + s
                    + "' (expected relu, relu6, hard_swish, softmax, sigmoid or linear)");
        };
    }

    private void activationLayer(KerasLayer l, String a) throws ConfigException {
        KerasActivation act = named(l, a);
        if (act.head() != null) {
            head(l, act.head());
        } else if (act.layer() != Activation.NONE) {
            activation(l, act.layer());
        }
    }

    /** Sets the last layer's activation, which must have none yet. */
    private void activation(KerasLayer l, Activation act) throws ConfigException {
        LayerSpec last = layers.isEmpty() ? null : layers.get(currentIndex());
        if (last == null || last.activation() != Activation.NONE || !(last.kind() == LayerKind.CONV
                || last.kind() == LayerKind.DEPTHWISE || last.kind() == LayerKind.POINTWISE
                || last.kind() == LayerKind.FC)) {
            throw new ConfigException("unsupported: activation '" + l.name() + "' does not follow a convolution or"
                    + " dense layer without activation");
        }
        layers.set(currentIndex(), last.withActivation(act));
    }

    /** A softmax or sigmoid layer of its own after the classifier. */
    private void head(KerasLayer l, LayerKind kind) throws ConfigException {
        Shape in = current();
        if (!pooled || layers.get(currentIndex()).kind() != LayerKind.FC) {
            throw new ConfigException("unsupported: " + kind.id() + " '" + l.name() + "' does not follow the classifier");
        }
        layers.add(new LayerSpec(l.name(), kind, 1, 1, Pads.NONE, in, in, Activation.NONE, null));
    }

    /**
     * AveragePooling2D whose pool covers the whole feature map with 'valid' padding (a 1 x 1 output, as
     * MLCommons' visual-wake-words MobileNet pools before its Flatten): the global pooling it equals.
     */
    private void wholeMapPool(KerasLayer l) throws ConfigException {
        Shape in = current();
        long[] size = pair(l, "pool_size");
        if (size[0] != in.h() || size[1] != in.w() || !"valid".equals(String.valueOf(l.get("padding")))) {
            throw new ConfigException("unsupported: AveragePooling2D '" + l.name() + "' pools " + size[0] + "x" + size[1]
                    + " (padding " + l.get("padding") + ") of a " + in.h() + "x" + in.w() + " map; only a pool over the"
                    + " whole map with 'valid' padding (a global average pooling) is supported");
        }
        pool(l);
    }

    /** A two-value option (one number meaning both), such as pool_size. */
    private static long[] pair(KerasLayer l, String key) throws ConfigException {
        Object v = l.get(key);
        if (v instanceof Long n) {
            return new long[] {n, n};
        }
        List<Object> two = KerasConfig.list(v, l.name() + "'s " + key);
        if (two.size() != 2) {
            throw new ConfigException("layer '" + l.name() + "' has " + key + " " + v + "; expected two values");
        }
        return new long[] {KerasConfig.integer(two.get(0), l.name() + "'s " + key),
            KerasConfig.integer(two.get(1), l.name() + "'s " + key)};
    }

    private void pool(KerasLayer l) throws ConfigException {
        requireChannelsLast(l);
        if (pooled || layers.isEmpty()) {
            throw new ConfigException("unsupported: global pooling '" + l.name() + "' not after the body");
        }
        Shape in = current();
        poolInput = currentIndex();
        layers.add(new LayerSpec(l.name(), LayerKind.AVG_POOL, in.h(), 1, Pads.NONE, in, new Shape(1, 1, in.c()),
                Activation.NONE, null));
        pooled = true;
    }

    private void dense(KerasLayer l) throws ConfigException, BadInputException {
        int units = (int) integer(l, "units");
        if (!pooled) {
            if (layers.isEmpty() || pendingPads != null) {
                throw new ConfigException("unsupported: Dense '" + l.name() + "' before any convolution");
            }
            pixelDense(l, units);
            return;
        }
        // After a Flatten of the unpooled map the layer reads the whole map (its NHWC order is Keras's).
        fc(l, units, bool(l, "use_bias", true), activationOf(l), new int[] {Math.toIntExact(current().size()), units});
    }

    /**
     * Dense on the unpooled map: Keras applies it to each pixel's channels, a 1x1 convolution (as Edge
     * Impulse's heads have it before their Flatten). Kernel {@code (C, units)}.
     */
    private void pixelDense(KerasLayer l, int units) throws ConfigException, BadInputException {
        Shape in = current();
        KerasActivation act = activationOf(l);
        if (act.head() != null) {
            throw new ConfigException("unsupported: Dense '" + l.name() + "' applies " + act.head().id()
                    + " to each pixel of the unpooled map");
        }
        boolean bias = bool(l, "use_bias", true);
        List<int[]> shapes = new ArrayList<>(List.of(new int[] {in.c(), units}));
        if (bias) {
            shapes.add(new int[] {units});
        }
        List<H5File.Array> w = weights.read(l, shapes);
        Shape out = new Shape(in.h(), in.w(), units);
        layers.add(new LayerSpec(l.name(), LayerKind.POINTWISE, 1, 1, Pads.NONE, in, out, act.layer(), null));
        tensors.put(TensorNames.weight(l.name()), new Tensor(new int[] {units, in.c(), 1, 1},
                WeightLayout.HWIO.toTorch(w.get(0).data(), units, in.c(), 1)));
        tensors.put(TensorNames.bias(l.name()), new Tensor(new int[] {units}, bias ? w.get(1).data() : new float[units]));
    }

    /** A classifier: Dense ({@code kernelShape} (C, units)) or a 1x1 Conv2D ((1, 1, C, units)), then its activation. */
    private void fc(KerasLayer l, int units, boolean bias, KerasActivation act, int[] kernelShape)
            throws ConfigException, BadInputException {
        Shape in = current();
        if (units < 1 || units > 1 << 20) {
            throw new ConfigException("unsupported: classifier '" + l.name() + "' has " + units + " outputs");
        }
        List<int[]> shapes = new ArrayList<>(List.of(kernelShape));
        if (bias) {
            shapes.add(new int[] {units});
        }
        List<H5File.Array> w = weights.read(l, shapes);
        Shape out = new Shape(1, 1, units);
        // Over a pooled 1x1 map its channels; over a flattened map all of it (LayerSpec#inChannels).
        LayerSpec fc = new LayerSpec(l.name(), LayerKind.FC, 1, 1, Pads.NONE, in, out, act.layer(), null);
        layers.add(fc);
        tensors.put(TensorNames.weight(l.name()), new Tensor(new int[] {units, fc.inChannels()},
                WeightLayout.HWIO.toTorch(w.get(0).data(), units, fc.inChannels(), 1)));
        tensors.put(TensorNames.bias(l.name()), new Tensor(new int[] {units}, bias ? w.get(1).data() : new float[units]));
        if (act.head() != null) {
            layers.add(new LayerSpec(l.name() + "_" + act.head().id(), act.head(), 1, 1, Pads.NONE, out, out,
                    Activation.NONE, null));
        }
    }

    private void noOp(KerasLayer l) throws ConfigException {
        if (l.className().equals("Dropout")) {
            return; // nothing at inference, wherever it is
        }
        if (!pooled) {
            // Flatten (or a Reshape to one vector) of the unpooled map: the next Dense reads all of it.
            Shape map = current();
            boolean vector = l.className().equals("Flatten");
            if (l.className().equals("Reshape")) {
                List<Object> target = KerasConfig.list(l.get("target_shape"), l.name() + "'s target_shape");
                vector = target.size() == 1 && KerasConfig.integer(target.get(0), l.name() + "'s target_shape")
                        == map.size();
            }
            if (layers.isEmpty() || pendingPads != null || !vector) {
                throw new ConfigException("unsupported: " + l.className() + " '" + l.name() + "' of the " + map
                        + " feature map; expected global pooling, or a Flatten for a Dense layer");
            }
            requireChannelsLast(l);
            pooled = true; // the flattened map is the feature vector
            poolInput = -2; // (no squeeze-and-excite gate scales it)
            return;
        }
        if (l.className().equals("Reshape")) {
            List<Object> target = KerasConfig.list(l.get("target_shape"), l.name() + "'s target_shape");
            long n = 1;
            int inferred = 0; // dimensions given as -1: Keras infers one from the others
            for (Object d : target) {
                long v = KerasConfig.integer(d, l.name() + "'s target_shape");
                if (v == -1) {
                    inferred++;
                } else {
                    n *= v;
                }
            }
            if (inferred > 1 || (inferred == 0 ? n != current().c() : n < 1 || current().c() % n != 0)) {
                throw new ConfigException("layer '" + l.name() + "' reshapes " + current().c() + " values to " + target);
            }
        }
    }

    /** What a TFOpLambda-form layer is in the file: tf.keras's TFOpLambda, or a Keras 3 operation. */
    private static String lambdaKind(KerasLayer l) {
        Object op = l.get(KerasConfig.OPERATION);
        return op == null ? "TFOpLambda" : op + " operation";
    }

    /** An add of 3 in the body: the start of a hard sigmoid (nothing else adds constants there). */
    private void startHardSigmoid(KerasLayer l, String f, double v) throws ConfigException {
        if (!(f.equals("__operators__.add") || f.equals("math.add")) || v != 3) {
            throw new ConfigException("unsupported: " + lambdaKind(l) + " '" + l.name() + "' computes " + f + " " + v
                    + " inside the network; expected arithmetic right after the input, or the + 3 of a hard sigmoid");
        }
        hardSigmoidOf = l.inbound().get(0);
        hardSigmoidAt = l.name();
        hardSigmoidStep = 1;
        hardSigmoidNames.clear();
        hardSigmoidNames.add(hardSigmoidOf);
        hardSigmoidNames.add(l.name());
    }

    /** The hard sigmoid's next step: ReLU(6) after the add, then the multiply by 1/6 (or divide by 6). */
    private void hardSigmoidStep(KerasLayer l) throws ConfigException {
        if (!l.inbound().get(0).equals(hardSigmoidAt)) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' reads '" + l.inbound().get(0)
                    + "' in the middle of the hard sigmoid of '" + hardSigmoidOf + "'; expected it to read '"
                    + hardSigmoidAt + "'");
        }
        boolean next;
        if (hardSigmoidStep == 1) {
            next = l.className().equals("ReLU") && relu(l) == Activation.RELU6;
        } else {
            Object kwargs = l.get(KerasConfig.CALL_KWARGS);
            Object y = kwargs instanceof Map<?, ?> m ? m.get("y") : null;
            String f = String.valueOf(l.get("function"));
            double v = y instanceof Number n ? n.doubleValue() : Double.NaN;
            next = l.className().equals("TFOpLambda") && (f.equals("math.multiply") && Math.abs(v - 1 / 6.0) < 1e-6
                    || (f.equals("math.truediv") || f.equals("math.divide")) && v == 6);
        }
        if (!next) {
            String found = l.className().equals("TFOpLambda") ? lambdaKind(l) + " " + l.get("function") + " " + ((Map<?, ?>) l.get(
                    KerasConfig.CALL_KWARGS)).get("y") : l.className().equals("ReLU") ? "ReLU(max_value="
                    + l.get("max_value") + ")" : l.className();
            throw new ConfigException("unsupported: layer '" + l.name() + "' (" + found + ") follows the"
                    + (hardSigmoidStep == 1 ? " + 3" : " ReLU6") + " of a hard sigmoid of '" + hardSigmoidOf
                    + "'; expected " + (hardSigmoidStep == 1 ? "ReLU(6)" : "a multiply by 1/6"));
        }
        hardSigmoidAt = l.name();
        hardSigmoidNames.add(l.name());
        hardSigmoidStep++;
    }

    /**
     * Keras's Multiply of two maps, as MobileNetV3 has it: x times its own hard sigmoid (hard-swish, the
     * activation of x's layer), or a squeeze-and-excite gate (a hard sigmoid ending the dense layers after
     * a global pooling) times the map that pooling read (a SCALE layer; the body goes on from there).
     */
    private void multiply(KerasLayer l) throws ConfigException {
        if (l.inbound().size() != 2 || hardSigmoidStep != 3 || !l.inbound().contains(hardSigmoidAt)) {
            throw new ConfigException("unsupported: Multiply '" + l.name() + "' multiplies " + l.inbound()
                    + "; expected a tensor times a hard sigmoid (relu6(x + 3) / 6)"
                    + (hardSigmoidStep == 1 || hardSigmoidStep == 2 ? ", and the hard sigmoid of '" + hardSigmoidOf
                            + "' is not complete" : ""));
        }
        String other = l.inbound().get(0).equals(hardSigmoidAt) ? l.inbound().get(1) : l.inbound().get(0);
        hardSigmoidStep = 0;
        for (String n : hardSigmoidNames) {
            folded.put(n, "Multiply '" + l.name() + "' folded into its layer");
        }
        if (other.equals(hardSigmoidOf)) {
            activation(l, Activation.HARD_SWISH);
            producer.put(l.name(), currentIndex());
            return;
        }
        Integer map = producer.get(other);
        LayerSpec gate = layers.isEmpty() ? null : layers.get(currentIndex());
        if (map == null || map != poolInput || !pooled || gate.kind() != LayerKind.FC
                || gate.outChannels() != layers.get(map).outChannels()) {
            throw new ConfigException("unsupported: Multiply '" + l.name() + "' multiplies '" + other + "' by the hard"
                    + " sigmoid of '" + hardSigmoidOf + "'; expected x by its own, or a squeeze-and-excite gate by the"
                    + " map its pooling read");
        }
        activation(l, Activation.HARD_SIGMOID);
        LayerSpec scaled = layers.get(map);
        layers.add(new LayerSpec(l.name(), LayerKind.SCALE, 1, 1, Pads.NONE, gate.out(), scaled.out(), Activation.NONE,
                scaled.name()));
        pooled = false; // back in the body
        poolInput = -2;
        producer.put(l.name(), currentIndex());
    }

    private void addResidual(KerasLayer l) throws ConfigException {
        if (l.inbound().size() != 2 || pooled || pendingPads != null || layers.isEmpty()) {
            throw new ConfigException("unsupported: Add '" + l.name() + "' is not a residual add of two feature maps");
        }
        requireNotFolded(l, l.inbound().get(0));
        requireNotFolded(l, l.inbound().get(1));
        Integer a = producer.get(l.inbound().get(0));
        Integer b = producer.get(l.inbound().get(1));
        if (a == null || b == null) {
            throw new ConfigException("Add '" + l.name() + "' reads a layer that is not an earlier one");
        }
        int cur = currentIndex();
        int other = a == cur ? b : a;
        if ((a != cur && b != cur) || other < 0 || other == cur) {
            throw new ConfigException("unsupported: Add '" + l.name() + "' does not add the chain's output to an"
                    + " earlier layer's");
        }
        Shape s = current();
        LayerSpec addend = layers.get(other);
        if (!addend.out().equals(s)) {
            throw new ConfigException("Add '" + l.name() + "' adds " + addend.out() + " to " + s);
        }
        layers.add(LayerSpec.add(l.name(), s, addend.name()));
        producer.put(l.name(), currentIndex());
    }

    private Result finish() throws ConfigException {
        if (layers.isEmpty()) {
            throw new ConfigException("the model has no layers the engine runs");
        }
        if (pendingPads != null) {
            throw new ConfigException("unsupported: ZeroPadding2D '" + pendingPadsFrom + "' ends the model");
        }
        if (hardSigmoidStep != 0) {
            throw new ConfigException("unsupported: the model ends in the hard sigmoid of '" + hardSigmoidOf
                    + "'; expected it multiplied by x or by a squeeze-and-excite block's map");
        }
        LayerGraph g;
        try {
            g = new LayerGraph(family(layers), input, layers);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        TreeSet<Float> distinct = new TreeSet<>(epsilons.values());
        if (distinct.size() <= 1) {
            return new Result(g, tensors, distinct.isEmpty() ? DEFAULT_EPSILON : distinct.first(), rescale);
        }
        return new Result(g, foldEach(g), DEFAULT_EPSILON, rescale);
    }

    /** Every BatchNorm folded with its own epsilon ({@code Model.foldBatchNorm}'s formula, per layer). */
    private Map<String, Tensor> foldEach(LayerGraph g) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (LayerSpec l : g.weightedLayers()) {
            String n = l.name();
            Tensor w = tensors.get(TensorNames.weight(n));
            Tensor b = tensors.get(TensorNames.bias(n));
            Float eps = epsilons.get(n);
            if (eps == null) {
                out.put(TensorNames.weight(n), w);
                if (b != null) {
                    out.put(TensorNames.bias(n), b);
                }
                continue;
            }
            float[] gamma = tensors.get(TensorNames.bnGamma(n)).data();
            float[] beta = tensors.get(TensorNames.bnBeta(n)).data();
            float[] mean = tensors.get(TensorNames.bnMean(n)).data();
            float[] var = tensors.get(TensorNames.bnVar(n)).data();
            int cout = l.outChannels();
            int per = w.data().length / cout;
            float[] fw = new float[w.data().length];
            float[] fb = new float[cout];
            for (int o = 0; o < cout; o++) {
                double scale = gamma[o] / Math.sqrt((double) var[o] + eps);
                for (int i = 0; i < per; i++) {
                    fw[o * per + i] = (float) (w.data()[o * per + i] * scale);
                }
                fb[o] = (float) (((b == null ? 0 : b.data()[o]) - mean[o]) * scale + beta[o]);
            }
            out.put(TensorNames.weight(n), new Tensor(w.shape(), fw));
            out.put(TensorNames.bias(n), new Tensor(new int[] {cout}, fb));
        }
        return out;
    }

    /** The family a generic graph reports ({@link LayerGraph#familyOf}: v3, v2 or v1). */
    private static String family(List<LayerSpec> layers) {
        return LayerGraph.familyOf(layers);
    }

    private static void requireChannelsLast(KerasLayer l) throws ConfigException {
        Object f = l.get("data_format");
        if (f != null && !"channels_last".equals(f)) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' is " + f + "; expected channels_last");
        }
    }

    private static int square(KerasLayer l, String key) throws ConfigException {
        Object v = l.get(key);
        if (v == null) {
            return 1;
        }
        long[] ab = pair(l, key);
        if (ab[0] != ab[1]) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' has " + key + " " + v + " (not square)");
        }
        return checkSide(l, key, ab[0]);
    }

    private static int checkSide(KerasLayer l, String key, long v) throws ConfigException {
        if (v < 1 || v > 64) {
            throw new ConfigException("unsupported: layer '" + l.name() + "' has " + key + " " + v);
        }
        return (int) v;
    }

    private static String string(KerasLayer l, String key) throws ConfigException {
        return KerasConfig.string(l.get(key), l.name() + "'s " + key);
    }

    private static long integer(KerasLayer l, String key) throws ConfigException {
        return KerasConfig.integer(l.get(key), l.name() + "'s " + key);
    }

    private static boolean bool(KerasLayer l, String key, boolean dflt) throws ConfigException {
        Object v = l.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ConfigException("layer '" + l.name() + "' has " + key + " " + v + "; expected true or false");
    }

    private static double number(KerasLayer l, String key, double dflt) throws ConfigException {
        Object v = l.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new ConfigException("layer '" + l.name() + "' has " + key + " " + v + "; expected a number");
    }
}
