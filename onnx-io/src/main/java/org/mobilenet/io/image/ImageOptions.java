package org.mobilenet.io.image;

/**
 * How {@link ImageLoader} reads images.
 *
 * @param maxPixels      images declaring more pixels (width × height) than this are refused from their
 *                       header, before any pixel is decoded
 * @param applyExif      turn the image as its EXIF (or TIFF) orientation tag says, as a viewer shows it
 * @param allowTruncated keep what a truncated or corrupt file decoded to (with a warning) instead of
 *                       refusing the file
 */
public record ImageOptions(long maxPixels, boolean applyExif, boolean allowTruncated) {
    /** The default pixel limit: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    public ImageOptions {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("pixel limit must be >= 1, got " + maxPixels);
        }
    }

    /** 100 megapixels, EXIF orientation applied, damaged files refused. */
    public static ImageOptions defaults() {
        return new ImageOptions(DEFAULT_MAX_PIXELS, true, false);
    }

    public ImageOptions withMaxPixels(long n) {
        return new ImageOptions(n, applyExif, allowTruncated);
    }

    public ImageOptions withApplyExif(boolean on) {
        return new ImageOptions(maxPixels, on, allowTruncated);
    }

    public ImageOptions withAllowTruncated(boolean on) {
        return new ImageOptions(maxPixels, applyExif, on);
    }
}
