package org.mobilenet.engine.preprocess;

import java.util.Arrays;

/**
 * The rows and columns of a {@code width x height} image that a resampling reads: a resize without
 * antialiasing reads two rows and two columns per output row and column, so of a phone photo resized to
 * a network's input it reads a few hundred rows and columns, not the millions of pixels a decoder makes.
 * An image known at a grid's pixels only (an {@link RgbImage} of {@code cols.length x rows.length},
 * its pixel (j, i) the full image's pixel (cols[j], rows[i])) resamples to exactly what the whole image
 * does ({@link BilinearResize#resize(RgbImage, PixelGrid, double, double, double, double, int, int)}).
 *
 * @param width  the full image's width
 * @param height the full image's height
 * @param rows   the rows read, ascending, each once, within {@code [0, height)}
 * @param cols   the columns read, ascending, each once, within {@code [0, width)}
 */
public record PixelGrid(int width, int height, int[] rows, int[] cols) {
    public PixelGrid {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image dimensions must be >= 1, got " + width + "x" + height);
        }
        rows = rows.clone(); // held, checked and searched: nobody else may change them
        cols = cols.clone();
        check("rows", rows, height);
        check("cols", cols, width);
    }

    /** The rows read, ascending (a copy). */
    @Override
    public int[] rows() {
        return rows.clone();
    }

    /** The columns read, ascending (a copy). */
    @Override
    public int[] cols() {
        return cols.clone();
    }

    /** Rows read: {@code rows().length} without the copy. */
    public int rowCount() {
        return rows.length;
    }

    /** Columns read: {@code cols().length} without the copy. */
    public int colCount() {
        return cols.length;
    }

    private static void check(String what, int[] at, int size) {
        if (at.length == 0) {
            throw new IllegalArgumentException("a grid needs at least one of its " + what);
        }
        for (int i = 0; i < at.length; i++) {
            if (at[i] < 0 || at[i] >= size || i > 0 && at[i] <= at[i - 1]) {
                throw new IllegalArgumentException("grid " + what + " must ascend within [0, " + size + "), found "
                        + Arrays.toString(at));
            }
        }
    }

    /** What a grid is asked for: the grid a consumer reads of an image of the given (upright) size. */
    @FunctionalInterface
    public interface Selector {
        /** The grid read of a {@code width x height} image; null for the whole image. */
        PixelGrid grid(int width, int height);
    }

    /**
     * A grid holding the pixels of both grids of one image (what two preprocessings of it read); null,
     * the whole image, when either is null.
     */
    public static PixelGrid both(PixelGrid a, PixelGrid b) {
        if (a == null || b == null) {
            return null;
        }
        if (a.width != b.width || a.height != b.height) {
            throw new IllegalArgumentException("grids of one image: " + a + " and " + b);
        }
        return new PixelGrid(a.width, a.height, union(a.rows, b.rows), union(a.cols, b.cols));
    }

    /** Pixels held: {@code rows.length * cols.length}. */
    public long size() {
        return (long) rows.length * cols.length;
    }

    /** Whether it holds every pixel of the image. */
    public boolean isWhole() {
        return rows.length == height && cols.length == width;
    }

    /** The position of full-image row {@code y} among {@link #rows}; an exception when it is not one of them. */
    int rowIndex(int y) {
        return indexOf(rows, y, "row");
    }

    /** The position of full-image column {@code x} among {@link #cols}; an exception when it is not one of them. */
    int colIndex(int x) {
        return indexOf(cols, x, "column");
    }

    private static int indexOf(int[] at, int v, String what) {
        int i = Arrays.binarySearch(at, v);
        if (i < 0) {
            throw new IllegalArgumentException("the grid does not hold " + what + " " + v);
        }
        return i;
    }

    /**
     * The ascending distinct values of {@code a} and {@code b} together (each ascending already, repeats
     * allowed).
     */
    static int[] union(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int v = j >= b.length || i < a.length && a[i] <= b[j] ? a[i++] : b[j++];
            if (n == 0 || out[n - 1] != v) {
                out[n++] = v;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelGrid g && g.width == width && g.height == height && Arrays.equals(g.rows, rows)
                && Arrays.equals(g.cols, cols);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + Arrays.hashCode(rows)) + Arrays.hashCode(cols);
    }

    @Override
    public String toString() {
        return "PixelGrid " + cols.length + "x" + rows.length + " of " + width + "x" + height;
    }
}
