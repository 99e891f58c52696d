package org.mobilenet.io.image;

import java.util.Objects;
import org.mobilenet.engine.preprocess.RgbImage;

/**
 * An image as decoded, with what the reader should be told about it.
 *
 * @param image   the pixels, turned upright when its orientation tag was applied
 * @param warning one line (without the file name) when the file was truncated or corrupt and kept
 *                anyway ({@link ImageOptions#allowTruncated}); null for a sound file
 */
public record DecodedImage(RgbImage image, String warning) {
    public DecodedImage {
        Objects.requireNonNull(image, "image");
    }
}
