package org.mobilenet.engine.arch;

/**
 * The activation after a layer. It lives with the architecture because it describes a layer (each
 * {@link LayerSpec} has its own: v1's convs ReLU6, v2's linear projections none); the kernels fuse
 * it into their epilogue.
 */
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
