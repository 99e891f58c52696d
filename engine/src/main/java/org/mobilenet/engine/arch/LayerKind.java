package org.mobilenet.engine.arch;

/** The kinds of layer the MobileNet family (v1, v2 and v3) is built from. */
public enum LayerKind {
    /** Standard k x k convolution (+ BN + the layer's activation). */
    CONV("conv"),
    /** Depthwise 3x3 convolution (+ BN + the layer's activation). */
    DEPTHWISE("conv_dw"),
    /** Pointwise 1x1 convolution (+ BN + the layer's activation; none for v2's linear projections). */
    POINTWISE("conv_pw"),
    /** Global average pooling. */
    AVG_POOL("avg_pool"),
    /** Fully connected classifier. */
    FC("fc"),
    /** Softmax over the classes. */
    SOFTMAX("softmax"),
    /**
     * The logistic sigmoid of each class score on its own: the head of a binary or multi-label
     * classifier (Keras {@code Dense(1, activation="sigmoid")}, TFLite's LOGISTIC, ONNX's Sigmoid).
     */
    SIGMOID("sigmoid"),
    /**
     * Residual add (v2's inverted residual blocks): the previous layer's output plus an earlier
     * layer's output of the same shape ({@link LayerSpec#addend()}). No weights, no Mult-Adds.
     */
    ADD("add"),
    /**
     * Squeeze-and-excite's scaling (MobileNet v3): the earlier layer's map ({@link LayerSpec#addend()})
     * with each channel multiplied by the previous layer's output, a 1x1xC gate. No weights; a
     * Mult-Add per value.
     */
    SCALE("scale");

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
