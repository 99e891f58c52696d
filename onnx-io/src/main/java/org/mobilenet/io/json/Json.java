package org.mobilenet.io.json;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's one JSON reader and writer: file headers and metadata (safetensors headers, labels
 * and layers in model metadata) and the CLI's JSON output. Objects become {@code LinkedHashMap<String, Object>}, arrays
 * {@code List<Object>}, numbers {@code Double} (or {@code Long} when integral and written without
 * fraction or exponent), plus {@code String}, {@code Boolean} and {@code null}. Nesting is limited
 * so a hostile file cannot exhaust the stack.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON value that must span the whole text; throws {@link JsonException} if malformed. */
    public static Object parse(String text) throws JsonException {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    /**
     * Writes a value built of maps, collections and arrays, strings, numbers, booleans, enums (by
     * name) and null as compact JSON
     * on one line (file headers, metadata, one record of JSON Lines).
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1);
        return sb.toString();
    }

    /**
     * The same pretty-printed for people and scripts (the CLI's {@code --format json}): two-space
     * indents, {@code "key": value}, one member or element a line, empty containers as {@code {}} and
     * {@code []}, no newline at the end.
     */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    /**
     * Numbers as Java prints them: integers as they are, doubles with {@code Double.toString} (so 1.0
     * stays {@code 1.0}) and floats with {@code Float.toString} (0.1f is {@code 0.1}); NaN and the
     * infinities as the bare words {@code NaN}, {@code Infinity} and {@code -Infinity}, which only
     * lenient readers take, for measurements that can be undefined. {@code depth} is the indent
     * level when pretty-printing, -1 for one line.
     */
    private static void write(StringBuilder sb, Object v, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String str) {
            quote(sb, str);
        } else if (v instanceof Boolean || v instanceof Number) {
            sb.append(v);
        } else if (v instanceof Enum<?> e) {
            quote(sb, e.name());
        } else if (v instanceof Map<?, ?> m) {
            container(sb, '{', '}', m.entrySet(), depth, (e, d) -> {
                quote(sb, String.valueOf(e.getKey()));
                sb.append(d < 0 ? ":" : ": ");
                write(sb, e.getValue(), d);
            });
        } else if (v instanceof Collection<?> c) {
            container(sb, '[', ']', c, depth, (e, d) -> write(sb, e, d));
        } else if (v.getClass().isArray()) {
            List<Object> elements = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                elements.add(Array.get(v, i));
            }
            container(sb, '[', ']', elements, depth, (e, d) -> write(sb, e, d));
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    private interface Member<T> {
        void write(T member, int depth);
    }

    private static <T> void container(StringBuilder sb, char open, char close, Collection<T> members, int depth,
            Member<T> member) {
        sb.append(open);
        if (members.isEmpty()) {
            sb.append(close);
            return;
        }
        boolean first = true;
        for (T m : members) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            if (depth >= 0) {
                sb.append('\n').append("  ".repeat(depth + 1));
            }
            member.write(m, depth < 0 ? -1 : depth + 1);
        }
        if (depth >= 0) {
            sb.append('\n').append("  ".repeat(depth));
        }
        sb.append(close);
    }

    /**
     * Appends a JSON string literal: quote, backslash and control characters escaped (short forms
     * where JSON has them), and U+2028 and U+2029, which end a line in JavaScript.
     */
    public static void quote(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private Object value(int depth) throws JsonException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        if (pos >= s.length()) {
            throw error("unexpected end of text");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) throws JsonException {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value(depth + 1);
            if (m.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            m.put(key, v);
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        List<Object> l = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            skipSpace();
            l.add(value(depth + 1));
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            } else if (c < 0x20) {
                throw error("control character in string");
            } else {
                sb.append(c);
            }
        }
    }

    private Object number() throws JsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String t = s.substring(start, pos);
        try {
            if (integral) {
                return Long.parseLong(t);
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("bad number '" + t + "'");
        }
    }

    private Object literal(String word, Object v) throws JsonException {
        if (!s.startsWith(word, pos)) {
            throw error("unexpected text");
        }
        pos += word.length();
        return v;
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() throws JsonException {
        if (pos >= s.length()) {
            throw error("unexpected end of text");
        }
        return s.charAt(pos);
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private JsonException error(String what) {
        return new JsonException(what + " at offset " + pos);
    }

    /** Malformed JSON. */
    public static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        public JsonException(String message) {
            super(message);
        }
    }
}
