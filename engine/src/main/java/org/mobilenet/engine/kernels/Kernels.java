package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * The compute of a MobileNet forward pass. All activations are NHWC over a batch of {@code n}
 * images; every method writes {@code out} completely and never reads it (except {@link #add} and
 * {@link #softmax}, which may work in place). {@code bias} may be null.
 * {@link ScalarKernels} is the plain reference every faster implementation is tested against.
 */
public interface Kernels {

    /** A short name for reports ("scalar", "vector"). */
    String name();

    /**
     * Standard convolution. in {@code [n, inH, inW, inC]}, weights {@code [k, k, inC, outC]} (HWIO),
     * bias {@code [outC]}, out {@code [n, outH, outW, outC]}.
     */
    void conv(float[] in, int n, ConvShape s, float[] weights, float[] bias, Activation act, float[] out);

    /**
     * Depthwise convolution (one filter per channel; {@code s.outC() == s.inC()}). in
     * {@code [n, inH, inW, C]}, weights {@code [k, k, C]}, bias {@code [C]}, out {@code [n, outH, outW, C]}.
     */
    void depthwise(float[] in, int n, ConvShape s, float[] weights, float[] bias, Activation act, float[] out);

    /**
     * Pointwise 1x1 convolution, a matrix product over all pixels. in {@code [pixels, inC]},
     * weights {@code [inC, outC]}, bias {@code [outC]}, out {@code [pixels, outC]}.
     */
    void pointwise(float[] in, int pixels, int inC, int outC, float[] weights, float[] bias, Activation act, float[] out);

    /** Global average pooling. in {@code [n, h, w, c]}, out {@code [n, c]}. */
    void averagePool(float[] in, int n, int h, int w, int c, float[] out);

    /** Fully connected layer. in {@code [n, inC]}, weights {@code [inC, outC]}, bias {@code [outC]}, out {@code [n, outC]}. */
    void fullyConnected(float[] in, int n, int inC, int outC, float[] weights, float[] bias, float[] out);

    /** Softmax over each row. in {@code [n, c]}, out {@code [n, c]} (may be the same array). */
    void softmax(float[] in, int n, int c, float[] out);

    /**
     * Residual add, element by element: {@code out[i] = act(in[i] + addend[i])} for {@code i < len}
     * (MobileNet v2's inverted residual blocks add a block's input to its projection). out may be
     * the same array as in or addend.
     */
    void add(float[] in, float[] addend, int len, Activation act, float[] out);

    /**
     * Prepares {@code layer} for repeated runs. weights and bias are in the layouts of the plain
     * methods above (HWIO, {@code [k,k,C]}, {@code [I,O]}); {@code act} applies to conv, depthwise,
     * pointwise, fully connected and add layers. weights and bias are only read (a network passes
     * the same arrays to its cold and its fast kernels) and may be kept. A residual add ({@code ADD}, no weights)
     * and a squeeze-and-excite scaling ({@code SCALE}) come back as a {@link PreparedAdd}, to be run with their
     * second input. {@code act} is a clamp ({@link Activation#clamps()}): the network applies the others. The default runs the plain methods
     * on the calling thread.
     */
    default PreparedLayer prepare(LayerSpec layer, float[] weights, float[] bias, Activation act) {
        return PlainLayers.prepare(this, layer, weights, bias, act);
    }
}
