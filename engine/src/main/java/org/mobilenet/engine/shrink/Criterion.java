package org.mobilenet.engine.shrink;

import java.util.Locale;

/** How {@link Shrinker} ranks a layer's output channels; the highest-ranked are kept. */
public enum Criterion {
    /** The L1 norm of the channel's (BN-folded) filter. The default. */
    L1,
    /** The L2 norm of the channel's (BN-folded) filter. */
    L2,
    /** A seeded random choice: the baseline any criterion should beat. */
    RANDOM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Criterion parse(String s) {
        for (Criterion c : values()) {
            if (c.id().equalsIgnoreCase(s.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown criterion '" + s + "': expected l1, l2 or random");
    }
}
