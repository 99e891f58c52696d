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
        return repeat(v, n, c, L);
    }

    /**
     * {@code v [n, c]} repeated to {@code [n, width]}: value j of row t is {@code v[t * c + j % c]}
     * (the tiling of {@link #tile} and of {@link #tileAny}).
     */
    private static float[] repeat(float[] v, int n, int c, int width) {
        float[] t = new float[n * width];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < width; j++) {
                t[r * width + j] = v[r * c + j % c];
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

    /** True when a stride-1 3x3 layer of {@code c} channels has some that fill no whole vector and {@link #applies} does not hold. */
    static boolean appliesAny(int c, int kernel, int stride) {
        return kernel == 3 && stride == 1 && c % L != 0 && !applies(c, kernel, stride);
    }

    /**
     * {@code v [n, c]} with each row followed by its first {@code L} values again ({@code [n, c + L]}):
     * a vector read from a row at any channel {@code 0 <= i < c} has channel {@code (i + j) % c}'s
     * value in lane j.
     */
    static float[] tileAny(float[] v, int n, int c) {
        return repeat(v, n, c, c + L);
    }

    /**
     * The whole interior {@code [oxLo, oxHi)} of one output row, every channel, for a channel count
     * that is not a whole number of vectors (0.75/192's first depthwise layer has 24: with 512-bit
     * vectors a third of its channels would be left to scalar code). As in {@link #sweep} the
     * interior is one flat run of floats at stride 1, taps {@code c} floats apart; a vector here
     * starts at any channel, so its weights and bias are read from the rows of {@link #tileAny} at that
     * channel instead of staying in registers. The last vector ends at the run's end, overlapping the
     * one before (the same values). Needs at least {@code L} floats in the run; returns the first
     * pixel not done ({@code oxLo} when the run is shorter).
     */
    static int sweepAny(float[] in, int inRow, int rs, int c, float[] wt, float[] bt, float lo, float hi,
                        float[] out, int outRow, int oxLo, int oxHi) {
        int len = (oxHi - oxLo) * c;
        if (len < L) {
            return oxLo;
        }
        int tw = c + L;
        int p0 = inRow + oxLo * c;
        int o0 = outRow + oxLo * c;
        for (int f = 0, ch = 0; f < len; f += L) {
            int g = f;
            if (g > len - L) {
                g = len - L;
                ch = g % c;
            }
            int p = p0 + g;
            FloatVector a = FloatVector.fromArray(S, in, p).fma(FloatVector.fromArray(S, wt, ch), FloatVector.fromArray(S, bt, ch));
            a = FloatVector.fromArray(S, in, p + c).fma(FloatVector.fromArray(S, wt, tw + ch), a);
            a = FloatVector.fromArray(S, in, p + 2 * c).fma(FloatVector.fromArray(S, wt, 2 * tw + ch), a);
            int q = p + rs;
            FloatVector m = FloatVector.fromArray(S, in, q).mul(FloatVector.fromArray(S, wt, 3 * tw + ch));
            m = FloatVector.fromArray(S, in, q + c).fma(FloatVector.fromArray(S, wt, 4 * tw + ch), m);
            m = FloatVector.fromArray(S, in, q + 2 * c).fma(FloatVector.fromArray(S, wt, 5 * tw + ch), m);
            int r = q + rs;
            FloatVector z = FloatVector.fromArray(S, in, r).mul(FloatVector.fromArray(S, wt, 6 * tw + ch));
            z = FloatVector.fromArray(S, in, r + c).fma(FloatVector.fromArray(S, wt, 7 * tw + ch), z);
            z = FloatVector.fromArray(S, in, r + 2 * c).fma(FloatVector.fromArray(S, wt, 8 * tw + ch), z);
            a.add(m).add(z).max(lo).min(hi).intoArray(out, o0 + g);
            ch += L;
            while (ch >= c) {
                ch -= c;
            }
        }
        return oxHi;
    }
}
