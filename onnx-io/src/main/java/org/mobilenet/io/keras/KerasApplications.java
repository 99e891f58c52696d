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
 * {@code predictions}). One description for both directions: a weights-only file (which holds no
 * architecture) is read as this model, and the exporters write its names and order.
 */
final class KerasApplications {
    /** {@code mobilenet_5_0_160_tf.h5}, {@code mobilenet_1_0_224_tf_no_top.h5}: alpha digits, size, top. */
    private static final Pattern FILE = Pattern.compile("mobilenet_(\\d)_(\\d+)_(\\d+)_tf(_no_top)?\\.h5",
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
