package org.mobilenet.cli.format;

import java.util.Locale;

/** How a command prints its results: a table for people, JSON or CSV for scripts, Markdown for docs. */
public enum OutputFormat {
    TABLE, JSON, CSV, MARKDOWN;

    /** The lower-case name users type (and completion offers); parsing ignores case. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
