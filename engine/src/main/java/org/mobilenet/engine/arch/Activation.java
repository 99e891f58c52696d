package org.mobilenet.engine.arch;

/**
 * The activation after a layer. It lives with the architecture because it describes a layer (each
 * {@link LayerSpec} has its own: v1's convs ReLU6, v2's linear projections none, v3's hard-swish).
 * The clamps ({@link #clamps()}: none, ReLU, ReLU6) are fused into the kernels' epilogues; the
 * others are applied to a layer's output after its kernel (the network does it: a kernel is never
 * given one).
 */
public enum Activation {
    NONE, RELU, RELU6,
    /** MobileNet v3's {@code x * ReLU6(x + 3) / 6}. */
    HARD_SWISH,
    /** MobileNet v3's squeeze-and-excite gate, {@code ReLU6(x + 3) / 6} (ONNX's HardSigmoid with alpha 1/6). */
    HARD_SIGMOID;

    /** Applies the activation to one value. */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case RELU6 -> Math.min(Math.max(x, 0f), 6f);
            case HARD_SWISH -> x * (Math.min(Math.max(x + 3f, 0f), 6f) / 6f);
            case HARD_SIGMOID -> Math.min(Math.max(x + 3f, 0f), 6f) / 6f;
        };
    }

    /** Whether it is a clamp to [0, hi] or nothing: what the kernels' epilogues compute. */
    public boolean clamps() {
        return this == NONE || this == RELU || this == RELU6;
    }
}
