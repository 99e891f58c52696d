package org.mobilenet.engine.quant;

import org.mobilenet.engine.model.QuantParams;

/**
 * A quantized elementwise multiply as XNNPACK computes it (its QU8/QS8 "multiply" operator, which
 * TFLite's XNNPACK delegate runs for MUL; fp32 requantization): the product of the two inputs less
 * their zero points, {@code (a - a_zero) * (b - b_zero)} in int32, times
 * {@code a_scale * b_scale / out_scale} in float, rounded half to even, plus the output zero point,
 * clamped to the output's type: XNNPACK's fp32 kernels, which it uses on x86 and WebAssembly (the
 * TFLite runtime the tests compare with); on ARM it requantizes in fixed point ("rndnu"), which may
 * round a tie the other way. XNNPACK takes a scale ratio in [2^-16, 2^8) only (TFLite's reference MUL
 * computes the others): refused here.
 */
public final class QuantMul {
    private final int aZero;
    private final int bZero;
    private final float scale;
    private final int zeroPoint;
    private final int min;
    private final int max;

    public QuantMul(QuantParams a, QuantParams b, QuantParams out) {
        this.aZero = a.zeroPoint();
        this.bZero = b.zeroPoint();
        this.scale = a.scale() * b.scale() / out.scale();
        if (!(scale >= 0x1.0p-16f) || !(scale < 0x1.0p+8f)) {
            throw new IllegalArgumentException("a quantized multiply needs a scale ratio in [2^-16, 2^8), got " + scale);
        }
        this.zeroPoint = out.zeroPoint();
        this.min = out.type().min();
        this.max = out.type().max();
    }

    /** The output value for input values {@code a} and {@code b}. */
    public int apply(int a, int b) {
        int acc = (a - aZero) * (b - bZero);
        // Clamped in the float domain first, as XNNPACK does before rounding: the same result once clamped.
        float y = acc * scale;
        int q = (int) Math.rint(Math.max(min - zeroPoint, Math.min(max - zeroPoint, y))) + zeroPoint;
        return Math.min(Math.max(q, min), max);
    }
}
