package org.mobilenet.engine.preprocess;

import java.util.Objects;
import org.mobilenet.engine.model.Preprocessing;

/**
 * Turns an {@link RgbImage} into a network input {@code [H, W, C]} (NHWC, one image; C is 3, or 1 for
 * a network that takes gray images) following a {@link Preprocessing}:
 * <ol>
 *   <li>Region: {@code STRETCH} takes the whole image (aspect ratio not kept);
 *       {@code CENTER_CROP} takes the largest centered region of the model's aspect ratio W / H, scaled
 *       by {@code cropFraction}: for a square model the central square of side
 *       {@code min(width, height) * cropFraction} (the same as resizing the shorter side to
 *       {@code R / cropFraction} and cutting the central {@code R x R}, but in one resampling step).</li>
 *   <li>{@link BilinearResize} of that region to {@code H x W} (align-corners false, no half-pixel
 *       offset, no antialiasing, as TFLite).</li>
 *   <li>{@code x = (pixel - mean[c]) / std[c]} with mean and std given per RGB channel.</li>
 *   <li>Channels written in the order the network expects (RGB or BGR); for one channel the luma
 *       {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as Pillow's and TensorFlow's grayscale
 *       conversions), normalized with the first mean and std.</li>
 * </ol>
 */
public final class ImagePreprocessor {
    private final Preprocessing p;
    private final int height;
    private final int width;
    private final int channels;

    /** A square {@code resolution x resolution} input. */
    public ImagePreprocessor(Preprocessing preprocessing, int resolution) {
        this(preprocessing, resolution, resolution);
    }

    /** An {@code height x width} RGB input (H x W, which may differ). */
    public ImagePreprocessor(Preprocessing preprocessing, int height, int width) {
        this(preprocessing, height, width, 3);
    }

    /** An {@code height x width} input of {@code channels} (3: RGB or BGR, 1: gray). */
    public ImagePreprocessor(Preprocessing preprocessing, int height, int width, int channels) {
        this.p = Objects.requireNonNull(preprocessing, "preprocessing");
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("resolution must be >= 1, got " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("an image input has 3 channels (or 1, gray), got " + channels);
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    /** The preprocessing of {@code model}'s input: its size, its channels and its {@link Preprocessing}. */
    public static ImagePreprocessor of(org.mobilenet.engine.model.Model model) {
        return new ImagePreprocessor(model.preprocessing(), model.inputHeight(), model.inputWidth(),
                model.graph().input().c());
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

    /** Values per image: H * W * C. */
    public int inputSize() {
        return height * width * channels;
    }

    /** Channels per pixel: 3, or 1 for gray. */
    public int channels() {
        return channels;
    }

    /** One image's input. Returns {@code [H, W, C]}. */
    public float[] apply(RgbImage img) {
        float[] out = new float[inputSize()];
        apply(img, out, 0);
        return out;
    }

    /** Writes one image's input {@code [H, W, C]} into {@code dst} at {@code offset} (for batches). */
    public void apply(RgbImage img, float[] dst, int offset) {
        apply(img, null, dst, offset);
    }

    /**
     * The pixels {@link #apply} reads of a {@code width x height} image (a few hundred rows and columns
     * of a large photo): a decoder may convert only those ({@link PixelGrid}). Null when that is most of
     * the image anyway.
     */
    public PixelGrid grid(int width, int height) {
        double[] r = region(width, height);
        PixelGrid g = BilinearResize.grid(width, height, r[0], r[1], r[2], r[3], this.width, this.height);
        return g.size() * 2 > (long) width * height ? null : g;
    }

    /**
     * Writes the input {@code [H, W, C]} of an image known at the pixels of {@code grid} ({@code img}
     * holds them, as {@link PixelGrid} says; a null grid: {@code img} is the whole image) into {@code
     * dst} at {@code offset}: the same values as from the whole image, when the grid holds what {@link
     * #grid} names.
     */
    public void apply(RgbImage img, PixelGrid grid, float[] dst, int offset) {
        int iw = grid == null ? img.width() : grid.width();
        int ih = grid == null ? img.height() : grid.height();
        double[] r = region(iw, ih);
        float[] rgb = BilinearResize.resize(img, grid, r[0], r[1], r[2], r[3], width, height);
        float[] mean = p.mean();
        float[] std = p.std();
        boolean bgr = p.order() == Preprocessing.ChannelOrder.BGR;
        int n = height * width;
        if (channels == 1) {
            gray(rgb, n, mean[0], std[0], dst, offset);
            return;
        }
        int first = bgr ? 2 : 0; // where a pixel's red goes: channel 0, or 2 for BGR
        normalize(rgb, n, mean[0], mean[1], mean[2], std[0], std[1], std[2], dst, offset + first, offset + 1,
                offset + 2 - first);
    }

    /**
     * {@code (v - mean) / std} of each pixel's red, green and blue, written at {@code r + 3i}, {@code g + 3i}
     * and {@code b + 3i}: the channels written out rather than looped over (a third of the time).
     */
    private static void normalize(float[] rgb, int n, float mr, float mg, float mb, float sr, float sg, float sb,
            float[] dst, int r, int g, int b) {
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            dst[r + j] = (rgb[j] - mr) / sr;
            dst[g + j] = (rgb[j + 1] - mg) / sg;
            dst[b + j] = (rgb[j + 2] - mb) / sb;
        }
    }

    /** The source rectangle {@code (x0, y0, w, h)} resampled of a {@code iw x ih} image. */
    private double[] region(int iw, int ih) {
        if (p.resize() != Preprocessing.Resize.CENTER_CROP) {
            return new double[] {0, 0, iw, ih};
        }
        // The largest centered region of the model's aspect ratio (W / H), scaled by the crop fraction:
        // the central square of side min(width, height) for a square model.
        double rw;
        double rh;
        if ((double) iw * height >= (double) ih * width) {
            rh = ih;
            rw = ih * (double) width / height;
        } else {
            rw = iw;
            rh = iw * (double) height / width;
        }
        rw *= p.cropFraction();
        rh *= p.cropFraction();
        return new double[] {(iw - rw) / 2, (ih - rh) / 2, rw, rh};
    }

    /** Luma of each resized RGB pixel, normalized: {@code [n]} from {@code [n, 3]}. */
    private static void gray(float[] rgb, int n, float mean, float std, float[] dst, int offset) {
        for (int i = 0; i < n; i++) {
            float y = 0.299f * rgb[i * 3] + 0.587f * rgb[i * 3 + 1] + 0.114f * rgb[i * 3 + 2];
            dst[offset + i] = (y - mean) / std;
        }
    }
}
