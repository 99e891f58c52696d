package org.mobilenet.io.onnx;

import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.Pads;

/**
 * One matched conv layer: [Pad] Conv [BatchNormalization] Relu|Clip.
 * Shape: {@code weight} is OIHW {@code [outC, inC / group, k, k]}; {@code bias} and the BN arrays
 * are {@code [outC]} (null when absent).
 *
 * @param node       the Conv node, described for messages
 * @param kind       conv, depthwise or pointwise, from group and kernel
 * @param pads       total zero padding (Pad node plus Conv pads)
 * @param output     the value after the activation (the layer's output)
 */
record ConvUnit(String node, LayerKind kind, int kernel, int stride, Pads pads, int inC, int inH, int inW,
        int outC, int outH, int outW, float[] weight, float[] bias, BatchNorm bn, Activation activation,
        String output) {

    /** An unfolded BatchNormalization: {@code y = (x - mean) / sqrt(var + epsilon) * gamma + beta}; arrays are [C]. */
    record BatchNorm(float[] gamma, float[] beta, float[] mean, float[] var, float epsilon) {
    }
}
