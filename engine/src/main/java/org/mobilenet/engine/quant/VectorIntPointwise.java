package org.mobilenet.engine.quant;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The int32 matrix product of a pointwise convolution or fully connected layer with the Vector API:
 * {@code acc[p][co] = bias[co] + sum_ci x[p][ci] * w[ci][co]}, where {@code x} already has the
 * input zero point subtracted and {@code w} the weight zero points. The weights are packed into
 * panels of one vector of output channels ({@code [panel][ci][lane]}, zero-padded); four pixels run
 * per pass over a panel with their accumulators in registers: one vector load and four
 * multiply-adds per input channel. Exact: int32 arithmetic in any order gives the same sums.
 *
 * <p>The accumulators are requantized by {@link Requantizer#applyRow} in scalar code: the Vector
 * API's int/float conversions were measured slower here (JDK 17 runs them through a fallback).
 */
final class VectorIntPointwise {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static {
        // The float kernels' species class makes the Vector API's operator-class check polymorphic
        // before C2 compiles any kernel (its OperatorProfile); the integer operators share that check.
        org.mobilenet.engine.kernels.VectorWidth.bits();
    }

    private final int cin;
    private final int cout;
    private final int panels;
    private final int[] packed;
    private final int[] bias;

    /** @param rows per input channel, the {@code w - weightZero} row over the output channels */
    VectorIntPointwise(int[][] rows, int[] bias, int cin, int cout) {
        this.cin = cin;
        this.cout = cout;
        this.panels = (cout + L - 1) / L;
        this.packed = new int[panels * cin * L];
        this.bias = new int[panels * L];
        System.arraycopy(bias, 0, this.bias, 0, cout);
        for (int p = 0; p < panels; p++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int l = 0; l < L && p * L + l < cout; l++) {
                    packed[(p * cin + ci) * L + l] = rows[ci][p * L + l];
                }
            }
        }
    }

    /** x {@code [pixels, cin]} (zero point subtracted) to requantized out {@code [pixels, cout]}. */
    void run(int[] x, int pixels, Requantizer rq, int[] out) {
        int[] acc = new int[4 * panels * L];
        for (int p0 = 0; p0 < pixels; p0 += 4) {
            int rows = Math.min(4, pixels - p0);
            int b0 = p0 * cin;
            int b1 = rows > 1 ? b0 + cin : b0;
            int b2 = rows > 2 ? b0 + 2 * cin : b0;
            int b3 = rows > 3 ? b0 + 3 * cin : b0;
            for (int panel = 0; panel < panels; panel++) {
                IntVector a0 = IntVector.fromArray(S, bias, panel * L);
                IntVector a1 = a0;
                IntVector a2 = a0;
                IntVector a3 = a0;
                int w = panel * cin * L;
                for (int ci = 0; ci < cin; ci++, w += L) {
                    IntVector wv = IntVector.fromArray(S, packed, w);
                    a0 = a0.add(wv.mul(x[b0 + ci]));
                    a1 = a1.add(wv.mul(x[b1 + ci]));
                    a2 = a2.add(wv.mul(x[b2 + ci]));
                    a3 = a3.add(wv.mul(x[b3 + ci]));
                }
                int o = panel * L;
                a0.intoArray(acc, o);
                a1.intoArray(acc, panels * L + o);
                a2.intoArray(acc, 2 * panels * L + o);
                a3.intoArray(acc, 3 * panels * L + o);
            }
            for (int r = 0; r < rows; r++) {
                requantize(acc, r * panels * L, rq, out, (p0 + r) * cout);
            }
        }
    }

    private void requantize(int[] acc, int from, Requantizer rq, int[] out, int to) {
        if (from == 0) {
            rq.applyRow(acc, cout, out, to);
            return;
        }
        int[] row = new int[cout];
        System.arraycopy(acc, from, row, 0, cout);
        rq.applyRow(row, cout, out, to);
    }
}
