package org.mobilenet.engine.arch;

/** The kinds of layer a MobileNet v1 is built from. */
public enum LayerKind {
    /** Standard k x k convolution (+ BN + ReLU6). */
    CONV("conv"),
    /** Depthwise 3x3 convolution (+ BN + ReLU6). */
    DEPTHWISE("conv_dw"),
    /** Pointwise 1x1 convolution (+ BN + ReLU6). */
    POINTWISE("conv_pw"),
    /** Global average pooling. */
    AVG_POOL("avg_pool"),
    /** Fully connected classifier. */
    FC("fc"),
    /** Softmax over the classes. */
    SOFTMAX("softmax");

    private final String id;

    LayerKind(String id) {
        this.id = id;
    }

    /** The name used in reports and JSON. */
    public String id() {
        return id;
    }

    /** True for the layers that carry weights (and BN / bias). */
    public boolean hasWeights() {
        return this == CONV || this == DEPTHWISE || this == POINTWISE || this == FC;
    }
}
