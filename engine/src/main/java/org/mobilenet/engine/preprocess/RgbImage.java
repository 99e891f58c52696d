package org.mobilenet.engine.preprocess;

import java.util.Objects;

/**
 * A decoded 8-bit RGB image: row-major pixels packed as {@code 0xRRGGBB} (any bits above 24 are
 * ignored). Shape line: {@code pixels[height * width]}, pixel (x, y) at {@code y * width + x}.
 */
public record RgbImage(int width, int height, int[] pixels) {
    public RgbImage {
        Objects.requireNonNull(pixels, "pixels");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image dimensions must be >= 1, got " + width + "x" + height);
        }
        if ((long) width * height != pixels.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs " + (long) width * height
                    + " pixels, got " + pixels.length);
        }
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
    public int channel(int x, int y, int c) {
        return (pixels[y * width + x] >> (16 - 8 * c)) & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height
                && java.util.Arrays.equals(r.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + java.util.Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "RgbImage " + width + "x" + height;
    }
}
