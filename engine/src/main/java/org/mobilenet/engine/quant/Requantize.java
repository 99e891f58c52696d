package org.mobilenet.engine.quant;

import org.mobilenet.engine.model.QuantParams;

/**
 * TFLite's QUANTIZE from one 8-bit quantization to another (a file that takes uint8 and runs an int8
 * network requantizes its input so, and its output back): with equal scales and zero points 128
 * apart the value's top bit flipped, otherwise {@code (q - zeroIn) * scaleIn / scaleOut + zeroOut}
 * in TFLite's fixed point ({@link FixedPoint}), clamped to the output type.
 * Shape line: any; out has the length of in.
 */
public final class Requantize {
    private Requantize() {
    }

    /** {@code q}, quantized with {@code from}, as {@code to} quantizes it (both per tensor). */
    public static int[] of(int[] q, QuantParams from, QuantParams to) {
        if (from.perChannel() || to.perChannel()) {
            throw new IllegalArgumentException("requantization is per tensor, got " + from.describe() + " to "
                    + to.describe());
        }
        int zin = from.zeroPoint();
        int zout = to.zeroPoint();
        int min = to.type().min();
        int max = to.type().max();
        int[] m = FixedPoint.quantizeMultiplier((double) from.scale() / to.scale());
        int[] out = new int[q.length];
        if (m[0] == 1 << 30 && m[1] == 1 && Math.abs(zin - zout) == 128 && from.type() != to.type()) {
            // TFLite's shortcut for the same scale: q - zin + zout, which is exact.
            for (int i = 0; i < q.length; i++) {
                out[i] = q[i] - zin + zout;
            }
            return out;
        }
        for (int i = 0; i < q.length; i++) {
            int v = FixedPoint.multiplyByQuantizedMultiplier(q[i] - zin, m[0], m[1]) + zout;
            out[i] = Math.max(min, Math.min(max, v));
        }
        return out;
    }
}
