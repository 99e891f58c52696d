package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The interior of one output row of a 3x3 depthwise convolution, for whole channel vectors:
 * output pixels whose windows lie wholly inside the input, swept four at a time. The four pixels
 * share their input loads (stride 1: 6 columns for 4 windows; stride 2: 9 columns). Each window
 * row accumulates separately (chains of at most three FMAs) and is then added to the row before,
 * so FMA latency is hidden with twelve live vectors and no spills. Pixels are the outer loop and
 * channel vectors the inner one: NHWC pixels with many channels lie a power of two apart, and a
 * channel-major sweep would hit the same few cache sets on every load. With few channels (no such
 * conflicts) the loops swap, so the inner loop stays long. Weights {@code [3, 3, C]}; {@code in}
 * and {@code out} NHWC with {@code c} channels.
 *
 * <p>Each sweep is one method with only local vectors, so nothing is boxed even when C2 does not
 * inline it into its caller.
 */
final class Depthwise3x3Interior {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;
    /** Below this many channel vectors the sweep runs channel-major. */
    private static final int FEW_VECTORS = 4;

    private Depthwise3x3Interior() {
    }

    /**
     * Output pixels {@code [oxLo, oxHi)} of one row, channels {@code [0, cVec)}. inRow: the offset
     * of input pixel (row iy0, column -padLeft), channel 0; rs: floats per input row; outRow: the
     * offset of output pixel (row, column 0). Returns the first pixel not done (the caller finishes
     * {@code [returned, oxHi)}).
     */
    static int sweep(float[] in, int inRow, int rs, int c, int cVec, int stride, float[] w, float[] bias,
                     float lo, float hi, float[] out, int outRow, int oxLo, int oxHi) {
        int groups = (oxHi - oxLo) / 4;
        if (groups == 0) {
            return oxLo;
        }
        if (stride == 1) {
            stride1(in, inRow + oxLo * c, rs, c, cVec, w, bias, lo, hi, out, outRow + oxLo * c, groups);
        } else {
            stride2(in, inRow + 2 * oxLo * c, rs, c, cVec, w, bias, lo, hi, out, outRow + oxLo * c, groups);
        }
        return oxLo + 4 * groups;
    }

    private static void stride1(float[] in, int p0, int rs, int c, int cVec, float[] w, float[] bias,
                                float lo, float hi, float[] out, int o0, int groups) {
        int c4 = 4 * c;
        int vectors = cVec / L;
        // Pixel groups outside, channel vectors inside; with few channels the other way round, so
        // the inner loop is long (each entry to it costs range-check predicates).
        boolean pixelMajor = vectors >= FEW_VECTORS;
        int nOut = pixelMajor ? groups : vectors;
        int nIn = pixelMajor ? vectors : groups;
        int pOut = pixelMajor ? c4 : L;
        int oOut = pixelMajor ? c4 : L;
        int wOut = pixelMajor ? 0 : L;
        int pIn = pixelMajor ? L : c4;
        int oIn = pixelMajor ? L : c4;
        int wIn = pixelMajor ? L : 0;
        for (int i = 0, pi = p0, oi = o0, wi = 0; i < nOut; i++, pi += pOut, oi += oOut, wi += wOut) {
            for (int j = 0, p = pi, o = oi, cb = wi; j < nIn; j++, p += pIn, o += oIn, cb += wIn) {
                FloatVector bv = FloatVector.fromArray(S, bias, cb);
                FloatVector w0 = FloatVector.fromArray(S, w, cb);
                FloatVector w1 = FloatVector.fromArray(S, w, c + cb);
                FloatVector w2 = FloatVector.fromArray(S, w, 2 * c + cb);
                FloatVector x = FloatVector.fromArray(S, in, p);
                FloatVector a0 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + c);
                a0 = x.fma(w1, a0);
                FloatVector a1 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + 2 * c);
                a0 = x.fma(w2, a0);
                a1 = x.fma(w1, a1);
                FloatVector a2 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + 3 * c);
                a1 = x.fma(w2, a1);
                a2 = x.fma(w1, a2);
                FloatVector a3 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + 4 * c);
                a2 = x.fma(w2, a2);
                a3 = x.fma(w1, a3);
                x = FloatVector.fromArray(S, in, p + 5 * c);
                a3 = x.fma(w2, a3);
                int q = p + rs;
                w0 = FloatVector.fromArray(S, w, 3 * c + cb);
                w1 = FloatVector.fromArray(S, w, 4 * c + cb);
                w2 = FloatVector.fromArray(S, w, 5 * c + cb);
                x = FloatVector.fromArray(S, in, q);
                FloatVector b0 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + c);
                b0 = x.fma(w1, b0);
                FloatVector b1 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 2 * c);
                b0 = x.fma(w2, b0);
                b1 = x.fma(w1, b1);
                FloatVector b2 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 3 * c);
                b1 = x.fma(w2, b1);
                b2 = x.fma(w1, b2);
                FloatVector b3 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 4 * c);
                b2 = x.fma(w2, b2);
                b3 = x.fma(w1, b3);
                x = FloatVector.fromArray(S, in, q + 5 * c);
                b3 = x.fma(w2, b3);
                a0 = a0.add(b0);
                a1 = a1.add(b1);
                a2 = a2.add(b2);
                a3 = a3.add(b3);
                q += rs;
                w0 = FloatVector.fromArray(S, w, 6 * c + cb);
                w1 = FloatVector.fromArray(S, w, 7 * c + cb);
                w2 = FloatVector.fromArray(S, w, 8 * c + cb);
                x = FloatVector.fromArray(S, in, q);
                b0 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + c);
                b0 = x.fma(w1, b0);
                b1 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 2 * c);
                b0 = x.fma(w2, b0);
                b1 = x.fma(w1, b1);
                b2 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 3 * c);
                b1 = x.fma(w2, b1);
                b2 = x.fma(w1, b2);
                b3 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 4 * c);
                b2 = x.fma(w2, b2);
                b3 = x.fma(w1, b3);
                x = FloatVector.fromArray(S, in, q + 5 * c);
                b3 = x.fma(w2, b3);
                a0 = a0.add(b0);
                a1 = a1.add(b1);
                a2 = a2.add(b2);
                a3 = a3.add(b3);
                a0.max(lo).min(hi).intoArray(out, o);
                a1.max(lo).min(hi).intoArray(out, o + c);
                a2.max(lo).min(hi).intoArray(out, o + 2 * c);
                a3.max(lo).min(hi).intoArray(out, o + 3 * c);
            }
        }
    }

    private static void stride2(float[] in, int p0, int rs, int c, int cVec, float[] w, float[] bias,
                                float lo, float hi, float[] out, int o0, int groups) {
        int c4 = 4 * c;
        int vectors = cVec / L;
        // Pixel groups outside, channel vectors inside; with few channels the other way round, so
        // the inner loop is long (each entry to it costs range-check predicates).
        boolean pixelMajor = vectors >= FEW_VECTORS;
        int nOut = pixelMajor ? groups : vectors;
        int nIn = pixelMajor ? vectors : groups;
        int pOut = pixelMajor ? 2 * c4 : L;
        int oOut = pixelMajor ? c4 : L;
        int wOut = pixelMajor ? 0 : L;
        int pIn = pixelMajor ? L : 2 * c4;
        int oIn = pixelMajor ? L : c4;
        int wIn = pixelMajor ? L : 0;
        for (int i = 0, pi = p0, oi = o0, wi = 0; i < nOut; i++, pi += pOut, oi += oOut, wi += wOut) {
            for (int j = 0, p = pi, o = oi, cb = wi; j < nIn; j++, p += pIn, o += oIn, cb += wIn) {
                FloatVector bv = FloatVector.fromArray(S, bias, cb);
                FloatVector w0 = FloatVector.fromArray(S, w, cb);
                FloatVector w1 = FloatVector.fromArray(S, w, c + cb);
                FloatVector w2 = FloatVector.fromArray(S, w, 2 * c + cb);
                FloatVector x = FloatVector.fromArray(S, in, p);
                FloatVector a0 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + c);
                a0 = x.fma(w1, a0);
                x = FloatVector.fromArray(S, in, p + 2 * c);
                a0 = x.fma(w2, a0);
                FloatVector a1 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + 3 * c);
                a1 = x.fma(w1, a1);
                x = FloatVector.fromArray(S, in, p + 4 * c);
                a1 = x.fma(w2, a1);
                FloatVector a2 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + 5 * c);
                a2 = x.fma(w1, a2);
                x = FloatVector.fromArray(S, in, p + 6 * c);
                a2 = x.fma(w2, a2);
                FloatVector a3 = x.fma(w0, bv);
                x = FloatVector.fromArray(S, in, p + 7 * c);
                a3 = x.fma(w1, a3);
                x = FloatVector.fromArray(S, in, p + 8 * c);
                a3 = x.fma(w2, a3);
                int q = p + rs;
                w0 = FloatVector.fromArray(S, w, 3 * c + cb);
                w1 = FloatVector.fromArray(S, w, 4 * c + cb);
                w2 = FloatVector.fromArray(S, w, 5 * c + cb);
                x = FloatVector.fromArray(S, in, q);
                FloatVector b0 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + c);
                b0 = x.fma(w1, b0);
                x = FloatVector.fromArray(S, in, q + 2 * c);
                b0 = x.fma(w2, b0);
                FloatVector b1 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 3 * c);
                b1 = x.fma(w1, b1);
                x = FloatVector.fromArray(S, in, q + 4 * c);
                b1 = x.fma(w2, b1);
                FloatVector b2 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 5 * c);
                b2 = x.fma(w1, b2);
                x = FloatVector.fromArray(S, in, q + 6 * c);
                b2 = x.fma(w2, b2);
                FloatVector b3 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 7 * c);
                b3 = x.fma(w1, b3);
                x = FloatVector.fromArray(S, in, q + 8 * c);
                b3 = x.fma(w2, b3);
                a0 = a0.add(b0);
                a1 = a1.add(b1);
                a2 = a2.add(b2);
                a3 = a3.add(b3);
                q += rs;
                w0 = FloatVector.fromArray(S, w, 6 * c + cb);
                w1 = FloatVector.fromArray(S, w, 7 * c + cb);
                w2 = FloatVector.fromArray(S, w, 8 * c + cb);
                x = FloatVector.fromArray(S, in, q);
                b0 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + c);
                b0 = x.fma(w1, b0);
                x = FloatVector.fromArray(S, in, q + 2 * c);
                b0 = x.fma(w2, b0);
                b1 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 3 * c);
                b1 = x.fma(w1, b1);
                x = FloatVector.fromArray(S, in, q + 4 * c);
                b1 = x.fma(w2, b1);
                b2 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 5 * c);
                b2 = x.fma(w1, b2);
                x = FloatVector.fromArray(S, in, q + 6 * c);
                b2 = x.fma(w2, b2);
                b3 = x.mul(w0);
                x = FloatVector.fromArray(S, in, q + 7 * c);
                b3 = x.fma(w1, b3);
                x = FloatVector.fromArray(S, in, q + 8 * c);
                b3 = x.fma(w2, b3);
                a0 = a0.add(b0);
                a1 = a1.add(b1);
                a2 = a2.add(b2);
                a3 = a3.add(b3);
                a0.max(lo).min(hi).intoArray(out, o);
                a1.max(lo).min(hi).intoArray(out, o + c);
                a2.max(lo).min(hi).intoArray(out, o + 2 * c);
                a3.max(lo).min(hi).intoArray(out, o + 3 * c);
            }
        }
    }
}
