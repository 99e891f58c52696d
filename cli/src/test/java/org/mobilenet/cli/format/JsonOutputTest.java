package org.mobilenet.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mobilenet.io.json.Json;

/**
 * The CLI's JSON output (onnx-io's {@link Json}) is byte for byte what the CLI printed with Gson
 * before: pretty-printed with HTML escaping off, nulls and NaN kept; JSON Lines the same on one line.
 */
class JsonOutputTest {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .serializeSpecialFloatingPointValues().create();
    private static final Gson LINE = new GsonBuilder().disableHtmlEscaping().serializeNulls()
            .serializeSpecialFloatingPointValues().create();

    private enum Kind { DEPTHWISE }

    private static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "a \"quoted\" <name> & 'x' = \\ path\n\t\u0001\u001f\u007f ü \u2028\u2029 \ud83d\ude00");
        m.put("int", 42);
        m.put("long", 300_774_272_000L);
        m.put("negative", -7);
        m.put("double", 1.0);
        m.put("small", 1.25e-7);
        m.put("large", 3.4e21);
        m.put("fraction", 0.1 + 0.2);
        m.put("float", 0.1f);
        m.put("floatWhole", 2f);
        m.put("nan", Double.NaN);
        m.put("inf", Double.POSITIVE_INFINITY);
        m.put("minusInf", Double.NEGATIVE_INFINITY);
        m.put("true", true);
        m.put("null", null);
        m.put("enum", Kind.DEPTHWISE);
        m.put("emptyMap", new LinkedHashMap<>());
        m.put("emptyList", List.of());
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("layers", List.of(Map.of("name", "conv1"), List.of(1, 2.5, "x"), new ArrayList<>()));
        inner.put("nested", Map.of("deeper", List.of(List.of(List.of()))));
        m.put("inner", inner);
        m.put("doubles", Arrays.asList(0.0, -0.0, 123456789.125, 1e-3, 1e7, null));
        m.put("ints", new int[] {1, -2, 3});
        m.put("emptyInts", new int[0]);
        m.put("floats", new float[] {0.5f, 1e-9f});
        m.put("strings", new String[] {"a", null});
        return m;
    }

    @Test
    void prettyOutputIsWhatGsonPrinted() {
        Map<String, Object> m = sample();
        assertEquals(PRETTY.toJson(m), Json.pretty(m));
        assertEquals(PRETTY.toJson(List.of()), Json.pretty(List.of()));
        assertEquals(PRETTY.toJson(List.of(m, m)), Json.pretty(List.of(m, m)));
        assertEquals(PRETTY.toJson("top"), Json.pretty("top"));
    }

    @Test
    void oneLineOutputIsWhatGsonPrinted() {
        Map<String, Object> m = sample();
        assertEquals(LINE.toJson(m), Json.write(m));
        assertEquals(LINE.toJson(List.of(m)), Json.write(List.of(m)));
    }
}
