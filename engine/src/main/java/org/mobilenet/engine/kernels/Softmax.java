package org.mobilenet.engine.kernels;

/**
 * The softmax of the fast kernels ({@link LoopKernels}, {@link VectorKernels}): over each row of
 * {@code c} values, without allocating, and with the same bits whatever the JIT has compiled. Its
 * exponential is {@link #exp}, float additions and multiplications only, which Java evaluates
 * exactly as IEEE 754 says in the interpreter, C1 and C2 alike; the sum is taken in index order, in
 * double. (The Vector API's EXP and lane reduction gave results an ulp or so apart in the interpreter
 * and C1, one lane at a time, and in C2, a vector routine and a tree of additions, so one network's
 * outputs depended on how warm the JVM was; {@link Math#exp} is the same everywhere but cost 3-4% of
 * the smallest model's pass.) in and out {@code [n, c]}; out may be in.
 */
final class Softmax {
    private Softmax() {
    }

    static void rows(float[] in, int n, int c, float[] out) {
        for (int b = 0; b < n; b++) {
            int base = b * c;
            float max = max(in, base, c);
            double sum = exponentials(in, base, c, max, out);
            scale(out, base, c, (float) (1.0 / sum));
        }
    }

    // One loop per method: a row of a thousand classes sends each loop to C2 on the stack (OSR), and
    // with the three loops in one method each OSR compiled all three with exp inlined (4 C2
    // compilations of 25-35 ms in a folder of photos, for a layer of microseconds); apart, they cost
    // C2 about half as much.

    /** The largest of in[base .. base + c). */
    private static float max(float[] in, int base, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < c; i++) {
            max = Math.max(max, in[base + i]);
        }
        return max;
    }

    /** out[base + i] = e^(in[base + i] - max) for i in [0, c); returns their sum, in index order, in double. */
    private static double exponentials(float[] in, int base, int c, float max, float[] out) {
        double sum = 0;
        for (int i = 0; i < c; i++) {
            float e = exp(in[base + i] - max);
            out[base + i] = e;
            sum += e;
        }
        return sum;
    }

    /** out[base .. base + c) *= inv. */
    private static void scale(float[] out, int base, int c, float inv) {
        for (int i = 0; i < c; i++) {
            out[base + i] *= inv;
        }
    }

    /** Below this, e^x is under the smallest normal float: 0 is returned (a softmax term of at most 1e-38). */
    private static final float LOWEST = -87.33f;
    private static final float LOG2E = 1.44269504f;
    /** ln 2 in two parts: the first with few enough bits that k * LN2_HI is exact for |k| < 2^15. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUND = 12582912f;

    /**
     * e^x for x <= 0 (a softmax term after the row's maximum is subtracted), within 2 ulp of the exact
     * value: x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to r^7 (truncation under
     * 1e-8), times 2^k built in the exponent bits. NaN gives NaN.
     */
    static float exp(float x) {
        if (x < LOWEST) {
            return 0f;
        }
        float k = (x * LOG2E + ROUND) - ROUND;
        float r = (x - k * LN2_HI) - k * LN2_LO;
        float p = 1f / 5040;
        p = p * r + 1f / 720;
        p = p * r + 1f / 120;
        p = p * r + 1f / 24;
        p = p * r + 1f / 6;
        p = p * r + 0.5f;
        p = p * r + 1f;
        p = p * r + 1f;
        return p * Float.intBitsToFloat(((int) k + 127) << 23);
    }
}
