package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernels for a convolution whose windows lie inside the input: six output pixels of one
 * row against one packed weight panel, reading the input through an offset table instead of an
 * im2col copy. Row {@code r}, depth index {@code t} of the implicit A matrix is
 * {@code in[base + r * step + off[t]]}. Results include the bias; the caller clamps.
 */
final class IndirectGemm {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;
    private static final int NR = VectorGemm.NR;

    private IndirectGemm() {
    }

    /** Six pixels by two vectors (a full panel); C rows at {@code c0 + r * ldc}. */
    static void wide6(float[] in, int base, int step, int[] off, float[] b, int bOff, int k,
                      float[] bias, int biasOff, float[] c, int c0, int ldc) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        FloatVector c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        FloatVector c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        int p1 = base + step, p2 = p1 + step, p3 = p2 + step, p4 = p3 + step, p5 = p4 + step;
        for (int t = 0, bi = bOff; t < k; t++, bi += NR) {
            int o = off[t];
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, in[base + o]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, in[p1 + o]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, in[p2 + o]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, in[p3 + o]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, in[p4 + o]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, in[p5 + o]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c40.intoArray(c, c0 + 4 * ldc);
        c41.intoArray(c, c0 + 4 * ldc + L);
        c50.intoArray(c, c0 + 5 * ldc);
        c51.intoArray(c, c0 + 5 * ldc + L);
    }

    /** Six pixels by one vector: the first vector of each packed panel row, panels {@code nr} wide. */
    static void narrow6(float[] in, int base, int step, int[] off, float[] b, int bOff, int nr, int k,
                        float[] bias, int biasOff, float[] c, int c0, int ldc) {
        FloatVector bv = FloatVector.fromArray(S, bias, biasOff);
        FloatVector c0v = bv, c1v = bv, c2v = bv, c3v = bv, c4v = bv, c5v = bv;
        int p1 = base + step, p2 = p1 + step, p3 = p2 + step, p4 = p3 + step, p5 = p4 + step;
        for (int t = 0, bi = bOff; t < k; t++, bi += nr) {
            int o = off[t];
            FloatVector w = FloatVector.fromArray(S, b, bi);
            c0v = FloatVector.broadcast(S, in[base + o]).fma(w, c0v);
            c1v = FloatVector.broadcast(S, in[p1 + o]).fma(w, c1v);
            c2v = FloatVector.broadcast(S, in[p2 + o]).fma(w, c2v);
            c3v = FloatVector.broadcast(S, in[p3 + o]).fma(w, c3v);
            c4v = FloatVector.broadcast(S, in[p4 + o]).fma(w, c4v);
            c5v = FloatVector.broadcast(S, in[p5 + o]).fma(w, c5v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + ldc);
        c2v.intoArray(c, c0 + 2 * ldc);
        c3v.intoArray(c, c0 + 3 * ldc);
        c4v.intoArray(c, c0 + 4 * ldc);
        c5v.intoArray(c, c0 + 5 * ldc);
    }
}
