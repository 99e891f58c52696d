package org.mobilenet.engine.quant;

/**
 * TFLite's fixed-point requantization helpers (gemmlowp's, as TFLite's builtin kernels use them): a
 * real multiplier as a Q31 multiplier and a power-of-two shift, the saturating rounding doubling
 * high multiply, and the rounding divide by a power of two (round half away from zero).
 */
public final class FixedPoint {
    private FixedPoint() {
    }

    /**
     * QuantizeMultiplier: {@code real = multiplier * 2^(shift - 31)} with the multiplier in
     * [2^30, 2^31) (0 for 0). Returns {multiplier, shift}; shift is positive for a left shift.
     */
    public static int[] quantizeMultiplier(double real) {
        if (real == 0) {
            return new int[] {0, 0};
        }
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("a requantization multiplier must be finite and > 0, got " + real);
        }
        // frexp: real = q * 2^shift with q in [0.5, 1).
        int shift = Math.getExponent(real) + 1;
        double q = real / Math.pow(2, shift);
        long qFixed = Math.round(q * (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            return new int[] {0, 0};
        }
        if (shift > 30) {
            throw new IllegalArgumentException("a requantization multiplier of " + real + " is too large");
        }
        return new int[] {(int) qFixed, shift};
    }

    /** gemmlowp's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), saturating the one overflow. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == b && a == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : 1 - (1L << 30);
        // C++ integer division truncates toward zero, as Java's does.
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero. */
    public static int roundingDivideByPOT(int x, int exponent) {
        if (exponent < 0 || exponent > 31) {
            throw new IllegalArgumentException("exponent must be in [0, 31], got " + exponent);
        }
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** TFLite's MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), rounded twice as TFLite does. */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << left), multiplier), right);
    }
}
