package org.mobilenet.engine.preprocess;

import java.util.Objects;
import org.mobilenet.engine.model.Preprocessing;

/**
 * Turns an {@link RgbImage} into a network input {@code [R, R, 3]} (NHWC, one image) following a
 * {@link Preprocessing}:
 * <ol>
 *   <li>Region: {@code STRETCH} takes the whole image (aspect ratio not kept);
 *       {@code CENTER_CROP} takes the central square of side {@code min(width, height) * cropFraction}
 *       (the same as resizing the shorter side to {@code R / cropFraction} and cutting the central
 *       {@code R x R}, but in one resampling step).</li>
 *   <li>{@link BilinearResize} of that region to {@code R x R} (align-corners false, no half-pixel
 *       offset, no antialiasing, as TFLite).</li>
 *   <li>{@code x = (pixel - mean[c]) / std[c]} with mean and std given per RGB channel.</li>
 *   <li>Channels written in the order the network expects (RGB or BGR).</li>
 * </ol>
 */
public final class ImagePreprocessor {
    private final Preprocessing p;
    private final int resolution;

    public ImagePreprocessor(Preprocessing preprocessing, int resolution) {
        this.p = Objects.requireNonNull(preprocessing, "preprocessing");
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution must be >= 1, got " + resolution);
        }
        this.resolution = resolution;
    }

    public int resolution() {
        return resolution;
    }

    /** Values per image: R * R * 3. */
    public int inputSize() {
        return resolution * resolution * 3;
    }

    /** One image's input. Returns {@code [R, R, 3]}. */
    public float[] apply(RgbImage img) {
        float[] out = new float[inputSize()];
        apply(img, out, 0);
        return out;
    }

    /** Writes one image's input {@code [R, R, 3]} into {@code dst} at {@code offset} (for batches). */
    public void apply(RgbImage img, float[] dst, int offset) {
        float[] rgb;
        if (p.resize() == Preprocessing.Resize.CENTER_CROP) {
            double side = Math.min(img.width(), img.height()) * (double) p.cropFraction();
            double x0 = (img.width() - side) / 2;
            double y0 = (img.height() - side) / 2;
            rgb = BilinearResize.resize(img, x0, y0, side, side, resolution, resolution);
        } else {
            rgb = BilinearResize.resize(img, resolution, resolution);
        }
        float[] mean = p.mean();
        float[] std = p.std();
        boolean bgr = p.order() == Preprocessing.ChannelOrder.BGR;
        int n = resolution * resolution;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[i * 3 + c] - mean[c]) / std[c];
                dst[offset + i * 3 + (bgr ? 2 - c : c)] = v;
            }
        }
    }
}
