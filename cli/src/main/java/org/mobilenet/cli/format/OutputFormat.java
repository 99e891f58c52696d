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

    /**
     * The option converter of commands that print a table or JSON only ({@code info}, {@code verify}):
     * a usage error names those two, where picocli's own would list every format.
     */
    public static final class TableOrJson implements picocli.CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.equals("table")) {
                return TABLE;
            }
            if (v.equals("json")) {
                return JSON;
            }
            throw new picocli.CommandLine.TypeConversionException("expected table or json but was '" + value + "'");
        }
    }

    /** Completion candidates matching {@link TableOrJson}. */
    public static final class TableOrJsonNames extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        public TableOrJsonNames() {
            super(java.util.List.of("table", "json"));
        }
    }
}
