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
    void halvingSamplesEveryOtherPixelFromTheCorner() {
        // out x samples source x = 2 * ox: 0 and 2 (align-corners false, no half-pixel offset).
        assertArrayEquals(new float[] {0, 80}, reds(BilinearResize.resize(redRow(0, 40, 80, 120), 2, 1)));
        // 4 -> 3 samples x = 0, 4/3, 8/3: 0, 40 + 40/3, 80 + 80/3.
        assertArrayEquals(new float[] {0, 160f / 3, 320f / 3},
                reds(BilinearResize.resize(redRow(0, 40, 80, 120), 3, 1)), 1e-4f);
    }

    @Test
    void doublingInterpolatesAndClampsAtTheEdges() {
        // source x = o / 2 = 0, 0.5, 1, 1.5 -> the last is clamped to 1.
        assertArrayEquals(new float[] {0, 50, 100, 100}, reds(BilinearResize.resize(redRow(0, 100), 4, 1)));
    }

    @Test
    void interpolatesInBothDirections() {
        // 2x2 -> 4x4: output (1, 1) samples (0.5, 0.5), the mean of the four green values.
        RgbImage img = new RgbImage(2, 2, new int[] {0, 40 << 8, 80 << 8, 120 << 8});
        float[] out = BilinearResize.resize(img, 4, 4);
        assertArrayEquals(new float[] {0, 60, 0}, java.util.Arrays.copyOfRange(out, (1 * 4 + 1) * 3, (1 * 4 + 1) * 3 + 3));
        assertArrayEquals(new float[] {0, 20, 0}, java.util.Arrays.copyOfRange(out, 1 * 3, 1 * 3 + 3));
        assertArrayEquals(new float[] {0, 120, 0}, java.util.Arrays.copyOfRange(out, 15 * 3, 15 * 3 + 3));
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

    /**
     * The class comment's formula, one channel at a time, plainly: what the resize's unrolled rows must
     * give bit for bit.
     */
    private static float[] byTheFormula(RgbImage src, double x0, double y0, double w, double h, int outW, int outH) {
        float[] out = new float[outW * outH * 3];
        for (int oy = 0; oy < outH; oy++) {
            double sy = Math.max(0, Math.min(src.height() - 1, y0 + oy * (h / outH)));
            int ya = (int) Math.floor(sy);
            int yb = Math.min(ya + 1, src.height() - 1);
            for (int ox = 0; ox < outW; ox++) {
                double sx = Math.max(0, Math.min(src.width() - 1, x0 + ox * (w / outW)));
                int xa = (int) Math.floor(sx);
                int xb = Math.min(xa + 1, src.width() - 1);
                for (int c = 0; c < 3; c++) {
                    double top = lerp(channel(src, xa, ya, c), channel(src, xb, ya, c), sx - xa);
                    double bottom = lerp(channel(src, xa, yb, c), channel(src, xb, yb, c), sx - xa);
                    out[(oy * outW + ox) * 3 + c] = (float) lerp(top, bottom, sy - ya);
                }
            }
        }
        return out;
    }

    private static int channel(RgbImage img, int x, int y, int c) {
        return img.pixels()[y * img.width() + x] >> (16 - 8 * c) & 0xFF;
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    @Test
    void givesTheFormulasValuesBitForBitOnOddSizesAndRectangles() {
        java.util.Random r = new java.util.Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int w = 1 + r.nextInt(97);
            int h = 1 + r.nextInt(97);
            int[] px = new int[w * h];
            for (int i = 0; i < px.length; i++) {
                px[i] = r.nextInt() & 0xFFFFFF;
            }
            RgbImage img = new RgbImage(w, h, px);
            double x0 = r.nextBoolean() ? 0 : r.nextDouble() * w / 2;
            double y0 = r.nextBoolean() ? 0 : r.nextDouble() * h / 2;
            double rw = Math.max(0.25, (w - x0) * (0.3 + 0.7 * r.nextDouble()));
            double rh = Math.max(0.25, (h - y0) * (0.3 + 0.7 * r.nextDouble()));
            int outW = 1 + r.nextInt(61);
            int outH = 1 + r.nextInt(61);
            float[] expected = byTheFormula(img, x0, y0, rw, rh, outW, outH);
            String what = w + "x" + h + " (" + x0 + ", " + y0 + ", " + rw + ", " + rh + ") to " + outW + "x" + outH;
            assertArrayEquals(expected, BilinearResize.resize(img, x0, y0, rw, rh, outW, outH), what);
            // The same from only the grid's pixels.
            PixelGrid g = BilinearResize.grid(w, h, x0, y0, rw, rh, outW, outH);
            int[] part = new int[g.rowCount() * g.colCount()];
            for (int i = 0; i < g.rowCount(); i++) {
                for (int j = 0; j < g.colCount(); j++) {
                    part[i * g.colCount() + j] = px[g.rows()[i] * w + g.cols()[j]];
                }
            }
            assertArrayEquals(expected, BilinearResize.resize(new RgbImage(g.colCount(), g.rowCount(), part), g,
                    x0, y0, rw, rh, outW, outH), what + " from its grid");
        }
    }
}
