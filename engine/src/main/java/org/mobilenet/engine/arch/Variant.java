package org.mobilenet.engine.arch;

import java.util.Locale;

/** The MobileNet v1 variants of the paper. */
public enum Variant {
    /** Table 1: depthwise-separable blocks. */
    SEPARABLE,
    /** Table 4 "Conv MobileNet": every separable block replaced by one full 3x3 convolution. */
    CONV,
    /** Table 5 "Shallow MobileNet": the five 14x14x512 separable blocks removed. */
    SHALLOW;

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()}, case-insensitively. */
    public static Variant parse(String s) {
        for (Variant v : values()) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + s + "': expected separable, conv or shallow");
    }
}
