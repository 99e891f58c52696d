package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The interior of one output row of a stride-1 3x3 depthwise convolution whose channels are
 * fewer than a vector's lanes and divide them (8 channels with 512-bit vectors: 0.25/128's first
 * depthwise layer, which would otherwise run in scalar code). With stride 1 the interior of an
 * output row is a flat run of floats, and so is each tap's input: a vector covers
 * {@code L / c} neighbouring pixels at once. The weights and the bias are tiled to a whole vector
 * ({@link #tile}), so the same nine weight vectors serve every chunk (each chunk starts at a
 * pixel, so at channel 0).
 */
final class Depthwise3x3Flat {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;

    private Depthwise3x3Flat() {
    }

    /** True when a layer of {@code c} channels with this stride and kernel size runs here. */
    static boolean applies(int c, int kernel, int stride) {
        return kernel == 3 && stride == 1 && c < L && L % c == 0;
    }

    /** {@code v [n, c]} repeated to {@code [n, L]}: value j of row t is {@code v[t * c + j % c]}. */
    static float[] tile(float[] v, int n, int c) {
        float[] t = new float[n * L];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < L; j++) {
                t[r * L + j] = v[r * c + j % c];
            }
        }
        return t;
    }

    /**
     * Output pixels {@code [oxLo, oxHi)} of one row, whole vectors only. inRow: the offset of input
     * pixel (row iy0, column -padLeft), channel 0; rs: floats per input row; outRow: the offset of
     * output pixel (row, column 0); wt: tiled weights {@code [9, L]}; bt: tiled bias {@code [L]}.
     * Returns the first pixel not done.
     */
    static int sweep(float[] in, int inRow, int rs, int c, float[] wt, float[] bt, float lo, float hi,
                     float[] out, int outRow, int oxLo, int oxHi) {
        int chunks = (oxHi - oxLo) * c / L;
        FloatVector w0 = FloatVector.fromArray(S, wt, 0);
        FloatVector w1 = FloatVector.fromArray(S, wt, L);
        FloatVector w2 = FloatVector.fromArray(S, wt, 2 * L);
        FloatVector w3 = FloatVector.fromArray(S, wt, 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wt, 4 * L);
        FloatVector w5 = FloatVector.fromArray(S, wt, 5 * L);
        FloatVector w6 = FloatVector.fromArray(S, wt, 6 * L);
        FloatVector w7 = FloatVector.fromArray(S, wt, 7 * L);
        FloatVector w8 = FloatVector.fromArray(S, wt, 8 * L);
        FloatVector bv = FloatVector.fromArray(S, bt, 0);
        for (int i = 0, p = inRow + oxLo * c, o = outRow + oxLo * c; i < chunks; i++, p += L, o += L) {
            FloatVector a = FloatVector.fromArray(S, in, p).fma(w0, bv);
            a = FloatVector.fromArray(S, in, p + c).fma(w1, a);
            a = FloatVector.fromArray(S, in, p + 2 * c).fma(w2, a);
            int q = p + rs;
            FloatVector m = FloatVector.fromArray(S, in, q).mul(w3);
            m = FloatVector.fromArray(S, in, q + c).fma(w4, m);
            m = FloatVector.fromArray(S, in, q + 2 * c).fma(w5, m);
            int r = q + rs;
            a = FloatVector.fromArray(S, in, r).fma(w6, a);
            a = FloatVector.fromArray(S, in, r + c).fma(w7, a);
            a = FloatVector.fromArray(S, in, r + 2 * c).fma(w8, a);
            a.add(m).max(lo).min(hi).intoArray(out, o);
        }
        return oxLo + chunks * L / c;
    }
}
