package org.mobilenet.io.tflite;

/** The TFLite {@code TensorType} values this reader knows, with their element sizes in bytes. */
enum TensorType {
    FLOAT32(0, 4), FLOAT16(1, 2), INT32(2, 4), UINT8(3, 1), INT64(4, 8), STRING(5, 1), BOOL(6, 1), INT16(7, 2),
    COMPLEX64(8, 8), INT8(9, 1), FLOAT64(10, 8);

    private final int code;
    private final int bytes;

    TensorType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    int bytes() {
        return bytes;
    }

    /** The type with this schema code, or null when unknown. */
    static TensorType of(int code) {
        for (TensorType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
