package org.mobilenet.cli.format;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers in fixed-point text, the same characters as {@code String.format(Locale.ROOT, "%.Nf", v)},
 * without {@link java.util.Formatter}: its first floating-point conversion in a JVM looks up the
 * locale's decimal symbols, which starts the locale data providers (some 20 ms of a one-image
 * {@code classify} that takes 0.45 s, measured on JDK 17; every backend prints the same table).
 */
public final class Decimals {
    private Decimals() {
    }

    /**
     * {@code v} with {@code places} digits after the point: the shortest decimal that reads back as
     * {@code v} ({@link Double#toString}), rounded half up, as {@code Formatter} does; "NaN",
     * "Infinity" and "-Infinity" as it writes them, and the sign kept on values that round to zero.
     */
    public static String fixed(double v, int places) {
        if (places < 0) {
            throw new IllegalArgumentException("places must be >= 0, got " + places);
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        String s = new BigDecimal(Double.toString(v)).setScale(places, RoundingMode.HALF_UP).toPlainString();
        boolean negative = v < 0 || v == 0 && 1 / v < 0;
        return negative && s.charAt(0) != '-' ? "-" + s : s;
    }
}
