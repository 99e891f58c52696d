package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix product of {@link VectorGemm} with panels of one vector of output channels
 * ({@link #NR} = L columns), for products with at most that many columns: 0.25/128's 16-channel
 * pointwise layer with 512-bit vectors, where {@link VectorGemm}'s two-vector panels would be half
 * zero padding and every row would go through its scratch copy. Six rows by one vector keep six
 * FMA chains in flight, enough to hide the FMA latency.
 *
 * <p>Packed B: {@code [panels][k][NR]} as {@link Panels#pack(float[], int, int, int)} with
 * {@code nr = NR}; padded bias likewise.
 */
final class NarrowGemm {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;
    /** Output channels per panel: one vector. */
    static final int NR = L;
    /** Rows per full micro-kernel tile. */
    static final int MR = 6;
    /** Rows left over from which one more overlapping six-row tile beats the one-row kernel (see {@link #panel}). */
    static final int OVERLAP_FROM = 4;

    private NarrowGemm() {
    }

    /** True when the product's columns fit one panel. */
    static boolean preferred(int cols) {
        return cols <= NR;
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
            // The rows left over as one more whole tile ending at the last row, as in WideGemm.panel:
            // a row alone loads two vectors per FMA, the tile seven for six.
            r = rows - MR;
            kernel6(a, aOff + r * lda, lda, b, bOff, k, bias, biasOff, lo, hi, c, cOff + r * ldc, ldc);
            return;
        }
        for (; r < rows; r++) {
            kernel1(a, aOff + r * lda, b, bOff, k, bias, biasOff, c, cOff + r * ldc);
            VectorGemm.clamp(c, cOff + r * ldc, ldc, 1, 1, lo, hi);
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

    /**
     * Six rows, activated in registers before the one store: a second pass reloading the six
     * vectors just stored waited on them (a 512-bit load right after a 512-bit store to the same
     * place does not get the stored value forwarded on this machine), as long as the kernel itself
     * for 0.25/128's 8 -> 16 pointwise layer (28 us, half of it that reload).
     */
    private static void kernel6(float[] a, int a0, int lda, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float lo, float hi, float[] c, int c0, int ldc) {
        FloatVector bv = FloatVector.fromArray(S, bias, biasOff);
        FloatVector c0v = bv, c1v = bv, c2v = bv, c3v = bv, c4v = bv, c5v = bv;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int kk = 0, bi = bOff; kk < k; kk++, bi += NR) {
            FloatVector w = FloatVector.fromArray(S, b, bi);
            c0v = FloatVector.broadcast(S, a[a0 + kk]).fma(w, c0v);
            c1v = FloatVector.broadcast(S, a[a1 + kk]).fma(w, c1v);
            c2v = FloatVector.broadcast(S, a[a2 + kk]).fma(w, c2v);
            c3v = FloatVector.broadcast(S, a[a3 + kk]).fma(w, c3v);
            c4v = FloatVector.broadcast(S, a[a4 + kk]).fma(w, c4v);
            c5v = FloatVector.broadcast(S, a[a5 + kk]).fma(w, c5v);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        c0v.max(vlo).min(vhi).intoArray(c, c0);
        c1v.max(vlo).min(vhi).intoArray(c, c0 + ldc);
        c2v.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc);
        c3v.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc);
        c4v.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc);
        c5v.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc);
    }

    /** One row; k split into even and odd halves so two FMA chains overlap. */
    private static void kernel1(float[] a, int a0, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float[] c, int c0) {
        FloatVector acc = FloatVector.fromArray(S, bias, biasOff);
        FloatVector odd = FloatVector.zero(S);
        int kk = 0;
        int bi = bOff;
        for (; kk + 1 < k; kk += 2, bi += 2 * NR) {
            acc = FloatVector.broadcast(S, a[a0 + kk]).fma(FloatVector.fromArray(S, b, bi), acc);
            odd = FloatVector.broadcast(S, a[a0 + kk + 1]).fma(FloatVector.fromArray(S, b, bi + NR), odd);
        }
        // The odd last step as a loop, not an if: C2 keeps vectors unboxed through loop phis.
        for (; kk < k; kk++, bi += NR) {
            acc = FloatVector.broadcast(S, a[a0 + kk]).fma(FloatVector.fromArray(S, b, bi), acc);
        }
        acc.add(odd).intoArray(c, c0);
    }
}
