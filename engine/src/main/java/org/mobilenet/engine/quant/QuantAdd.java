package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.model.QuantParams;

/**
 * A quantized residual add as XNNPACK computes it (its QU8/QS8 "add" operator, which TFLite's
 * XNNPACK delegate runs for ADD): each input's scale relative to the output's,
 * {@code a_scale / out_scale} in float, becomes an integer multiplier of at most 21 bits with one
 * shared right shift (chosen so the larger multiplier is in [2^20, 2^21)); then
 * {@code out = (bias + a * am + b * bm + 2^(shift-1)) >> shift} (arithmetic shift: rounding half up),
 * clamped to the activation's range, plus the output zero point, where
 * {@code bias = -(am * a_zero + bm * b_zero)}.
 */
public final class QuantAdd {
    private final int aMultiplier;
    private final int bMultiplier;
    private final int bias;
    private final int rounding;
    private final int shift;
    private final int zeroPoint;
    private final int min;
    private final int max;

    public QuantAdd(QuantParams a, QuantParams b, QuantParams out, Activation activation) {
        float as = a.scale() / out.scale();
        float bs = b.scale() / out.scale();
        float maxScale = Math.max(as, bs);
        if (!(maxScale >= 0x1.0p-10f) || !(maxScale < 0x1.0p+8f) || !(Math.min(as, bs) >= 0x1.0p-10f)) {
            throw new IllegalArgumentException("a quantized add needs input/output scale ratios in [2^-10, 2^8),"
                    + " got " + as + " and " + bs);
        }
        int exponent = Math.getExponent(maxScale);
        this.shift = 20 - exponent;
        // scale * 2^shift is exact in float (only the exponent changes); rounded half to even as lrintf does.
        this.aMultiplier = (int) Math.rint(Math.scalb((double) as, shift));
        this.bMultiplier = (int) Math.rint(Math.scalb((double) bs, shift));
        this.bias = -(aMultiplier * a.zeroPoint() + bMultiplier * b.zeroPoint());
        this.rounding = 1 << (shift - 1);
        this.zeroPoint = out.zeroPoint();
        int[] r = Requantizer.range(out, activation);
        this.min = r[0];
        this.max = r[1];
    }

    /** The output value for input values {@code a} and {@code b}. */
    public int apply(int a, int b) {
        int acc = bias + a * aMultiplier + b * bMultiplier;
        int q = ((acc + rounding) >> shift) + zeroPoint;
        return Math.min(Math.max(q, min), max);
    }

    /** out[i] = apply(a[i], b[i]) for i in [0, n). */
    public void applyAll(int[] a, int[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            int acc = bias + a[i] * aMultiplier + b[i] * bMultiplier;
            int q = ((acc + rounding) >> shift) + zeroPoint;
            out[i] = Math.min(Math.max(q, min), max);
        }
    }
}
