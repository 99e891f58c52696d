package org.mobilenet.io.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesAndReadsBackNestedValuesWithEscapes() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"q\" \\ \n\t\u0001 ü");
        m.put("n", 42L);
        m.put("d", 0.125);
        m.put("b", true);
        m.put("z", null);
        m.put("l", List.of(1L, "x", List.of()));
        String text = Json.write(m);
        assertEquals(m, Json.parse(text));
        assertEquals(List.of(-1L, 2.5e-3, "\u00e9"), Json.parse(" [ -1 , 2.5e-3, \"\\u00e9\" ] "));
    }

    @Test
    void malformedTextIsRefused() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,\"a\":2}", "\"\\x\"", "tru", "1 2",
            "[".repeat(100) + "]".repeat(100), "\"a\nb\""}) {
            assertThrows(Json.JsonException.class, () -> Json.parse(bad), bad);
        }
    }
}
