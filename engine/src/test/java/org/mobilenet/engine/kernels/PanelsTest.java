package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The packed weight layout, against its definition written out value by value. */
class PanelsTest {
    private static float[] weights(int k, int cols, SplittableRandom r) {
        float[] w = new float[k * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextDouble(-1, 1);
        }
        return w;
    }

    /** What the layout holds for row {@code kk}, column {@code col} of w: the weight, or zero past the last column. */
    private static float expected(float[] w, int cols, int kk, int col) {
        return col < cols ? w[kk * cols + col] : 0f;
    }

    @Test
    void packPutsEachPanelsRowsAfterEachOtherAndZeroPadsTheLastPanel() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + r.nextInt(40);
            int cols = 1 + r.nextInt(150);
            int nr = new int[] {8, 16, 32, 64}[r.nextInt(4)];
            float[] w = weights(k, cols, r);
            float[] p = Panels.pack(w, k, cols, nr);
            int panels = Panels.count(cols, nr);
            assertEquals(Panels.START + panels * k * nr, p.length, "length");
            for (int pa = 0; pa < panels; pa++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int j = 0; j < nr; j++) {
                        assertEquals(expected(w, cols, kk, pa * nr + j), p[Panels.START + (pa * k + kk) * nr + j],
                                "k " + k + " cols " + cols + " nr " + nr + ": panel " + pa + " row " + kk + " column " + j);
                    }
                }
            }
        }
    }

    @Test
    void packLastNarrowerPacksTheRestAtItsOwnWidthRightAfterTheWholePanels() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + r.nextInt(40);
            int nr = 64;
            int lastNr = r.nextBoolean() ? 16 : 32;
            int cols = nr * (1 + r.nextInt(4)) + 1 + r.nextInt(lastNr);
            float[] w = weights(k, cols, r);
            float[] p = Panels.packLastNarrower(w, k, cols, nr, lastNr);
            int whole = cols / nr;
            assertEquals(Panels.START + whole * k * nr + k * lastNr, p.length, "length");
            for (int pa = 0; pa < whole; pa++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int j = 0; j < nr; j++) {
                        assertEquals(w[kk * cols + pa * nr + j], p[Panels.START + (pa * k + kk) * nr + j]);
                    }
                }
            }
            int last = Panels.START + whole * k * nr;
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < lastNr; j++) {
                    assertEquals(expected(w, cols, kk, whole * nr + j), p[last + kk * lastNr + j],
                            "cols " + cols + " last panel row " + kk + " column " + j);
                }
            }
        }
    }

    @Test
    void padBiasCopiesTheBiasAndZeroFillsToWholePanels() {
        float[] b = Panels.padBias(new float[] {1, 2, 3}, 3, 8);
        assertEquals(8, b.length);
        assertEquals(3f, b[2]);
        assertEquals(0f, b[7]);
        assertEquals(16, Panels.padBias(null, 9, 8).length);
    }
}
