package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    /** Distance in ulps between two positive floats. */
    private static long ulps(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void expIsWithinTwoUlpsOfTheCorrectlyRoundedValueOverItsWholeRange() {
        SplittableRandom r = new SplittableRandom(1);
        long worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            // Uniform over [-87.33, 0], and densely near 0 where softmax terms matter most.
            float x = i % 2 == 0 ? (float) (-87.33 * r.nextDouble()) : (float) (-r.nextDouble() * 0.01);
            float want = (float) StrictMath.exp(x);
            long d = ulps(Softmax.exp(x), want);
            worst = Math.max(worst, d);
            assertTrue(d <= 2, "exp(" + x + ") = " + Softmax.exp(x) + ", want " + want);
        }
        assertTrue(worst >= 1, "the check can see an error of one ulp");
        assertEquals(1f, Softmax.exp(0f));
        assertEquals(1f, Softmax.exp(-0f));
        assertEquals(0f, Softmax.exp(-88f));
        assertEquals(0f, Softmax.exp(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Softmax.exp(Float.NaN)));
    }

    @Test
    void rowsMatchTheScalarReferenceAndSumToOne() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 3;
        int c = 1001;
        float[] in = new float[n * c];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() * 40 - 20);
        }
        in[5] = 300f; // one dominant class: the others underflow towards 0
        float[] want = new float[in.length];
        new ScalarKernels().softmax(in, n, c, want);
        float[] got = new float[in.length];
        Softmax.rows(in, n, c, got);
        for (int b = 0; b < n; b++) {
            double sum = 0;
            for (int i = 0; i < c; i++) {
                int k = b * c + i;
                // Relative 1e-5: x - max is taken in float (as every float runtime does), which for
                // inputs 40 apart rounds x by up to 2e-6, and e^x by as much relatively.
                assertEquals(want[k], got[k], 1e-5f * want[k] + 1e-37f, "row " + b + " class " + i);
                sum += got[k];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void worksInPlace() {
        float[] v = {1f, 2f, 3f, -1f};
        float[] want = new float[v.length];
        Softmax.rows(v, 1, 4, want);
        Softmax.rows(v, 1, 4, v);
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, v, 0f);
    }
}
