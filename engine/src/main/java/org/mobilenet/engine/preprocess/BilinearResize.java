package org.mobilenet.engine.preprocess;

/**
 * Bilinear resampling of a rectangle of an {@link RgbImage} to {@code outW x outH}, without
 * antialiasing, with <b>align-corners false and no half-pixel centers</b>: the sampling of TFLite's
 * RESIZE_BILINEAR and TF1's {@code tf.image.resize_bilinear(align_corners=False,
 * half_pixel_centers=False)}, the resize the Coral test suite fed these MobileNet models with (it
 * reproduces their published top-1 results; half-pixel centers do not for the 0.75 model):
 *
 * <pre>
 *   sx = x0 + ox * (w / outW)                      (likewise sy; ox, oy count from 0)
 *   sx clamped to [0, width - 1]
 *   xa = floor(sx), xb = min(xa + 1, width - 1), t = sx - xa
 *   value = lerp(lerp(p[ya][xa], p[ya][xb], tx), lerp(p[yb][xa], p[yb][xb], tx), ty)
 * </pre>
 *
 * where {@code (x0, y0, w, h)} is the source rectangle in pixel coordinates (the whole image is
 * {@code (0, 0, width, height)}). Output pixel 0 samples the source pixel at the rectangle's corner
 * exactly. Results are floats in 0..255, not rounded. Computed in double.
 *
 * <p>Only the pixels at rows {@code ya, yb} and columns {@code xa, xb} are read: {@link #grid} names
 * them, and an image known at those pixels only resamples to the same values as the whole image.
 */
public final class BilinearResize {
    private BilinearResize() {
    }

    /**
     * Resamples the rectangle {@code (x0, y0, w, h)} of {@code src}. Returns {@code [outH, outW, 3]}
     * RGB floats in 0..255.
     */
    public static float[] resize(RgbImage src, double x0, double y0, double w, double h, int outW, int outH) {
        return resize(src, null, x0, y0, w, h, outW, outH);
    }

    /**
     * Resamples the rectangle {@code (x0, y0, w, h)} (in the full image's coordinates) of an image known at
     * the pixels of {@code grid} ({@code src} holds them, {@code cols.length x rows.length}; a null grid:
     * {@code src} is the whole image). The grid must hold what {@link #grid} names for the same
     * arguments. Returns {@code [outH, outW, 3]} RGB floats in 0..255.
     */
    public static float[] resize(RgbImage src, PixelGrid grid, double x0, double y0, double w, double h, int outW,
            int outH) {
        check(w, h, outW, outH);
        int fullW = grid == null ? src.width() : grid.width();
        int fullH = grid == null ? src.height() : grid.height();
        if (grid != null && (src.width() != grid.colCount() || src.height() != grid.rowCount())) {
            throw new IllegalArgumentException("an image of " + grid + " holds " + grid.colCount() + "x"
                    + grid.rowCount() + " pixels, got " + src);
        }
        int[] xLo = new int[outW];
        int[] xHi = new int[outW];
        double[] xT = new double[outW];
        axis(x0, w, outW, fullW, xLo, xHi, xT);
        int[] yLo = new int[outH];
        int[] yHi = new int[outH];
        double[] yT = new double[outH];
        axis(y0, h, outH, fullH, yLo, yHi, yT);
        if (grid != null) {
            for (int o = 0; o < outW; o++) {
                xLo[o] = grid.colIndex(xLo[o]);
                xHi[o] = grid.colIndex(xHi[o]);
            }
            for (int o = 0; o < outH; o++) {
                yLo[o] = grid.rowIndex(yLo[o]);
                yHi[o] = grid.rowIndex(yHi[o]);
            }
        }
        float[] out = new float[outW * outH * 3];
        int[] p = src.pixels();
        int sw = src.width();
        for (int oy = 0; oy < outH; oy++) {
            row(p, yLo[oy] * sw, yHi[oy] * sw, yT[oy], xLo, xHi, xT, out, oy * outW * 3);
        }
        return out;
    }

    /**
     * The rows and columns of a {@code width x height} image that resampling its rectangle {@code (x0, y0,
     * w, h)} to {@code outW x outH} reads.
     */
    public static PixelGrid grid(int width, int height, double x0, double y0, double w, double h, int outW, int outH) {
        check(w, h, outW, outH);
        return new PixelGrid(width, height, read(y0, h, outH, height), read(x0, w, outW, width));
    }

    /** The source positions one axis reads, ascending, each once. */
    private static int[] read(double start, double len, int out, int size) {
        int[] lo = new int[out];
        int[] hi = new int[out];
        axis(start, len, out, size, lo, hi, new double[out]);
        // Both ascend with o (the position grows with o and is clamped, floor and +1 keep the order);
        // the union drops their repeats.
        return PixelGrid.union(lo, hi);
    }

    private static void check(double w, double h, int outW, int outH) {
        if (outW < 1 || outH < 1) {
            throw new IllegalArgumentException("output size must be >= 1, got " + outW + "x" + outH);
        }
        if (!(w > 0) || !(h > 0)) {
            throw new IllegalArgumentException("source rectangle must have a positive size, got " + w + "x" + h);
        }
    }

    /**
     * The value of each byte as a double: a table lookup, where converting the int takes two of the
     * CPU's micro-operations and, twelve times a pixel, made the conversions most of a row's time.
     */
    private static final double[] BYTE = new double[256];

    static {
        for (int v = 0; v < 256; v++) {
            BYTE[v] = v;
        }
    }

    /**
     * One output row {@code [outW, 3]} at {@code out[base ..]}: the formula of the class comment with the
     * three channels written out (the same operations in the same order, so the same values), about twice
     * as fast as a loop over the channels. A small method of its own: compiled early, where a command
     * runs it only a few thousand times.
     */
    private static void row(int[] p, int rowLo, int rowHi, double ty, int[] xLo, int[] xHi, double[] xT, float[] out,
            int base) {
        double[] v = BYTE;
        for (int ox = 0; ox < xLo.length; ox++, base += 3) {
            int a = p[rowLo + xLo[ox]];
            int b = p[rowLo + xHi[ox]];
            int c = p[rowHi + xLo[ox]];
            int d = p[rowHi + xHi[ox]];
            double tx = xT[ox];
            double top = lerp(v[a >> 16 & 0xFF], v[b >> 16 & 0xFF], tx);
            double bottom = lerp(v[c >> 16 & 0xFF], v[d >> 16 & 0xFF], tx);
            out[base] = (float) lerp(top, bottom, ty);
            top = lerp(v[a >> 8 & 0xFF], v[b >> 8 & 0xFF], tx);
            bottom = lerp(v[c >> 8 & 0xFF], v[d >> 8 & 0xFF], tx);
            out[base + 1] = (float) lerp(top, bottom, ty);
            top = lerp(v[a & 0xFF], v[b & 0xFF], tx);
            bottom = lerp(v[c & 0xFF], v[d & 0xFF], tx);
            out[base + 2] = (float) lerp(top, bottom, ty);
        }
    }

    /** The whole image to {@code outW x outH}. */
    public static float[] resize(RgbImage src, int outW, int outH) {
        return resize(src, 0, 0, src.width(), src.height(), outW, outH);
    }

    private static void axis(double start, double len, int out, int size, int[] lo, int[] hi, double[] t) {
        double scale = len / out;
        for (int o = 0; o < out; o++) {
            double s = start + o * scale;
            s = Math.max(0, Math.min(size - 1, s));
            int l = (int) Math.floor(s);
            lo[o] = l;
            hi[o] = Math.min(l + 1, size - 1);
            t[o] = s - l;
        }
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
