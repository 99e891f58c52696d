package org.mobilenet.io.tflite;

import java.util.Map;

/** TFLite {@code BuiltinOperator} codes used by MobileNet graphs, and names for messages (schema.fbs). */
final class BuiltinOp {
    static final int ADD = 0;
    static final int AVERAGE_POOL_2D = 1;
    static final int CONV_2D = 3;
    static final int DEPTHWISE_CONV_2D = 4;
    static final int DEQUANTIZE = 6;
    static final int FULLY_CONNECTED = 9;
    static final int LOGISTIC = 14;
    static final int MUL = 18;
    static final int SUB = 41;
    static final int DIV = 42;
    static final int RESHAPE = 22;
    static final int SOFTMAX = 25;
    static final int CUSTOM = 32;
    static final int PAD = 34;
    static final int MEAN = 40;
    static final int SQUEEZE = 43;
    static final int QUANTIZE = 114;
    static final int HARD_SWISH = 117;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "ADD"), Map.entry(1, "AVERAGE_POOL_2D"), Map.entry(2, "CONCATENATION"),
            Map.entry(3, "CONV_2D"), Map.entry(4, "DEPTHWISE_CONV_2D"), Map.entry(5, "DEPTH_TO_SPACE"),
            Map.entry(6, "DEQUANTIZE"), Map.entry(9, "FULLY_CONNECTED"), Map.entry(11, "L2_NORMALIZATION"),
            Map.entry(14, "LOGISTIC"), Map.entry(17, "MAX_POOL_2D"), Map.entry(18, "MUL"), Map.entry(19, "RELU"),
            Map.entry(21, "RELU6"), Map.entry(22, "RESHAPE"), Map.entry(23, "RESIZE_BILINEAR"),
            Map.entry(25, "SOFTMAX"), Map.entry(28, "TANH"), Map.entry(32, "CUSTOM"), Map.entry(34, "PAD"),
            Map.entry(39, "TRANSPOSE"), Map.entry(40, "MEAN"), Map.entry(41, "SUB"), Map.entry(42, "DIV"),
            Map.entry(43, "SQUEEZE"), Map.entry(49, "SPLIT"), Map.entry(114, "QUANTIZE"),
            Map.entry(16, "LSTM"), Map.entry(44, "UNIDIRECTIONAL_SEQUENCE_LSTM"), Map.entry(45, "STRIDED_SLICE"),
            Map.entry(53, "CAST"), Map.entry(55, "MAXIMUM"), Map.entry(56, "ARG_MAX"), Map.entry(57, "MINIMUM"),
            Map.entry(60, "PADV2"),
            Map.entry(117, "HARD_SWISH"));

    private BuiltinOp() {
    }

    static String name(int code) {
        String n = NAMES.get(code);
        return n != null ? n : "builtin operator #" + code;
    }
}
