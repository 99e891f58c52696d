package org.mobilenet.engine.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BilinearResizeTest {

    /** A one-row image whose red channel holds the given values (green and blue 0). */
    private static RgbImage redRow(int... reds) {
        int[] p = new int[reds.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = reds[i] << 16;
        }
        return new RgbImage(reds.length, 1, p);
    }

    private static float[] reds(float[] rgb) {
        float[] r = new float[rgb.length / 3];
        for (int i = 0; i < r.length; i++) {
            r[i] = rgb[i * 3];
        }
        return r;
    }

    @Test
    void sameSizeIsTheIdentity() {
        RgbImage img = new RgbImage(2, 2, new int[] {0x102030, 0x405060, 0x708090, 0xA0B0C0});
        assertArrayEquals(new float[] {16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192},
                BilinearResize.resize(img, 2, 2));
    }

    @Test
    void halvingAveragesNeighbourPairsWithHalfPixelCenters() {
        // out x=0 samples source x = (0 + 0.5) * 2 - 0.5 = 0.5, out x=1 samples 2.5.
        assertArrayEquals(new float[] {20, 100}, reds(BilinearResize.resize(redRow(0, 40, 80, 120), 2, 1)));
    }

    @Test
    void doublingInterpolatesAndClampsAtTheEdges() {
        // source x = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped to [0, 1].
        assertArrayEquals(new float[] {0, 25, 75, 100}, reds(BilinearResize.resize(redRow(0, 100), 4, 1)));
    }

    @Test
    void interpolatesInBothDirections() {
        // 2x2 -> 1x1 samples (0.5, 0.5): the mean of the four pixels.
        RgbImage img = new RgbImage(2, 2, new int[] {0, 40 << 8, 80 << 8, 120 << 8});
        assertArrayEquals(new float[] {0, 60, 0}, BilinearResize.resize(img, 1, 1));
    }

    @Test
    void resamplesASourceRectangle() {
        // Rectangle x in [1, 3) of a 4-wide row to 2 pixels samples source x = 1 + o: exactly 10 and 20.
        assertArrayEquals(new float[] {10, 20},
                reds(BilinearResize.resize(redRow(0, 10, 20, 30), 1, 0, 2, 1, 2, 1)));
    }

    @Test
    void refusesEmptySizes() {
        assertThrows(IllegalArgumentException.class, () -> BilinearResize.resize(redRow(1), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> BilinearResize.resize(redRow(1), 0, 0, 0, 1, 1, 1));
    }
}
