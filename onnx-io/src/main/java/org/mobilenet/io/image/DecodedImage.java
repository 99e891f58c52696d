package org.mobilenet.io.image;

import java.util.Objects;
import org.mobilenet.engine.preprocess.PixelGrid;
import org.mobilenet.engine.preprocess.RgbImage;

/**
 * An image as decoded, with what the reader should be told about it.
 *
 * @param image   the pixels, turned upright when its orientation tag was applied: the whole image, or
 *                with a grid its pixels at the grid's rows and columns ({@code cols.length x rows.length})
 * @param grid    where {@code image}'s pixels lie in the upright image; null when it is the whole image
 * @param warning one line (without the file name) when the file was truncated or corrupt and kept
 *                anyway ({@link ImageOptions#allowTruncated}); null for a sound file
 */
public record DecodedImage(RgbImage image, PixelGrid grid, String warning) {
    public DecodedImage {
        Objects.requireNonNull(image, "image");
        if (grid != null && (image.width() != grid.colCount() || image.height() != grid.rowCount())) {
            throw new IllegalArgumentException("the pixels of " + grid + " are " + grid.colCount() + "x"
                    + grid.rowCount() + ", got " + image);
        }
    }

    /** A whole image. */
    public DecodedImage(RgbImage image, String warning) {
        this(image, null, warning);
    }

    /** The upright image's width (the whole image's, also when only a grid of it was kept). */
    public int width() {
        return grid == null ? image.width() : grid.width();
    }

    /** The upright image's height. */
    public int height() {
        return grid == null ? image.height() : grid.height();
    }
}
