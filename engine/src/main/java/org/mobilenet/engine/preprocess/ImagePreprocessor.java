package org.mobilenet.engine.preprocess;

import java.util.Objects;
import org.mobilenet.engine.model.Preprocessing;

/**
 * Turns an {@link RgbImage} into a network input {@code [H, W, 3]} (NHWC, one image) following a
 * {@link Preprocessing}:
 * <ol>
 *   <li>Region: {@code STRETCH} takes the whole image (aspect ratio not kept);
 *       {@code CENTER_CROP} takes the largest centered region of the model's aspect ratio W / H, scaled
 *       by {@code cropFraction}: for a square model the central square of side
 *       {@code min(width, height) * cropFraction} (the same as resizing the shorter side to
 *       {@code R / cropFraction} and cutting the central {@code R x R}, but in one resampling step).</li>
 *   <li>{@link BilinearResize} of that region to {@code H x W} (align-corners false, no half-pixel
 *       offset, no antialiasing, as TFLite).</li>
 *   <li>{@code x = (pixel - mean[c]) / std[c]} with mean and std given per RGB channel.</li>
 *   <li>Channels written in the order the network expects (RGB or BGR).</li>
 * </ol>
 */
public final class ImagePreprocessor {
    private final Preprocessing p;
    private final int height;
    private final int width;

    /** A square {@code resolution x resolution} input. */
    public ImagePreprocessor(Preprocessing preprocessing, int resolution) {
        this(preprocessing, resolution, resolution);
    }

    /** An {@code height x width} input (H x W, which may differ). */
    public ImagePreprocessor(Preprocessing preprocessing, int height, int width) {
        this.p = Objects.requireNonNull(preprocessing, "preprocessing");
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("resolution must be >= 1, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    /** The input height (the side of a square input). */
    public int resolution() {
        return height;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Values per image: H * W * 3. */
    public int inputSize() {
        return height * width * 3;
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
            // The largest centered region of the model's aspect ratio (W / H), scaled by the crop fraction:
            // the central square of side min(width, height) for a square model.
            double rw;
            double rh;
            if ((double) img.width() * height >= (double) img.height() * width) {
                rh = img.height();
                rw = img.height() * (double) width / height;
            } else {
                rw = img.width();
                rh = img.width() * (double) height / width;
            }
            rw *= p.cropFraction();
            rh *= p.cropFraction();
            double x0 = (img.width() - rw) / 2;
            double y0 = (img.height() - rh) / 2;
            rgb = BilinearResize.resize(img, x0, y0, rw, rh, width, height);
        } else {
            rgb = BilinearResize.resize(img, width, height);
        }
        float[] mean = p.mean();
        float[] std = p.std();
        boolean bgr = p.order() == Preprocessing.ChannelOrder.BGR;
        int n = height * width;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[i * 3 + c] - mean[c]) / std[c];
                dst[offset + i * 3 + (bgr ? 2 - c : c)] = v;
            }
        }
    }
}
