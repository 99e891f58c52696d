package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightLayoutTest {

    @Test
    void ohwiWeightsAreTransposedToOihw() {
        // O=2, K=1, I=3: OHWI [o][0][0][i] = 10*o + i; OIHW with K=1 keeps the same order.
        float[] w = {0, 1, 2, 10, 11, 12};
        assertArrayEquals(w, WeightLayout.OHWI.toTorch(w, 2, 3, 1));
        // O=1, K=2, I=2: OHWI [0][y][x][i] = 100*y + 10*x + i; OIHW [0][i][y][x].
        float[] k2 = {0, 1, 10, 11, 100, 101, 110, 111};
        assertArrayEquals(new float[] {0, 10, 100, 110, 1, 11, 101, 111}, WeightLayout.OHWI.toTorch(k2, 1, 2, 2));
    }

    @Test
    void hwioWeightsAreTransposedToOihw() {
        // K=1, I=2, O=3 (a Keras Dense kernel (I, O)): [i][o] = 10*i + o -> [o][i].
        float[] dense = {0, 1, 2, 10, 11, 12};
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12}, WeightLayout.HWIO.toTorch(dense, 3, 2, 1));
        // K=2, I=1, O=2: [y][x][0][o] = 100*y + 10*x + o -> [o][0][y][x].
        float[] k2 = {0, 1, 10, 11, 100, 101, 110, 111};
        assertArrayEquals(new float[] {0, 10, 100, 110, 1, 11, 101, 111}, WeightLayout.HWIO.toTorch(k2, 2, 1, 2));
    }

    @Test
    void depthwiseWeightsAreTransposedToChannelFirst() {
        // [1, 2, 2, C=2] (TFLite) or (2, 2, 2, 1) (Keras): value = 10*(2y+x) + c  ->  [C, 1, 2, 2].
        float[] w = {0, 1, 10, 11, 20, 21, 30, 31};
        assertArrayEquals(new float[] {0, 10, 20, 30, 1, 11, 21, 31}, WeightLayout.DEPTHWISE.toTorch(w, 2, 1, 2));
        assertArrayEquals(new int[] {0, 10, 20, 30, 1, 11, 21, 31},
                WeightLayout.DEPTHWISE.toTorch(new int[] {0, 1, 10, 11, 20, 21, 30, 31}, 2, 1, 2));
    }

    @Test
    void writingUndoesReadingOnOddSizes() {
        Random r = new Random(3);
        for (WeightLayout layout : WeightLayout.values()) {
            for (int k : new int[] {1, 3, 5}) {
                int o = 7;
                int in = layout == WeightLayout.DEPTHWISE ? 1 : 5;
                float[] f = new float[o * in * k * k];
                int[] q = new int[f.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = r.nextFloat();
                    q[i] = r.nextInt(256) - 128;
                }
                assertArrayEquals(f, layout.toTorch(layout.fromTorch(f, o, in, k), o, in, k), layout + " k " + k);
                assertArrayEquals(q, layout.fromTorch(layout.toTorch(q, o, in, k), o, in, k), layout + " k " + k);
            }
        }
    }

    @Test
    void aWrongValueCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> WeightLayout.HWIO.toTorch(new float[5], 2, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> WeightLayout.OHWI.toTorch(new float[5], 2, 3, 1));
    }
}
