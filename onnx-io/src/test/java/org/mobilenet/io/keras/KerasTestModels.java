package org.mobilenet.io.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.json.Json;

/**
 * Keras models built in the tests, independently of the importer: a list of layers (class, name,
 * config, weights in Keras's layouts) written with jHDF's writer as Keras writes them (a whole-model
 * .h5, a weights-only .h5, a Keras 3 .keras archive), plus the two models the issue names:
 * keras.applications.MobileNet at alpha 0.5 / 160 carrying the Coral model's weights (1000 classes:
 * its background row dropped), and a functional MobileNet as the tutorials build it.
 */
final class KerasTestModels {
    /**
     * One layer: Keras class, name, config, its variables in Keras's order and layouts, and the layers
     * it reads (empty: the layer before it).
     */
    record Layer(String cls, String name, Map<String, Object> config, List<Var> vars, List<String> inbound) {
        Layer(String cls, String name, Map<String, Object> config, List<Var> vars) {
            this(cls, name, config, vars, List.of());
        }
    }

    /** A variable: Keras's short name (kernel, bias, gamma, ...), shape, values (row-major). */
    record Var(String name, int[] shape, float[] data) {
    }

    private KerasTestModels() {
    }

    // ---------------------------------------------------------------- the layers of the two models

    /**
     * keras.applications.MobileNet(alpha=0.5, input 160) with the Coral 0.5/160 weights: each folded
     * conv {@code w, b} becomes a kernel and a BatchNormalization (epsilon 1e-3) with non-trivial
     * gamma, variance and mean that reproduce it ({@code kernel = w / s}, {@code beta = b + s * mean},
     * {@code s = gamma / sqrt(var + eps)}); the classifier drops the background row.
     */
    static List<Layer> applications(Model coral) {
        List<Layer> out = new ArrayList<>();
        out.add(new Layer("InputLayer", "input_1", inputConfig(coral.resolution()), List.of()));
        convBn(out, coral, "conv1", "conv1", "conv1", 2, "same", false);
        for (int i = 0; i < 13; i++) {
            int n = i + 1;
            int stride = coral.spec().graph().layer("blocks." + i + ".dw").orElseThrow().stride();
            if (stride == 2) {
                Map<String, Object> pad = new LinkedHashMap<>();
                pad.put("name", "conv_pad_" + n);
                pad.put("padding", List.of(List.of(0L, 1L), List.of(0L, 1L)));
                out.add(new Layer("ZeroPadding2D", "conv_pad_" + n, pad, List.of()));
            }
            convBn(out, coral, "blocks." + i + ".dw", "conv_dw_" + n, "conv_dw_" + n, stride,
                    stride == 2 ? "valid" : "same", true);
            convBn(out, coral, "blocks." + i + ".pw", "conv_pw_" + n, "conv_pw_" + n, 1, "same", false);
        }
        out.add(new Layer("GlobalAveragePooling2D", "global_average_pooling2d", cfg("keepdims", true), List.of()));
        out.add(new Layer("Dropout", "dropout", cfg("rate", 0.001), List.of()));
        float[] w = coral.tensor("fc.weight").data();
        float[] b = coral.tensor("fc.bias").data();
        int c = coral.featureWidth();
        int classes = coral.classes() - 1;
        float[] k = new float[c * classes];
        for (int o = 0; o < classes; o++) {
            for (int i = 0; i < c; i++) {
                k[i * classes + o] = w[(o + 1) * c + i];
            }
        }
        float[] bias = java.util.Arrays.copyOfRange(b, 1, b.length);
        Map<String, Object> preds = convConfig(classes, 1, 1, "same", true, "linear");
        out.add(new Layer("Conv2D", "conv_preds", preds, List.of(new Var("kernel", new int[] {1, 1, c, classes}, k),
                new Var("bias", new int[] {classes}, bias))));
        out.add(new Layer("Reshape", "reshape_2", cfg("target_shape", List.of((long) classes)), List.of()));
        out.add(new Layer("Activation", "predictions", cfg("activation", "softmax"), List.of()));
        return out;
    }

    private static void convBn(List<Layer> out, Model coral, String layer, String name, String prefix, int stride,
            String padding, boolean depthwise) {
        float[] w = coral.tensor(TensorNames.weight(layer)).data();
        float[] b = coral.tensor(TensorNames.bias(layer)).data();
        int[] s = coral.tensor(TensorNames.weight(layer)).shape(); // [O, I, k, k] or [C, 1, k, k]
        int o = s[0];
        int in = s[1];
        int k = s[2];
        float eps = 1e-3f;
        float[] gamma = new float[o];
        float[] var = new float[o];
        float[] mean = new float[o];
        float[] beta = new float[o];
        double[] scale = new double[o];
        for (int c = 0; c < o; c++) {
            gamma[c] = (float) (1 + 0.25 * Math.sin(c));
            var[c] = (float) (0.5 + 0.25 * Math.cos(c) * Math.cos(c));
            mean[c] = (float) (0.1 * Math.sin(3 * c));
            scale[c] = gamma[c] / Math.sqrt(var[c] + (double) eps);
            beta[c] = (float) (b[c] + scale[c] * mean[c]);
        }
        float[] kernel;
        int[] shape;
        if (depthwise) {
            kernel = new float[o * k * k];
            shape = new int[] {k, k, o, 1};
            for (int c = 0; c < o; c++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        kernel[(y * k + x) * o + c] = (float) (w[(c * k + y) * k + x] / scale[c]);
                    }
                }
            }
        } else {
            kernel = new float[o * in * k * k];
            shape = new int[] {k, k, in, o};
            for (int c = 0; c < o; c++) {
                for (int i = 0; i < in; i++) {
                    for (int y = 0; y < k; y++) {
                        for (int x = 0; x < k; x++) {
                            kernel[((y * k + x) * in + i) * o + c] = (float) (w[((c * in + i) * k + y) * k + x] / scale[c]);
                        }
                    }
                }
            }
        }
        Map<String, Object> cc = depthwise ? dwConfig(stride, padding) : convConfig(o, k, stride, padding, false,
                "linear");
        out.add(new Layer(depthwise ? "DepthwiseConv2D" : "Conv2D", name, cc,
                List.of(new Var(depthwise ? "depthwise_kernel" : "kernel", shape, kernel))));
        out.add(new Layer("BatchNormalization", prefix + "_bn", bnConfig(eps), List.of(
                new Var("gamma", new int[] {o}, gamma), new Var("beta", new int[] {o}, beta),
                new Var("moving_mean", new int[] {o}, mean), new Var("moving_variance", new int[] {o}, var))));
        out.add(new Layer("ReLU", prefix + "_relu", cfg("max_value", 6.0), List.of()));
    }

    /**
     * A functional MobileNet as the tutorials write it: default layer names (conv2d, conv2d_1,
     * depthwise_conv2d_3, batch_normalization_12, re_lu_5, zero_padding2d_2), BatchNormalization with
     * epsilon 1e-5 (or per layer {@code epsilons}), ZeroPadding2D(((0, 1), (0, 1))) before each
     * stride-2 valid DepthwiseConv2D, ReLU(max_value=6.0), GlobalAveragePooling2D, Dense softmax.
     * Random weights from {@code seed}.
     */
    static List<Layer> tutorial(double alpha, int size, int classes, long seed, boolean mixedEpsilons) {
        Random r = new Random(seed);
        Map<String, Integer> count = new HashMap<>();
        List<Layer> out = new ArrayList<>();
        out.add(new Layer("InputLayer", "input_1", inputConfig(size), List.of()));
        int[][] blocks = {{1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512}, {1, 512}, {1, 512}, {1, 512},
            {1, 512}, {1, 512}, {2, 1024}, {1, 1024}};
        int c = Math.max(8, (int) (32 * alpha));
        out.add(new Layer("Conv2D", name(count, "conv2d"), convConfig(c, 3, 2, "same", false, "linear"),
                List.of(random(r, "kernel", 3, 3, 3, c))));
        bnRelu(out, count, r, c, mixedEpsilons);
        for (int[] b : blocks) {
            if (b[0] == 2) {
                Map<String, Object> pad = cfg("padding", List.of(List.of(0L, 1L), List.of(0L, 1L)));
                out.add(new Layer("ZeroPadding2D", name(count, "zero_padding2d"), pad, List.of()));
            }
            out.add(new Layer("DepthwiseConv2D", name(count, "depthwise_conv2d"), dwConfig(b[0], b[0] == 2 ? "valid"
                    : "same"), List.of(random(r, "depthwise_kernel", 3, 3, c, 1))));
            bnRelu(out, count, r, c, mixedEpsilons);
            int next = Math.max(8, (int) (b[1] * alpha));
            out.add(new Layer("Conv2D", name(count, "conv2d"), convConfig(next, 1, 1, "same", false, "linear"),
                    List.of(random(r, "kernel", 1, 1, c, next))));
            c = next;
            bnRelu(out, count, r, c, mixedEpsilons);
        }
        out.add(new Layer("GlobalAveragePooling2D", name(count, "global_average_pooling2d"), cfg("keepdims", false),
                List.of()));
        Map<String, Object> dense = cfg("units", (long) classes);
        dense.put("activation", "softmax");
        dense.put("use_bias", true);
        out.add(new Layer("Dense", name(count, "dense"), dense,
                List.of(random(r, "kernel", c, classes), random(r, "bias", classes))));
        return out;
    }

    /**
     * A small MobileNet v2-like functional model as keras.applications.MobileNetV2 names its layers
     * (Conv1, expanded_conv_depthwise, block_1_expand, block_1_pad, block_2_add, Conv_1, ...): inverted
     * residual blocks with linear projections, a ZeroPadding2D before the stride-2 depthwise conv, and
     * a residual Add; random weights, 5 classes.
     */
    static List<Layer> v2Like(int size, long seed) {
        Random r = new Random(seed);
        List<Layer> out = new ArrayList<>();
        out.add(new Layer("InputLayer", "input_1", inputConfig(size), List.of()));
        out.add(new Layer("Conv2D", "Conv1", convConfig(16, 3, 2, "same", false, "linear"),
                List.of(random(r, "kernel", 3, 3, 3, 16))));
        bn(out, r, "bn_Conv1", 16, 1e-3f);
        out.add(new Layer("ReLU", "Conv1_relu", cfg("max_value", 6.0), List.of()));
        out.add(new Layer("DepthwiseConv2D", "expanded_conv_depthwise", dwConfig(1, "same"),
                List.of(random(r, "depthwise_kernel", 3, 3, 16, 1))));
        bn(out, r, "expanded_conv_depthwise_BN", 16, 1e-3f);
        out.add(new Layer("ReLU", "expanded_conv_depthwise_relu", cfg("max_value", 6.0), List.of()));
        out.add(new Layer("Conv2D", "expanded_conv_project", convConfig(8, 1, 1, "same", false, "linear"),
                List.of(random(r, "kernel", 1, 1, 16, 8))));
        bn(out, r, "expanded_conv_project_BN", 8, 1e-3f);
        int in = 8;
        for (int b = 1; b <= 2; b++) {
            String p = "block_" + b + "_";
            out.add(new Layer("Conv2D", p + "expand", convConfig(48, 1, 1, "same", false, "linear"),
                    List.of(random(r, "kernel", 1, 1, in, 48))));
            bn(out, r, p + "expand_BN", 48, 1e-3f);
            out.add(new Layer("ReLU", p + "expand_relu", cfg("max_value", 6.0), List.of()));
            int stride = b == 1 ? 2 : 1;
            if (stride == 2) {
                out.add(new Layer("ZeroPadding2D", p + "pad", cfg("padding", List.of(List.of(0L, 1L), List.of(0L, 1L))),
                        List.of()));
            }
            out.add(new Layer("DepthwiseConv2D", p + "depthwise", dwConfig(stride, stride == 2 ? "valid" : "same"),
                    List.of(random(r, "depthwise_kernel", 3, 3, 48, 1))));
            bn(out, r, p + "depthwise_BN", 48, 1e-3f);
            out.add(new Layer("ReLU", p + "depthwise_relu", cfg("max_value", 6.0), List.of()));
            out.add(new Layer("Conv2D", p + "project", convConfig(12, 1, 1, "same", false, "linear"),
                    List.of(random(r, "kernel", 1, 1, 48, 12))));
            bn(out, r, p + "project_BN", 12, 1e-3f);
            in = 12;
        }
        out.add(new Layer("Add", "block_2_add", new LinkedHashMap<>(), List.of(),
                List.of("block_1_project_BN", "block_2_project_BN")));
        out.add(new Layer("Conv2D", "Conv_1", convConfig(32, 1, 1, "same", false, "linear"),
                List.of(random(r, "kernel", 1, 1, 12, 32))));
        bn(out, r, "Conv_1_bn", 32, 1e-3f);
        out.add(new Layer("ReLU", "out_relu", cfg("max_value", 6.0), List.of()));
        out.add(new Layer("GlobalAveragePooling2D", "global_average_pooling2d", cfg("keepdims", false), List.of()));
        Map<String, Object> dense = cfg("units", 5L);
        dense.put("activation", "softmax");
        out.add(new Layer("Dense", "predictions", dense, List.of(random(r, "kernel", 32, 5), random(r, "bias", 5))));
        return out;
    }

    /**
     * A small MobileNetV3 as tf.keras's keras.applications.MobileNetV3 builds it (its layer names, in
     * underscore form): Rescaling, a stem with hard-swish, a 5x5 depthwise block with ReLU and
     * squeeze-and-excite (global pooling kept 1 x 1, 1x1 convolutions with bias, ReLU, hard sigmoid,
     * Multiply by the block's map), a projection added back to the stem, Conv_1 with hard-swish, pooling,
     * Conv_2 with hard-swish, Dropout, the 1x1 Logits, Flatten and a softmax; random weights, 5 classes.
     * The hard sigmoid is {@code relu6(x + 3) * (1 / 6)}: TFOpLambda add, ReLU(6), TFOpLambda multiply
     * (which {@link #keras3Config} writes as Keras 3's operations); hard-swish is x times it by a Multiply,
     * or with {@code hardSwishActivation} Keras 3's {@code Activation("hard_swish")}.
     */
    static List<Layer> v3Like(int size, long seed, boolean hardSwishActivation) {
        Random r = new Random(seed);
        List<Layer> out = new ArrayList<>();
        out.add(new Layer("InputLayer", "input_1", inputConfig(size), List.of()));
        Map<String, Object> rescale = cfg("scale", 1 / 127.5);
        rescale.put("offset", -1.0);
        out.add(new Layer("Rescaling", "rescaling", rescale, List.of()));
        out.add(new Layer("Conv2D", "Conv", convConfig(16, 3, 2, "same", false, "linear"),
                List.of(random(r, "kernel", 3, 3, 3, 16))));
        bn(out, r, "Conv_BatchNorm", 16, 1e-3f);
        String stem = hardSwish(out, "Conv_BatchNorm", "stem", hardSwishActivation);
        Map<String, Object> dw = dwConfig(1, "same");
        dw.put("kernel_size", List.of(5L, 5L));
        out.add(new Layer("DepthwiseConv2D", "expanded_conv_depthwise", dw,
                List.of(random(r, "depthwise_kernel", 5, 5, 16, 1))));
        bn(out, r, "expanded_conv_depthwise_BatchNorm", 16, 1e-3f);
        out.add(new Layer("ReLU", "re_lu", new LinkedHashMap<>(), List.of()));
        out.add(new Layer("GlobalAveragePooling2D", "expanded_conv_squeeze_excite_AvgPool", cfg("keepdims", true),
                List.of()));
        out.add(new Layer("Conv2D", "expanded_conv_squeeze_excite_Conv", convConfig(8, 1, 1, "same", true, "linear"),
                List.of(random(r, "kernel", 1, 1, 16, 8), random(r, "bias", 8))));
        out.add(new Layer("ReLU", "expanded_conv_squeeze_excite_Relu", new LinkedHashMap<>(), List.of()));
        out.add(new Layer("Conv2D", "expanded_conv_squeeze_excite_Conv_1", convConfig(16, 1, 1, "same", true, "linear"),
                List.of(random(r, "kernel", 1, 1, 8, 16), random(r, "bias", 16))));
        hardSigmoid(out, "expanded_conv_squeeze_excite_Conv_1", "se");
        out.add(new Layer("Multiply", "expanded_conv_squeeze_excite_Mul", new LinkedHashMap<>(), List.of(),
                List.of("re_lu", "tf.math.multiply_se")));
        out.add(new Layer("Conv2D", "expanded_conv_project", convConfig(16, 1, 1, "same", false, "linear"),
                List.of(random(r, "kernel", 1, 1, 16, 16))));
        bn(out, r, "expanded_conv_project_BatchNorm", 16, 1e-3f);
        out.add(new Layer("Add", "expanded_conv_Add", new LinkedHashMap<>(), List.of(),
                List.of(stem, "expanded_conv_project_BatchNorm")));
        out.add(new Layer("Conv2D", "Conv_1", convConfig(48, 1, 1, "same", false, "linear"),
                List.of(random(r, "kernel", 1, 1, 16, 48))));
        bn(out, r, "Conv_1_BatchNorm", 48, 1e-3f);
        hardSwish(out, "Conv_1_BatchNorm", "last", hardSwishActivation);
        out.add(new Layer("GlobalAveragePooling2D", "global_average_pooling2d", cfg("keepdims", true), List.of()));
        out.add(new Layer("Conv2D", "Conv_2", convConfig(24, 1, 1, "same", true, "linear"),
                List.of(random(r, "kernel", 1, 1, 48, 24), random(r, "bias", 24))));
        hardSwish(out, "Conv_2", "head", hardSwishActivation);
        out.add(new Layer("Dropout", "dropout", cfg("rate", 0.2), List.of()));
        out.add(new Layer("Conv2D", "Logits", convConfig(5, 1, 1, "same", true, "linear"),
                List.of(random(r, "kernel", 1, 1, 24, 5), random(r, "bias", 5))));
        out.add(new Layer("Flatten", "flatten", new LinkedHashMap<>(), List.of()));
        out.add(new Layer("Activation", "Predictions", cfg("activation", "softmax"), List.of()));
        return out;
    }

    /** tf.keras's hard sigmoid of layer {@code of}: TFOpLambda + 3, ReLU(6), TFOpLambda * 1/6 ({@code tf.math.multiply_<tag>}). */
    private static void hardSigmoid(List<Layer> out, String of, String tag) {
        Map<String, Object> add = cfg("function", "__operators__.add");
        add.put(KerasConfig.CALL_KWARGS, new LinkedHashMap<>(Map.of("y", 3.0)));
        out.add(new Layer("TFOpLambda", "tf.__operators__.add_" + tag, add, List.of(), List.of(of)));
        out.add(new Layer("ReLU", "re_lu_" + tag, cfg("max_value", 6.0), List.of()));
        Map<String, Object> mul = cfg("function", "math.multiply");
        mul.put(KerasConfig.CALL_KWARGS, new LinkedHashMap<>(Map.of("y", 1.0 / 6.0)));
        out.add(new Layer("TFOpLambda", "tf.math.multiply_" + tag, mul, List.of()));
    }

    /**
     * The hard-swish of layer {@code of}: tf.keras's (its hard sigmoid, then {@code multiply_<tag>} of the
     * two) or Keras 3's {@code Activation("hard_swish")} ({@code activation}); returns its layer's name.
     */
    private static String hardSwish(List<Layer> out, String of, String tag, boolean activation) {
        if (activation) {
            out.add(new Layer("Activation", "activation_" + tag, cfg("activation", "hard_swish"), List.of()));
            return "activation_" + tag;
        }
        hardSigmoid(out, of, tag);
        out.add(new Layer("Multiply", "multiply_" + tag, new LinkedHashMap<>(), List.of(),
                List.of(of, "tf.math.multiply_" + tag)));
        return "multiply_" + tag;
    }

    private static void bn(List<Layer> out, Random r, String name, int c, float eps) {
        float[] var = new float[c];
        for (int i = 0; i < c; i++) {
            var[i] = 0.05f + r.nextFloat();
        }
        out.add(new Layer("BatchNormalization", name, bnConfig(eps), List.of(random(r, "gamma", c),
                random(r, "beta", c), random(r, "moving_mean", c), new Var("moving_variance", new int[] {c}, var))));
    }

    private static void bnRelu(List<Layer> out, Map<String, Integer> count, Random r, int c, boolean mixed) {
        String bn = name(count, "batch_normalization");
        float eps = mixed ? (float) Math.pow(10, -3 - (count.get("batch_normalization") % 3)) : 1e-5f;
        float[] var = new float[c];
        for (int i = 0; i < c; i++) {
            var[i] = 0.05f + r.nextFloat();
        }
        out.add(new Layer("BatchNormalization", bn, bnConfig(eps), List.of(random(r, "gamma", c),
                random(r, "beta", c), random(r, "moving_mean", c), new Var("moving_variance", new int[] {c}, var))));
        out.add(new Layer("ReLU", name(count, "re_lu"), cfg("max_value", 6.0), List.of()));
    }

    /** Keras's default names: conv2d, conv2d_1, conv2d_2, ... */
    private static String name(Map<String, Integer> count, String base) {
        int n = count.merge(base, 1, Integer::sum) - 1;
        return n == 0 ? base : base + "_" + n;
    }

    private static Var random(Random r, String name, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        double fanIn = shape.length >= 3 ? shape[0] * shape[1] * (name.startsWith("depthwise") ? 1 : shape[2])
                : shape.length == 2 ? shape[0] : 1;
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * (name.equals("gamma") ? 0.2 : 1) / Math.sqrt(fanIn)
                    + (name.equals("gamma") ? 1 : 0));
        }
        return new Var(name, shape, v);
    }

    private static Map<String, Object> cfg(String k, Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }

    private static Map<String, Object> inputConfig(int size) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch_input_shape", java.util.Arrays.asList(null, (long) size, (long) size, 3L));
        m.put("dtype", "float32");
        return m;
    }

    private static Map<String, Object> convConfig(int filters, int k, int stride, String padding, boolean bias,
            String act) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filters", (long) filters);
        m.put("kernel_size", List.of((long) k, (long) k));
        m.put("strides", List.of((long) stride, (long) stride));
        m.put("padding", padding);
        m.put("data_format", "channels_last");
        m.put("dilation_rate", List.of(1L, 1L));
        m.put("groups", 1L);
        m.put("activation", act);
        m.put("use_bias", bias);
        return m;
    }

    private static Map<String, Object> dwConfig(int stride, String padding) {
        Map<String, Object> m = convConfig(0, 3, stride, padding, false, "linear");
        m.remove("filters");
        m.remove("groups");
        m.put("depth_multiplier", 1L);
        return m;
    }

    private static Map<String, Object> bnConfig(float eps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", -1L);
        m.put("momentum", 0.99);
        m.put("epsilon", (double) eps);
        m.put("center", true);
        m.put("scale", true);
        return m;
    }

    // ---------------------------------------------------------------- writing them as Keras does

    /** Keras 2's model_config: a Functional model, each layer's inbound node the layer before. */
    static String keras2Config(List<Layer> layers) {
        List<Object> ls = new ArrayList<>();
        String prev = null;
        for (Layer l : layers) {
            Map<String, Object> c = new LinkedHashMap<>(l.config());
            c.put("name", l.name());
            c.put("trainable", true);
            // A TFOpLambda's call arguments ({"y": 3.0}) go in its inbound node, as tf.keras saves them.
            Object kwargs = c.remove(KerasConfig.CALL_KWARGS);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("class_name", l.cls());
            e.put("config", c);
            e.put("name", l.name());
            List<String> from = !l.inbound().isEmpty() ? l.inbound() : prev == null ? List.of() : List.of(prev);
            List<Object> node = new ArrayList<>();
            for (String f : from) {
                node.add(List.of(f, 0L, 0L, kwargs != null ? kwargs : new LinkedHashMap<>()));
            }
            e.put("inbound_nodes", node.isEmpty() ? List.of() : List.of(node));
            ls.add(e);
            prev = l.name();
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", "model");
        cfg.put("layers", ls);
        cfg.put("input_layers", List.of(List.of(layers.get(0).name(), 0L, 0L)));
        cfg.put("output_layers", List.of(List.of(prev, 0L, 0L)));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("class_name", "Functional");
        root.put("config", cfg);
        root.put("keras_version", "2.15.0");
        root.put("backend", "tensorflow");
        return Json.write(root);
    }

    /** Keras 2's Sequential model_config without an InputLayer: the first layer carries the input shape. */
    static String keras2SequentialConfig(List<Layer> layers) {
        List<Object> ls = new ArrayList<>();
        Object inputShape = layers.get(0).config().get("batch_input_shape");
        for (Layer l : layers.subList(1, layers.size())) {
            Map<String, Object> c = new LinkedHashMap<>(l.config());
            c.put("name", l.name());
            if (ls.isEmpty()) {
                c.put("batch_input_shape", inputShape);
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("class_name", l.cls());
            e.put("config", c);
            ls.add(e);
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", "sequential");
        cfg.put("layers", ls);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("class_name", "Sequential");
        root.put("config", cfg);
        return Json.write(root);
    }

    /** Keras 3's config.json: inbound nodes as args of __keras_tensor__s naming their keras_history. */
    static String keras3Config(List<Layer> layers) {
        List<Object> ls = new ArrayList<>();
        String prev = null;
        for (Layer l : layers) {
            Map<String, Object> c = new LinkedHashMap<>(l.config());
            c.put("name", l.name());
            if (c.containsKey("batch_input_shape")) {
                c.put("batch_shape", c.remove("batch_input_shape"));
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("module", "keras.layers");
            e.put("class_name", l.cls());
            e.put("config", c);
            e.put("registered_name", null);
            e.put("name", l.name());
            // tf.keras's TFOpLambda arithmetic is an operation in Keras 3: x + 3.0 is keras.src.ops.numpy's
            // Add of the tensor and the number.
            Object kwargs = c.remove(KerasConfig.CALL_KWARGS);
            Object constant = kwargs instanceof Map<?, ?> kw ? kw.get("y") : null;
            if (constant != null) {
                String f = (String) c.get("function");
                e.put("module", "keras.src.ops.numpy");
                e.put("class_name", f.endsWith("add") ? "Add" : f.endsWith("multiply") ? "Multiply"
                        : f.endsWith("subtract") ? "Subtract" : "TrueDivide");
                e.put("config", new LinkedHashMap<>(Map.of("name", l.name())));
            }
            List<Object> inbound = new ArrayList<>();
            List<String> from = !l.inbound().isEmpty() ? l.inbound() : prev == null ? List.of() : List.of(prev);
            List<Object> tensors = new ArrayList<>();
            for (String f : from) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("class_name", "__keras_tensor__");
                Map<String, Object> tc = new LinkedHashMap<>();
                tc.put("dtype", "float32");
                tc.put("keras_history", List.of(f, 0L, 0L));
                t.put("config", tc);
                tensors.add(t);
            }
            if (!tensors.isEmpty()) {
                Map<String, Object> node = new LinkedHashMap<>();
                // Keras 3 passes a merge layer's inputs as one list argument.
                List<Object> args = new ArrayList<>(tensors);
                if (constant != null) {
                    args.add(constant);
                }
                node.put("args", constant != null || tensors.size() == 1 ? args : List.of(tensors));
                node.put("kwargs", new LinkedHashMap<>());
                inbound.add(node);
            }
            e.put("inbound_nodes", inbound);
            ls.add(e);
            prev = l.name();
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", "functional");
        cfg.put("layers", ls);
        cfg.put("input_layers", List.of(layers.get(0).name(), 0L, 0L));
        cfg.put("output_layers", List.of(prev, 0L, 0L));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("module", "keras.src.models.functional");
        root.put("class_name", "Functional");
        root.put("config", cfg);
        root.put("registered_name", "Functional");
        return Json.write(root);
    }

    /**
     * Legacy h5 as Keras 2 writes it: a whole model ({@code wholeModel}: model_config at the root,
     * weights under model_weights) or weights only. Weight names are {@code <layer>/<var>:0}, the
     * datasets at {@code <layer>/<layer>/<var>:0}; {@code keras3Names} writes Keras 3's legacy names
     * without the {@code :0}.
     */
    static void writeLegacy(List<Layer> layers, Path file, boolean wholeModel, boolean keras3Names) {
        writeLegacy(layers, file, wholeModel ? keras2Config(layers) : null, keras3Names);
    }

    /** The same with this model_config (null: weights only). */
    static void writeLegacy(List<Layer> layers, Path file, String modelConfig, boolean keras3Names) {
        boolean wholeModel = modelConfig != null;
        try (WritableHdfFile h = HdfFile.write(file)) {
            WritableGroup root = h;
            if (wholeModel) {
                h.putAttribute("model_config", modelConfig);
                h.putAttribute("keras_version", "2.15.0");
                h.putAttribute("backend", "tensorflow");
                root = h.putGroup("model_weights");
            }
            // jHDF 0.9.4 cannot read back some files its writer makes with empty groups (h5wasm reads
            // them): the weightless layers are left out, which Keras's loader skips anyway.
            List<Layer> weighted = layers.stream().filter(l -> !l.vars().isEmpty()).toList();
            root.putAttribute("layer_names", weighted.stream().map(Layer::name).toArray(String[]::new));
            root.putAttribute("backend", "tensorflow");
            root.putAttribute("keras_version", "2.15.0");
            for (Layer l : weighted) {
                WritableGroup g = root.putGroup(l.name());
                List<String> names = new ArrayList<>();
                WritableGroup inner = g.putGroup(l.name());
                for (Var v : l.vars()) {
                    String n = v.name() + (keras3Names ? "" : ":0");
                    names.add(l.name() + "/" + n);
                    inner.putDataset(n, nested(v.data(), v.shape()));
                }
                g.putAttribute("weight_names", names.toArray(String[]::new));
            }
        }
    }

    /** Keras 3's weights: layers/<snake_case class>[_N]/vars/<i>. */
    static void writeKeras3Weights(List<Layer> layers, Path file) {
        writeKeras3Weights(layers, file, "layers");
    }

    /** The same with the layers under {@code top} (tf.keras 2.13 to 2.15: _layer_checkpoint_dependencies). */
    static void writeKeras3Weights(List<Layer> layers, Path file, String top) {
        Map<String, Integer> count = new HashMap<>();
        try (WritableHdfFile h = HdfFile.write(file)) {
            WritableGroup ls = h.putGroup(top);
            for (Layer l : layers) {
                String base = l.cls().replaceAll("(.)([A-Z][a-z]+)", "$1_$2").replaceAll("([a-z])([A-Z])", "$1_$2")
                        .toLowerCase(java.util.Locale.ROOT);
                String n = name(count, base);
                if (l.vars().isEmpty()) {
                    continue; // see writeLegacy: no empty groups
                }
                WritableGroup vars = ls.putGroup(n).putGroup("vars");
                for (int i = 0; i < l.vars().size(); i++) {
                    vars.putDataset(String.valueOf(i), nested(l.vars().get(i).data(), l.vars().get(i).shape()));
                }
            }
        }
    }

    /** A .keras archive: config.json, metadata.json, model.weights.h5. */
    static void writeArchive(List<Layer> layers, Path file) throws IOException {
        writeArchive(layers, file, "layers");
    }

    /** The same with the weights' layers under {@code top}. */
    static void writeArchive(List<Layer> layers, Path file, String top) throws IOException {
        writeArchive(layers, file, top, keras3Config(layers));
    }

    /** The same with this config.json. */
    static void writeArchive(List<Layer> layers, Path file, String top, String config) throws IOException {
        Path h5 = Files.createTempFile("keras-test", ".weights.h5");
        try {
            writeKeras3Weights(layers, h5, top);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(bytes)) {
                entry(z, "metadata.json", "{\"keras_version\": \"3.6.0\", \"date_saved\": \"2026-11-30@12:00:00\"}"
                        .getBytes(StandardCharsets.UTF_8));
                entry(z, "config.json", config.getBytes(StandardCharsets.UTF_8));
                entry(z, "model.weights.h5", Files.readAllBytes(h5));
            }
            Files.write(file, bytes.toByteArray());
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    static void entry(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }

    /** A flat row-major array as the nested Java array jHDF writes as a dataset of that shape. */
    static Object nested(float[] flat, int[] shape) {
        if (shape.length == 1) {
            return flat.clone();
        }
        Object out = Array.newInstance(float.class, shape);
        int[] idx = new int[shape.length];
        for (int i = 0; i < flat.length; i++) {
            Object row = out;
            for (int d = 0; d < shape.length - 1; d++) {
                row = Array.get(row, idx[d]);
            }
            ((float[]) row)[idx[shape.length - 1]] = flat[i];
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }
}
