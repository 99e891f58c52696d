package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix product of {@link VectorGemm} with panels of four vectors of output channels
 * ({@link #NR} columns) instead of two: a 6-row tile keeps 24 accumulators live, and each step of
 * the k loop does 24 FMAs for 4 weight loads and 6 broadcasts (against 12 FMAs for 2 and 6). That
 * needs 29 vector registers, so it is for AVX-512's 32; with 16 registers (AVX2) C2 would spill
 * and {@link VectorGemm}'s 6 x 2 tile is used instead ({@link #preferred}).
 *
 * <p>Packed B: {@code [panels][k][NR]} as {@link Panels#pack(float[], int, int, int)} with
 * {@code nr = NR}; padded bias likewise.
 */
final class WideGemm {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;
    /** Output channels per panel: four vectors. */
    static final int NR = 4 * L;
    /** Rows per full micro-kernel tile. */
    static final int MR = 6;
    /** Rows left over from which one more overlapping six-row tile beats the one-row kernel (see {@link #panel}). */
    static final int OVERLAP_FROM = 3;

    private WideGemm() {
    }

    /**
     * True when this tile suits the vector width (16 lanes or more: 512-bit vectors, 32 registers)
     * and the product has at least one whole panel of columns.
     */
    static boolean preferred(int cols) {
        return L >= 16 && cols >= NR;
    }

    /**
     * One panel for {@code rows} rows of A, as {@link VectorGemm#panel}: A rows at
     * {@code aOff + r * lda}, C rows at {@code cOff + r * ldc}, {@code cols <= NR} valid columns
     * stored; tmp at least {@code MR * NR} floats.
     */
    static void panel(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int k,
                      float[] bias, int biasOff, float lo, float hi,
                      float[] c, int cOff, int ldc, int cols, float[] tmp) {
        if (cols != NR) {
            partialPanel(a, aOff, lda, rows, b, bOff, k, bias, biasOff, lo, hi, c, cOff, ldc, cols, tmp);
            return;
        }
        int r = 0;
        for (; rows - r >= MR; r += MR) {
            kernel6(a, aOff + r * lda, lda, b, bOff, k, bias, biasOff, lo, hi, c, cOff + r * ldc, ldc);
        }
        if (rows - r >= OVERLAP_FROM && rows >= MR) {
            // The rows left over as one more whole tile that ends at the last row: it repeats rows
            // the tile before computed (the same sums in the same order, so the same values; C is
            // never A). Per step of k a row alone loads five vectors for four FMAs, the tile ten for
            // 24, and loads are what these kernels wait for: from three rows left the tile is faster.
            r = rows - MR;
            kernel6(a, aOff + r * lda, lda, b, bOff, k, bias, biasOff, lo, hi, c, cOff + r * ldc, ldc);
            return;
        }
        for (; r < rows; r++) {
            kernel1(a, aOff + r * lda, b, bOff, k, bias, biasOff, lo, hi, c, cOff + r * ldc);
        }
    }

    /** Fewer than NR valid columns: whole panels into tmp, then the valid columns copied. */
    private static void partialPanel(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int k,
                                     float[] bias, int biasOff, float lo, float hi,
                                     float[] c, int cOff, int ldc, int cols, float[] tmp) {
        for (int r = 0; r < rows; r += MR) {
            int m = Math.min(MR, rows - r);
            panel(a, aOff + r * lda, lda, m, b, bOff, k, bias, biasOff, lo, hi, tmp, 0, NR, NR, tmp);
            for (int i = 0; i < m; i++) {
                System.arraycopy(tmp, i * NR, c, cOff + (r + i) * ldc, cols);
            }
        }
    }

    private static void kernel6(float[] a, int a0, int lda, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float lo, float hi, float[] c, int c0, int ldc) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        FloatVector bias2 = FloatVector.fromArray(S, bias, biasOff + 2 * L);
        FloatVector bias3 = FloatVector.fromArray(S, bias, biasOff + 3 * L);
        FloatVector c00 = bias0, c01 = bias1, c02 = bias2, c03 = bias3;
        FloatVector c10 = bias0, c11 = bias1, c12 = bias2, c13 = bias3;
        FloatVector c20 = bias0, c21 = bias1, c22 = bias2, c23 = bias3;
        FloatVector c30 = bias0, c31 = bias1, c32 = bias2, c33 = bias3;
        FloatVector c40 = bias0, c41 = bias1, c42 = bias2, c43 = bias3;
        FloatVector c50 = bias0, c51 = bias1, c52 = bias2, c53 = bias3;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int kk = 0, bi = bOff; kk < k; kk++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        // Stored here, not through a helper: this method is near C2's inlining node budget, and a
        // helper call left out of line would box all 24 vectors (the API's own methods are
        // force-inlined, late if need be).
        // Activated on the way to the one store, written out rather than through a helper taking
        // vectors (C2 may compile such a helper on its own and then call it with boxed vectors); a
        // second pass reloading what was just stored waited on the stores (a 512-bit load right
        // after a 512-bit store to the same place does not get the value forwarded on this machine).
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        c00.max(vlo).min(vhi).intoArray(c, c0);
        c01.max(vlo).min(vhi).intoArray(c, c0 + L);
        c02.max(vlo).min(vhi).intoArray(c, c0 + 2 * L);
        c03.max(vlo).min(vhi).intoArray(c, c0 + 3 * L);
        c10.max(vlo).min(vhi).intoArray(c, c0 + ldc);
        c11.max(vlo).min(vhi).intoArray(c, c0 + ldc + L);
        c12.max(vlo).min(vhi).intoArray(c, c0 + ldc + 2 * L);
        c13.max(vlo).min(vhi).intoArray(c, c0 + ldc + 3 * L);
        c20.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc);
        c21.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc + L);
        c22.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc);
        c31.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc + L);
        c32.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc + 3 * L);
        c40.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc);
        c41.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc + L);
        c42.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc + 2 * L);
        c43.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc + 3 * L);
        c50.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc);
        c51.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc + L);
        c52.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc + 2 * L);
        c53.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc + 3 * L);
    }

    /** One row: four independent FMA chains, one per vector. */
    private static void kernel1(float[] a, int a0, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float lo, float hi, float[] c, int c0) {
        FloatVector c00 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector c01 = FloatVector.fromArray(S, bias, biasOff + L);
        FloatVector c02 = FloatVector.fromArray(S, bias, biasOff + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, bias, biasOff + 3 * L);
        for (int kk = 0, bi = bOff; kk < k; kk++, bi += NR) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(FloatVector.fromArray(S, b, bi), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, bi + L), c01);
            c02 = x.fma(FloatVector.fromArray(S, b, bi + 2 * L), c02);
            c03 = x.fma(FloatVector.fromArray(S, b, bi + 3 * L), c03);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        c00.max(vlo).min(vhi).intoArray(c, c0);
        c01.max(vlo).min(vhi).intoArray(c, c0 + L);
        c02.max(vlo).min(vhi).intoArray(c, c0 + 2 * L);
        c03.max(vlo).min(vhi).intoArray(c, c0 + 3 * L);
    }
}
