package org.mobilenet.engine.arch;

/**
 * An input size, height by width, in pixels: the resolution multiplier of the paper given as a size.
 * Square inputs are written as one number ({@code 224}), others as H x W ({@code 160x224}).
 *
 * @param h input height, 32 to 4096
 * @param w input width, 32 to 4096
 */
public record Resolution(int h, int w) {
    /** The smallest side: five stride-2 layers bring 32 to 1. */
    public static final int MIN = 32;
    /** The largest side: keeps a 4096 x 4096 x 32 activation well inside an int-indexed array. */
    public static final int MAX = 4096;

    public Resolution {
        if (h < MIN || h > MAX || w < MIN || w > MAX) {
            throw new IllegalArgumentException("resolution must be between " + MIN + " and " + MAX + ", got "
                    + (h == w ? Integer.toString(h) : h + "x" + w));
        }
    }

    /** An {@code r x r} input. */
    public static Resolution square(int r) {
        return new Resolution(r, r);
    }

    /** Parses {@code 224} (square) or {@code 160x224} (H x W; {@code X} and spaces around it allowed). */
    public static Resolution parse(String s) {
        String t = s.trim();
        int x = t.toLowerCase(java.util.Locale.ROOT).indexOf('x');
        try {
            if (x < 0) {
                return square(Integer.parseInt(t));
            }
            return new Resolution(Integer.parseInt(t.substring(0, x).trim()), Integer.parseInt(t.substring(x + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid resolution '" + s + "': expected a size such as 224 or "
                    + "height x width such as 160x224");
        }
    }

    public boolean isSquare() {
        return h == w;
    }

    /** As typed on the command line: {@code 224} when square, else {@code 160x224}. */
    public String id() {
        return isSquare() ? Integer.toString(h) : h + "x" + w;
    }

    /** The input feature map: H x W x 3 (RGB). */
    public Shape rgb() {
        return new Shape(h, w, 3);
    }

    /** Always H x W, {@code 224x224} for a square input, as the reports print sizes. */
    @Override
    public String toString() {
        return h + "x" + w;
    }

    // Written out, as in Shape: a record's generated equals is bootstrapped through method handles on
    // first use, which a cold model import pays (ModelSpec's equals calls this one).
    @Override
    public boolean equals(Object o) {
        return o instanceof Resolution r && r.h == h && r.w == w;
    }

    @Override
    public int hashCode() {
        return h * 31 + w;
    }
}
