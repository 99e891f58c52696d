package org.mobilenet.engine.model;

/** The integer types of quantized tensors, with the range each holds. */
public enum QuantType {
    UINT8("uint8", 0, 255),
    INT8("int8", -128, 127),
    /** Biases: TFLite stores them as int32 with scale = input scale x weight scale and zero point 0. */
    INT32("int32", Integer.MIN_VALUE, Integer.MAX_VALUE);

    private final String id;
    private final int min;
    private final int max;

    QuantType(String id, int min, int max) {
        this.id = id;
        this.min = min;
        this.max = max;
    }

    /** The NumPy / ONNX style name: {@code uint8}, {@code int8}, {@code int32}. */
    public String id() {
        return id;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /** True when {@code q} fits this type. */
    public boolean holds(long q) {
        return q >= min && q <= max;
    }
}
