package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.model.QuantParams;

/**
 * The output stage of a quantized convolution or fully connected layer: an int32 accumulator (bias
 * included, input and weight zero points already subtracted) to the output type, per output
 * channel, with the fused activation as a clamp.
 *
 * <p>Two arithmetics, because the runtimes differ:
 * <ul>
 * <li>{@link Arithmetic#FLOAT}: XNNPACK's "fp32" requantization, which TFLite's XNNPACK delegate
 * runs for quantized CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (measured: tfjs-tflite's
 * WebAssembly TFLite hands all of them to XNNPACK, see the README). The scale
 * {@code inputScale * weightScale[c] / outputScale} is computed in float in that order, the
 * accumulator converted to float and multiplied by it, and the product rounded half to even.
 * <li>{@link Arithmetic#FIXED_POINT}: TFLite's builtin kernels: a Q31 multiplier and a shift
 * ({@link FixedPoint}), rounded twice, half away from zero.
 * </ul>
 */
public final class Requantizer {

    /** Which runtime's arithmetic. */
    public enum Arithmetic { FLOAT, FIXED_POINT }

    private final Arithmetic arithmetic;
    private final float[] scale;
    private final int[] multiplier;
    private final int[] shift;
    private final int zeroPoint;
    private final int min;
    private final int max;

    /**
     * @param in         the input's quantization (per tensor)
     * @param weights    the weights' (per tensor or per output channel)
     * @param out        the output's (per tensor)
     * @param activation the fused activation, applied as a clamp of the quantized output
     * @param channels   the output channels
     */
    public Requantizer(Arithmetic arithmetic, QuantParams in, QuantParams weights, QuantParams out,
            Activation activation, int channels) {
        this.arithmetic = arithmetic;
        this.scale = new float[channels];
        this.multiplier = new int[channels];
        this.shift = new int[channels];
        float inScale = in.scale();
        float outScale = out.scale();
        for (int c = 0; c < channels; c++) {
            float w = weights.scale(c);
            scale[c] = inScale * w / outScale;
            // TFLite: float product of the input and weight scales (per tensor) or a double one
            // (per channel), divided in double.
            double real = weights.perChannel() ? (double) inScale * w / outScale : (double) (inScale * w) / outScale;
            int[] m = FixedPoint.quantizeMultiplier(real);
            multiplier[c] = m[0];
            shift[c] = m[1];
        }
        this.zeroPoint = out.zeroPoint();
        int[] range = range(out, activation);
        this.min = range[0];
        this.max = range[1];
    }

    /**
     * The quantized range of an activation: the type's range, narrowed to {@code [q(0), q(6)]} for
     * ReLU6 and from {@code q(0)} for ReLU, with {@code q(x) = zeroPoint + round(x / scale)}.
     */
    static int[] range(QuantParams out, Activation activation) {
        int lo = out.type().min();
        int hi = out.type().max();
        int z = out.zeroPoint();
        if (activation != Activation.NONE) {
            lo = Math.max(lo, z);
        }
        if (activation == Activation.RELU6) {
            hi = (int) Math.min(hi, z + Math.rint(6f / out.scale()));
        }
        return new int[] {lo, hi};
    }

    /** The output value of channel {@code c} for accumulator {@code acc}. */
    public int apply(int acc, int c) {
        int q;
        if (arithmetic == Arithmetic.FLOAT) {
            q = (int) Math.rint((float) acc * scale[c]) + zeroPoint;
        } else {
            q = FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]) + zeroPoint;
        }
        return Math.min(Math.max(q, min), max);
    }

    /** {@link #apply} over a row of channels {@code acc[0 .. n)} into {@code out[offset ..]}. */
    public void applyRow(int[] acc, int n, int[] out, int offset) {
        if (arithmetic == Arithmetic.FLOAT) {
            int lo = min - zeroPoint;
            int hi = max - zeroPoint;
            for (int c = 0; c < n; c++) {
                // A double to int conversion saturates, so the clamp afterwards is exact.
                int q = (int) Math.rint((float) acc[c] * scale[c]);
                out[offset + c] = Math.min(Math.max(q, lo), hi) + zeroPoint;
            }
        } else {
            for (int c = 0; c < n; c++) {
                out[offset + c] = apply(acc[c], c);
            }
        }
    }

    /** The arithmetic. */
    Arithmetic arithmetic() {
        return arithmetic;
    }

    /** The float scale of channel {@code c} ({@link Arithmetic#FLOAT}). */
    float scale(int c) {
        return scale[c];
    }

    int zeroPoint() {
        return zeroPoint;
    }

    /** The lowest output value (the activation's clamp included). */
    int min() {
        return min;
    }

    /** The highest output value. */
    int max() {
        return max;
    }
}
