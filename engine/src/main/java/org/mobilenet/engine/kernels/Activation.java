package org.mobilenet.engine.kernels;

/** The activation fused into a kernel's epilogue. */
public enum Activation {
    NONE, RELU, RELU6;

    /** Applies the activation to one value. */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case RELU6 -> Math.min(Math.max(x, 0f), 6f);
        };
    }
}
