package org.mobilenet.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {

    @Test
    void foldsScaleIntoWeightsAndShiftIntoBias() {
        // scale = 3 / sqrt(3 + 1) = 1.5 for channel 0, 2 / sqrt(0 + 1) = 2 for channel 1; b' = (b - mean) * scale + beta.
        BatchNormFolding.Folded f = BatchNormFolding.fold(new float[] {2, 4, -1, 5}, new float[] {1, 0},
                new float[] {3, 2}, new float[] {0.5f, -1}, new float[] {1, 2}, new float[] {3, 0}, 1.0);
        assertArrayEquals(new float[] {3, 6, -2, 10}, f.weight());
        assertArrayEquals(new float[] {0.5f, -5f}, f.bias());
    }

    @Test
    void missingBiasCountsAsZero() {
        BatchNormFolding.Folded f = BatchNormFolding.fold(new float[] {1}, null, new float[] {2}, new float[] {1},
                new float[] {0.5f}, new float[] {1}, 0);
        assertArrayEquals(new float[] {2}, f.weight());
        assertArrayEquals(new float[] {0}, f.bias());
    }

    /** The folded layer computes what the conv followed by the BatchNorm computes, on odd sizes. */
    @Test
    void foldedDotProductMatchesConvThenBatchNorm() {
        Random r = new Random(7);
        int cout = 5;
        int per = 7;
        float[] w = new float[cout * per];
        float[] b = new float[cout];
        float[] g = new float[cout];
        float[] beta = new float[cout];
        float[] mean = new float[cout];
        float[] var = new float[cout];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int o = 0; o < cout; o++) {
            b[o] = (float) r.nextGaussian();
            g[o] = (float) r.nextGaussian();
            beta[o] = (float) r.nextGaussian();
            mean[o] = (float) r.nextGaussian();
            var[o] = r.nextFloat() * 2;
        }
        float[] x = new float[per];
        for (int i = 0; i < per; i++) {
            x[i] = (float) r.nextGaussian();
        }
        double eps = 1e-3;
        BatchNormFolding.Folded f = BatchNormFolding.fold(w, b, g, beta, mean, var, eps);
        for (int o = 0; o < cout; o++) {
            double conv = b[o];
            double folded = f.bias()[o];
            for (int i = 0; i < per; i++) {
                conv += w[o * per + i] * x[i];
                folded += f.weight()[o * per + i] * x[i];
            }
            double bn = (conv - mean[o]) / Math.sqrt(var[o] + eps) * g[o] + beta[o];
            assertEquals(bn, folded, 1e-4, "channel " + o);
        }
    }

    @Test
    void refusesArraysOfOtherLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNormFolding.fold(
                new float[] {1, 2}, null, new float[] {1, 1}, new float[] {0}, new float[] {0, 0},
                new float[] {1, 1}, 0));
        assertEquals("BatchNorm arrays must all have 2 channels, got beta 1, mean 2, var 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchNormFolding.fold(new float[] {1, 2, 3}, null,
                new float[] {1, 1}, new float[] {0, 0}, new float[] {0, 0}, new float[] {1, 1}, 0));
    }
}
