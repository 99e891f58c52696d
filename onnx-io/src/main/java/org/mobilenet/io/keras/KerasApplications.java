package org.mobilenet.io.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mobilenet.engine.arch.ModelSpec;

/**
 * {@code keras.applications.MobileNet} as Keras builds it: its layers with their names, classes and
 * configs, in the model's order ({@code input_1}; {@code conv1}, {@code conv1_bn}, {@code conv1_relu};
 * per block N {@code conv_pad_N} before a stride-2 block, {@code conv_dw_N}, {@code conv_dw_N_bn},
 * {@code conv_dw_N_relu}, {@code conv_pw_N}, {@code conv_pw_N_bn}, {@code conv_pw_N_relu}; with the top
 * {@code global_average_pooling2d}, {@code dropout}, {@code conv_preds}, {@code reshape_2},
 * {@code predictions}), and {@code keras.applications.MobileNetV2} ({@link #mobileNetV2}). One
 * description for both directions: a weights-only file (which holds no architecture) is read as
 * these models, and the exporters write their names and order.
 */
final class KerasApplications {
    /** {@code mobilenet_5_0_160_tf.h5}, {@code mobilenet_1_0_224_tf_no_top.h5}: alpha digits, size, top. */
    private static final Pattern FILE = Pattern.compile("mobilenet_(\\d)_(\\d+)_(\\d+)_tf(_no_top)?\\.h5",
            Pattern.CASE_INSENSITIVE);

    /** {@code mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5}, {@code ..._0.35_96_no_top.h5}. */
    private static final Pattern FILE_V2 = Pattern.compile(
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_(\\d+(?:\\.\\d+)?)_(\\d+)(_no_top)?\\.h5",
            Pattern.CASE_INSENSITIVE);

    /** What a keras.applications weights file's name says. */
    record NameHint(double alpha, int size, boolean top) {
    }

    private KerasApplications() {
    }

    /**
     * Parses a keras.applications MobileNet weights file name ({@code mobilenet_7_5_192_tf.h5}: alpha
     * 0.75 at 192); null for any other name.
     */
    static NameHint hint(String fileName) {
        Matcher v2 = FILE_V2.matcher(fileName);
        if (v2.matches()) {
            return new NameHint(Double.parseDouble(v2.group(1)), Integer.parseInt(v2.group(2)), v2.group(3) == null);
        }
        Matcher m = FILE.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        // Keras spells 1.0 as 1_0 and the others by their digits after the point: 7_5, 5_0, 2_5.
        double alpha = m.group(1).equals("1") && m.group(2).equals("0") ? 1.0
                : Double.parseDouble("0." + m.group(1) + m.group(2));
        int size = Integer.parseInt(m.group(3));
        return new NameHint(alpha, size, m.group(4) == null);
    }

    /** The 13 blocks' strides (Table 1 of the paper), as keras.applications builds them. */
    static List<int[]> blocks() {
        return ModelSpec.blocks(org.mobilenet.engine.arch.Variant.SEPARABLE);
    }

    /**
     * The model's layers for {@code alpha} and an {@code h x w} input; {@code classes} 0 is
     * {@code include_top=False} without pooling (the body ends at {@code conv_pw_13_relu}).
     */
    static KerasConfig model(double alpha, int h, int w, int classes) {
        List<KerasLayer> layers = new ArrayList<>();
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("batch_input_shape", new ArrayList<>(java.util.Arrays.asList(null, (long) h, (long) w, 3L)));
        in.put("dtype", "float32");
        in.put("name", "input_1");
        add(layers, "InputLayer", "input_1", in);
        add(layers, "Conv2D", "conv1", conv(ModelSpec.width(32, alpha), 3, 2, "same", false, "linear"));
        add(layers, "BatchNormalization", "conv1_bn", bn());
        add(layers, "ReLU", "conv1_relu", relu6());
        List<int[]> blocks = blocks();
        for (int i = 0; i < blocks.size(); i++) {
            int n = i + 1;
            int stride = blocks.get(i)[0];
            if (stride != 1) {
                Map<String, Object> pad = new LinkedHashMap<>();
                pad.put("padding", List.of(List.of(0L, 1L), List.of(0L, 1L)));
                pad.put("data_format", "channels_last");
                add(layers, "ZeroPadding2D", "conv_pad_" + n, pad);
            }
            Map<String, Object> dw = conv(0, 3, stride, stride == 1 ? "same" : "valid", false, "linear");
            dw.remove("filters");
            dw.put("depth_multiplier", 1L);
            add(layers, "DepthwiseConv2D", "conv_dw_" + n, dw);
            add(layers, "BatchNormalization", "conv_dw_" + n + "_bn", bn());
            add(layers, "ReLU", "conv_dw_" + n + "_relu", relu6());
            add(layers, "Conv2D", "conv_pw_" + n, conv(ModelSpec.width(blocks.get(i)[1], alpha), 1, 1, "same", false,
                    "linear"));
            add(layers, "BatchNormalization", "conv_pw_" + n + "_bn", bn());
            add(layers, "ReLU", "conv_pw_" + n + "_relu", relu6());
        }
        if (classes > 0) {
            Map<String, Object> gap = new LinkedHashMap<>();
            gap.put("data_format", "channels_last");
            gap.put("keepdims", true);
            add(layers, "GlobalAveragePooling2D", "global_average_pooling2d", gap);
            Map<String, Object> drop = new LinkedHashMap<>();
            drop.put("rate", 1e-3);
            add(layers, "Dropout", "dropout", drop);
            add(layers, "Conv2D", "conv_preds", conv(classes, 1, 1, "same", true, "linear"));
            Map<String, Object> reshape = new LinkedHashMap<>();
            reshape.put("target_shape", List.of((long) classes));
            add(layers, "Reshape", "reshape_2", reshape);
            Map<String, Object> act = new LinkedHashMap<>();
            act.put("activation", "softmax");
            add(layers, "Activation", "predictions", act);
        }
        return new KerasConfig("Functional", layers, h, w);
    }

    /**
     * keras.applications.MobileNetV2's layers for {@code spec} ({@code classes} 0: no top), made from
     * the engine's v2 graph, which has the same layers: {@code Conv1}, {@code bn_Conv1},
     * {@code Conv1_relu}; block 0 {@code expanded_conv_depthwise}, {@code expanded_conv_project} (each
     * with {@code _BN}, the depthwise with {@code _relu}); block N {@code block_N_expand},
     * {@code block_N_pad} before a stride-2 depthwise, {@code block_N_depthwise}, {@code block_N_project}
     * (with {@code _BN} and {@code _relu} alike) and {@code block_N_add} for a residual; {@code Conv_1},
     * {@code Conv_1_bn}, {@code out_relu}; {@code global_average_pooling2d} and a Dense
     * {@code predictions} with softmax. BatchNormalization epsilon 1e-3.
     */
    static KerasConfig mobileNetV2(org.mobilenet.engine.arch.MobileNetV2Spec spec, int classes) {
        List<KerasLayer> layers = new ArrayList<>();
        int h = spec.resolution().h();
        int w = spec.resolution().w();
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("batch_input_shape", new ArrayList<>(java.util.Arrays.asList(null, (long) h, (long) w, 3L)));
        in.put("dtype", "float32");
        add(layers, "InputLayer", "input_1", in);
        // The Keras layer whose output each engine layer's output is (after its BatchNorm and ReLU).
        Map<String, String> output = new java.util.HashMap<>();
        for (org.mobilenet.engine.arch.LayerSpec l : spec.withClasses(classes).graph().layers()) {
            String k = v2Name(l.name());
            switch (l.kind()) {
                case CONV, POINTWISE, DEPTHWISE -> {
                    boolean dw = l.kind() == org.mobilenet.engine.arch.LayerKind.DEPTHWISE;
                    if (l.stride() == 2 && dw) {
                        Map<String, Object> pad = new LinkedHashMap<>();
                        org.mobilenet.engine.arch.Pads p = l.pads();
                        pad.put("padding", List.of(List.of((long) p.top(), (long) p.bottom()),
                                List.of((long) p.left(), (long) p.right())));
                        pad.put("data_format", "channels_last");
                        add(layers, "ZeroPadding2D", k.replace("_depthwise", "_pad"), pad);
                    }
                    String padding = l.stride() == 2 && dw ? "valid" : "same";
                    Map<String, Object> c = conv(l.outChannels(), l.kernel(), l.stride(), padding, false, "linear");
                    if (dw) {
                        c.remove("filters");
                        c.put("depth_multiplier", 1L);
                    }
                    add(layers, dw ? "DepthwiseConv2D" : "Conv2D", k, c);
                    Map<String, Object> bn = bn();
                    bn.put("momentum", 0.999);
                    add(layers, "BatchNormalization", v2Bn(k), bn);
                    if (l.activation() == org.mobilenet.engine.arch.Activation.RELU6) {
                        add(layers, "ReLU", v2Relu(k), relu6());
                    }
                }
                case ADD -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("name", k);
                    c.put("trainable", true);
                    layers.add(new KerasLayer("Add", k, c, List.of(output.get(l.addend()),
                            layers.get(layers.size() - 1).name())));
                }
                case AVG_POOL -> {
                    Map<String, Object> gap = new LinkedHashMap<>();
                    gap.put("data_format", "channels_last");
                    gap.put("keepdims", false);
                    add(layers, "GlobalAveragePooling2D", "global_average_pooling2d", gap);
                }
                case FC -> {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("units", (long) l.outChannels());
                    d.put("activation", spec.softmax() ? "softmax" : "linear");
                    d.put("use_bias", true);
                    add(layers, "Dense", "predictions", d);
                }
                case SOFTMAX -> {
                    continue; // the Dense layer's own activation
                }
            }
            output.put(l.name(), layers.get(layers.size() - 1).name());
        }
        return new KerasConfig("Functional", layers, h, w);
    }

    /** The Keras name of an engine v2 layer: {@code blocks.3.dw} is {@code block_3_depthwise}. */
    static String v2Name(String engine) {
        if (engine.equals("conv1")) {
            return "Conv1";
        }
        if (engine.equals("conv_last")) {
            return "Conv_1";
        }
        if (engine.equals("fc")) {
            return "predictions";
        }
        if (engine.startsWith("blocks.")) {
            String[] p = engine.split("\\.");
            String prefix = p[1].equals("0") ? "expanded_conv_" : "block_" + p[1] + "_";
            return prefix + switch (p[2]) {
                case "dw" -> "depthwise";
                default -> p[2]; // expand, project, add
            };
        }
        return engine;
    }

    /** The BatchNormalization after a Keras v2 conv: {@code bn_Conv1}, {@code Conv_1_bn}, else {@code <conv>_BN}. */
    static String v2Bn(String conv) {
        return conv.equals("Conv1") ? "bn_Conv1" : conv.equals("Conv_1") ? "Conv_1_bn" : conv + "_BN";
    }

    private static String v2Relu(String conv) {
        return conv.equals("Conv_1") ? "out_relu" : conv + "_relu";
    }

    private static void add(List<KerasLayer> layers, String cls, String name, Map<String, Object> config) {
        config.put("name", name);
        config.putIfAbsent("trainable", true);
        List<String> inbound = layers.isEmpty() ? List.of() : List.of(layers.get(layers.size() - 1).name());
        layers.add(new KerasLayer(cls, name, config, inbound));
    }

    private static Map<String, Object> conv(int filters, int k, int stride, String padding, boolean bias,
            String activation) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("filters", (long) filters);
        c.put("kernel_size", List.of((long) k, (long) k));
        c.put("strides", List.of((long) stride, (long) stride));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", List.of(1L, 1L));
        c.put("activation", activation);
        c.put("use_bias", bias);
        return c;
    }

    private static Map<String, Object> bn() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("axis", -1L);
        c.put("momentum", 0.99);
        c.put("epsilon", 1e-3);
        c.put("center", true);
        c.put("scale", true);
        return c;
    }

    private static Map<String, Object> relu6() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("max_value", 6.0);
        c.put("negative_slope", 0.0);
        c.put("threshold", 0.0);
        return c;
    }
}
