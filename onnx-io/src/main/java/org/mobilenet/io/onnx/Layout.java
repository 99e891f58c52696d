package org.mobilenet.io.onnx;

/** The memory layout of a 4-D activation in an ONNX graph. */
public enum Layout {
    /** Channels first: [N, C, H, W] (ONNX's native Conv layout, PyTorch exports). */
    NCHW,
    /** Channels last: [N, H, W, C] (TensorFlow exports, before their Transpose). */
    NHWC;

    /** The axes of height and width in this layout. */
    int[] spatialAxes() {
        return this == NCHW ? new int[] {2, 3} : new int[] {1, 2};
    }

    int channelAxis() {
        return this == NCHW ? 1 : 3;
    }
}
