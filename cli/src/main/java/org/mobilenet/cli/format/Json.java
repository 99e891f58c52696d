package org.mobilenet.cli.format;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** JSON output for scripts: pretty-printed, NaN/Infinity allowed as-is only where a value can be one. */
public final class Json {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .serializeSpecialFloatingPointValues().create();
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeNulls()
            .serializeSpecialFloatingPointValues().create();

    private Json() {
    }

    /** Serializes maps, lists, records' accessor-built maps, numbers and strings. */
    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /** The same on one line, without pretty-printing (one record of JSON Lines). */
    public static String writeLine(Object value) {
        return COMPACT.toJson(value);
    }
}
