package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.mobilenet.engine.arch.Activation;

/**
 * The register-blocked matrix product behind the pointwise, standard conv and FC kernels:
 * {@code C[rows, cols] = act(A[rows, k] * B[k, cols] + bias)} with B prepacked into panels of
 * {@link #NR} columns. A micro-kernel keeps a tile of up to {@link #MR} rows by two vectors of
 * output channels in registers for the whole k loop; bias and the activation clamp are applied
 * in its epilogue before the single store.
 *
 * <p>Packed B: {@link Panels}' layout with {@code nr = NR}; padded bias likewise.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    static final int L = S.length();
    /** Output channels per panel: two vectors. */
    static final int NR = 2 * L;
    /** Rows per full micro-kernel tile. */
    static final int MR = 6;

    private VectorGemm() {
    }

    static float low(Activation act) {
        return act == Activation.NONE ? Float.NEGATIVE_INFINITY : 0f;
    }

    static float high(Activation act) {
        return act == Activation.RELU6 ? 6f : Float.POSITIVE_INFINITY;
    }

    /**
     * One panel for {@code rows} rows of A. A rows start at {@code aOff + r * lda}; C rows at
     * {@code cOff + r * ldc}; {@code cols <= NR} valid columns are stored. tmp: at least
     * {@code MR * NR} floats (a partial panel is computed there, then its valid columns copied).
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
        if (rows - r >= 4) {
            kernel4(a, aOff + r * lda, lda, b, bOff, k, bias, biasOff, lo, hi, c, cOff + r * ldc, ldc);
            r += 4;
        }
        for (; r < rows; r++) {
            kernel1(a, aOff + r * lda, b, bOff, k, bias, biasOff, lo, hi, c, cOff + r * ldc);
        }
    }

    /**
     * A panel with fewer than NR valid columns: whole panels are computed into tmp and the valid
     * columns copied. Kept out of {@link #panel} so that method stays small enough for C2 to
     * inline its micro-kernels completely (a cut-off inlining would box the vectors).
     */
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
     * Six rows by two vectors, activated on the way to the one store (see {@code WideGemm.kernel6}
     * for why not in a second pass, and not through a helper taking vectors).
     */
    private static void kernel6(float[] a, int a0, int lda, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float lo, float hi,
                                float[] c, int c0, int ldc) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        FloatVector c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        FloatVector c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int kk = 0, bi = bOff; kk < k; kk++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        c00.max(vlo).min(vhi).intoArray(c, c0);
        c01.max(vlo).min(vhi).intoArray(c, c0 + L);
        c10.max(vlo).min(vhi).intoArray(c, c0 + ldc);
        c11.max(vlo).min(vhi).intoArray(c, c0 + ldc + L);
        c20.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc);
        c21.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc + L);
        c30.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc);
        c31.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc + L);
        c40.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc);
        c41.max(vlo).min(vhi).intoArray(c, c0 + 4 * ldc + L);
        c50.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc);
        c51.max(vlo).min(vhi).intoArray(c, c0 + 5 * ldc + L);
    }

    private static void kernel4(float[] a, int a0, int lda, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float lo, float hi,
                                float[] c, int c0, int ldc) {
        FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + L);
        FloatVector c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        FloatVector c30 = bias0, c31 = bias1;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int kk = 0, bi = bOff; kk < k; kk++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        c00.max(vlo).min(vhi).intoArray(c, c0);
        c01.max(vlo).min(vhi).intoArray(c, c0 + L);
        c10.max(vlo).min(vhi).intoArray(c, c0 + ldc);
        c11.max(vlo).min(vhi).intoArray(c, c0 + ldc + L);
        c20.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc);
        c21.max(vlo).min(vhi).intoArray(c, c0 + 2 * ldc + L);
        c30.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc);
        c31.max(vlo).min(vhi).intoArray(c, c0 + 3 * ldc + L);
    }

    /** One row; k split into even and odd halves so the two FMA chains per vector overlap. */
    private static void kernel1(float[] a, int a0, float[] b, int bOff, int k,
                                float[] bias, int biasOff, float lo, float hi,
                                float[] c, int c0) {
        FloatVector c00 = FloatVector.fromArray(S, bias, biasOff);
        FloatVector c01 = FloatVector.fromArray(S, bias, biasOff + L);
        FloatVector e00 = FloatVector.zero(S);
        FloatVector e01 = FloatVector.zero(S);
        int kk = 0;
        int bi = bOff;
        for (; kk + 1 < k; kk += 2, bi += 2 * NR) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(FloatVector.fromArray(S, b, bi), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, bi + L), c01);
            FloatVector y = FloatVector.broadcast(S, a[a0 + kk + 1]);
            e00 = y.fma(FloatVector.fromArray(S, b, bi + NR), e00);
            e01 = y.fma(FloatVector.fromArray(S, b, bi + NR + L), e01);
        }
        // The odd last step as a loop, not an if: C2 keeps vectors unboxed through loop phis.
        for (; kk < k; kk++, bi += NR) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(FloatVector.fromArray(S, b, bi), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, bi + L), c01);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        c00.add(e00).max(vlo).min(vhi).intoArray(c, c0);
        c01.add(e01).max(vlo).min(vhi).intoArray(c, c0 + L);
    }


    /** Applies the activation clamp to {@code rows} rows of {@code vectors} vectors of C. */
    static void clamp(float[] c, int off, int ldc, int rows, int vectors, float lo, float hi) {
        if (lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) {
            return;
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        for (int r = 0; r < rows; r++) {
            int o = off + r * ldc;
            for (int v = 0; v < vectors; v++) {
                FloatVector.fromArray(S, c, o + v * L).max(vlo).min(vhi).intoArray(c, o + v * L);
            }
        }
    }
}
