package org.mobilenet.cli.classify;

import java.util.Locale;

/** {@code classify --format}: a table for people; JSON, JSON Lines or CSV for scripts. */
public enum ClassifyFormat {
    TABLE, JSON, JSONL, CSV;

    /** The lower-case name users type (and completion offers); parsing ignores case. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
