package org.mobilenet.io.image;

import java.util.List;
import org.mobilenet.engine.preprocess.PixelGrid;
import org.mobilenet.engine.preprocess.RgbImage;

/**
 * The eight values of the EXIF/TIFF Orientation tag (1 to 8, in this order), each saying how the
 * stored pixels are turned to show the image upright, as viewers do.
 *
 * <p>The TwelveMonkeys JPEG and TIFF readers report the tag in ImageIO's standard metadata ({@code
 * Dimension/ImageOrientation}) by name. Their JPEG reader (and their own {@code contrib} module) name
 * the values 1..8 Normal, FlipH, Rotate180, FlipV, FlipVRotate90, Rotate270, FlipHRotate90, Rotate90;
 * their TIFF reader swaps the names of the two mirrored quarter turns, 5 and 7. The tests write the
 * tag values into JPEG and TIFF files themselves and check the pixels.
 */
enum Orientation {
    /** 1: stored upright. */
    NORMAL,
    /** 2: mirrored left to right. */
    MIRROR,
    /** 3: upside down. */
    ROTATE_180,
    /** 4: mirrored top to bottom. */
    FLIP,
    /** 5: mirrored along the main diagonal (transposed). */
    TRANSPOSE,
    /** 6: shown after a quarter turn clockwise (a phone photo taken holding the phone upright). */
    ROTATE_CW,
    /** 7: mirrored along the anti-diagonal (transversed). */
    TRANSVERSE,
    /** 8: shown after a quarter turn counter-clockwise. */
    ROTATE_CCW;

    private static final List<String> JPEG_NAMES = List.of("Normal", "FlipH", "Rotate180", "FlipV",
            "FlipVRotate90", "Rotate270", "FlipHRotate90", "Rotate90");
    private static final List<String> TIFF_NAMES = List.of("Normal", "FlipH", "Rotate180", "FlipV",
            "FlipHRotate90", "Rotate270", "FlipVRotate90", "Rotate90");

    /** The EXIF tag value, 1..8. */
    int exifValue() {
        return ordinal() + 1;
    }

    /** The orientation of an EXIF tag value; {@link #NORMAL} for a value outside 1..8 (as viewers do). */
    static Orientation ofExif(int value) {
        return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
    }

    /**
     * The orientation a reader of {@code format} ("jpeg" or "tiff", lower case) reports in the standard
     * metadata; {@link #NORMAL} for null or an unknown name.
     */
    static Orientation ofMetadataName(String name, String format) {
        List<String> names = "tiff".equals(format) ? TIFF_NAMES : JPEG_NAMES;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values()[i];
            }
        }
        return NORMAL;
    }

    /** Whether the upright image has width and height swapped relative to the stored one. */
    boolean swapsAxes() {
        return ordinal() >= TRANSPOSE.ordinal();
    }

    /**
     * The image turned upright: each upright pixel (x, y) is read from the stored pixel the tag maps
     * it to (for the last four values a stored row is an upright column).
     */
    RgbImage apply(RgbImage stored) {
        if (this == NORMAL) {
            return stored;
        }
        int sw = stored.width();
        int sh = stored.height();
        int w = swapsAxes() ? sh : sw;
        int h = swapsAxes() ? sw : sh;
        int[] src = stored.pixels();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = src[sourceIndex(x, y, sw, sh)];
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * The stored image's rows and columns that hold the upright image's {@code upright} grid, in an
     * {@code sw x sh} stored image. The stored pixels at this grid, turned upright by {@link #apply} as
     * an image of their own, are the upright image's pixels at {@code upright} (a mirrored axis reverses
     * the order of its positions, and the ascending list of the mirrored positions is that reversal).
     */
    PixelGrid stored(PixelGrid upright, int sw, int sh) {
        int[] x = upright.cols();
        int[] y = upright.rows();
        return switch (this) {
            case NORMAL -> upright;
            case MIRROR -> new PixelGrid(sw, sh, y, mirror(x, sw));
            case ROTATE_180 -> new PixelGrid(sw, sh, mirror(y, sh), mirror(x, sw));
            case FLIP -> new PixelGrid(sw, sh, mirror(y, sh), x);
            case TRANSPOSE -> new PixelGrid(sw, sh, x, y);
            case ROTATE_CW -> new PixelGrid(sw, sh, mirror(x, sh), y);
            case TRANSVERSE -> new PixelGrid(sw, sh, mirror(x, sh), mirror(y, sw));
            case ROTATE_CCW -> new PixelGrid(sw, sh, x, mirror(y, sw));
        };
    }

    /** {@code size - 1 - p} of each position, ascending. */
    private static int[] mirror(int[] ascending, int size) {
        int[] out = new int[ascending.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = size - 1 - ascending[ascending.length - 1 - i];
        }
        return out;
    }

    /** Where upright pixel (x, y) is stored, in an {@code sw × sh} stored image. */
    private int sourceIndex(int x, int y, int sw, int sh) {
        return switch (this) {
            case NORMAL -> y * sw + x;
            case MIRROR -> y * sw + (sw - 1 - x);
            case ROTATE_180 -> (sh - 1 - y) * sw + (sw - 1 - x);
            case FLIP -> (sh - 1 - y) * sw + x;
            case TRANSPOSE -> x * sw + y;
            case ROTATE_CW -> (sh - 1 - x) * sw + y;
            case TRANSVERSE -> (sh - 1 - x) * sw + (sw - 1 - y);
            case ROTATE_CCW -> x * sw + (sw - 1 - y);
        };
    }
}
