package org.mobilenet.engine.model;

import java.util.Locale;
import java.util.Objects;

/**
 * How an RGB image with 0..255 pixels becomes the network's input:
 * {@code x = (pixel - mean[c]) / std[c]} after resizing, with the channels in {@code order}.
 *
 * @param mean         per-channel mean in pixel units, in RGB order
 * @param std          per-channel standard deviation in pixel units, in RGB order
 * @param order        channel order the network expects
 * @param resize       how the image is brought to the input size
 * @param cropFraction for {@link Resize#CENTER_CROP}: the central fraction kept, in (0, 1]
 */
public record Preprocessing(float[] mean, float[] std, ChannelOrder order, Resize resize, float cropFraction) {

    /** Channel order of the network input. */
    public enum ChannelOrder { RGB, BGR }

    /** How the image is resized to the input size; both use bilinear interpolation. */
    public enum Resize {
        /** Stretch the whole image to the input size (the TFLite examples). */
        STRETCH,
        /** Resize so the shorter side covers the crop, then take the central square (TF-slim, torchvision). */
        CENTER_CROP;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Resize parse(String s) {
            for (Resize r : values()) {
                if (r.id().equalsIgnoreCase(s.trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown resize mode '" + s + "': expected stretch or center-crop");
        }
    }

    public Preprocessing {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(resize, "resize");
        mean = check("mean", mean, false);
        std = check("std", std, true);
        if (!(cropFraction > 0 && cropFraction <= 1)) {
            throw new IllegalArgumentException("crop fraction must be in (0, 1], got " + cropFraction);
        }
    }

    /** TensorFlow's Inception-style scaling to [-1, 1]: (p - 127.5) / 127.5, RGB, stretched. */
    public static Preprocessing tensorflow() {
        return uniform(127.5f, 127.5f);
    }

    /** The same mean and std for every channel, RGB, stretched. */
    public static Preprocessing uniform(float mean, float std) {
        return new Preprocessing(new float[] {mean, mean, mean}, new float[] {std, std, std},
                ChannelOrder.RGB, Resize.STRETCH, 1f);
    }

    /** torchvision's ImageNet normalization, shorter side then a 0.875 center crop. */
    public static Preprocessing torchvision() {
        return new Preprocessing(new float[] {123.675f, 116.28f, 103.53f}, new float[] {58.395f, 57.12f, 57.375f},
                ChannelOrder.RGB, Resize.CENTER_CROP, 0.875f);
    }

    /**
     * This preprocessing followed by {@code x * scale[c] + shift[c]} per channel (a model's own input
     * preprocessing, folded in when a file does it in its graph): mean {@code m - shift * s / scale},
     * std {@code s / scale}. {@code scale} and {@code shift} hold one value for all channels or one each.
     *
     * @throws IllegalArgumentException for a scale that is not finite and positive
     */
    public Preprocessing followedBy(float[] scale, float[] shift) {
        float[] m = mean.clone();
        float[] s = std.clone();
        for (int c = 0; c < m.length; c++) {
            float a = scale[Math.min(c, scale.length - 1)];
            float b = shift[Math.min(c, shift.length - 1)];
            if (!(a > 0) || !Float.isFinite(a) || !Float.isFinite(b)) {
                throw new IllegalArgumentException("an input preprocessing of scale " + a + " and shift " + b
                        + " (expected a finite positive scale)");
            }
            m[c] = m[c] - b * s[c] / a;
            s[c] = s[c] / a;
        }
        return new Preprocessing(m, s, order, resize, cropFraction);
    }

    /**
     * Pixels normalized ({@code (p - mean[c]) / std[c]}) into {@code out}, NHWC with {@code channels}
     * values a pixel (RGB order; one channel takes the first mean and std). Shape line: {@code [n]}.
     */
    public void normalize(float[] pixels, int channels, float[] out) {
        for (int i = 0; i < pixels.length; i++) {
            int c = i % channels;
            out[i] = (pixels[i] - mean[c]) / std[c];
        }
    }

    /** The pixels a normalized input came from ({@code x * std[c] + mean[c]}): the inverse of {@link #normalize}. */
    public float[] pixels(float[] x, int channels) {
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            p[i] = x[i] * std[c] + mean[c];
        }
        return p;
    }

    public Preprocessing withMean(float[] m) {
        return new Preprocessing(m, std, order, resize, cropFraction);
    }

    public Preprocessing withStd(float[] s) {
        return new Preprocessing(mean, s, order, resize, cropFraction);
    }

    public Preprocessing withResize(Resize r, float fraction) {
        return new Preprocessing(mean, std, order, r, fraction);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    private static float[] check(String what, float[] v, boolean positive) {
        Objects.requireNonNull(v, what);
        if (v.length == 1) {
            v = new float[] {v[0], v[0], v[0]};
        }
        if (v.length != 3) {
            throw new IllegalArgumentException(what + " needs 1 or 3 values, got " + v.length);
        }
        for (float x : v) {
            if (!Float.isFinite(x) || (positive && x <= 0)) {
                throw new IllegalArgumentException(what + " values must be finite" + (positive ? " and > 0" : "")
                        + ", got " + x);
            }
        }
        return v.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && java.util.Arrays.equals(mean, p.mean)
                && java.util.Arrays.equals(std, p.std) && order == p.order && resize == p.resize
                && cropFraction == p.cropFraction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(mean), java.util.Arrays.hashCode(std), order, resize, cropFraction);
    }

    @Override
    public String toString() {
        return "mean " + java.util.Arrays.toString(mean) + ", std " + java.util.Arrays.toString(std) + ", " + order
                + ", " + resize.id() + (resize == Resize.CENTER_CROP ? " " + cropFraction : "");
    }
}
