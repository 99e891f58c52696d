package org.mobilenet.io.npy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a .npy file: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (1, 224, 224, 3), }}, parsed by hand as
 * the hostile text it may be: only quoted strings, {@code True}/{@code False} and tuples of
 * non-negative integers are values, the three keys must each appear once, and anything else is
 * malformed. Nothing is ever evaluated.
 *
 * @param descr        the dtype string as written
 * @param fortranOrder the fortran_order flag
 * @param shape        the dimensions (empty for a scalar)
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {

    /** @throws IllegalArgumentException naming what is wrong, for any header that is not such a dict */
    static NpyHeader parse(String text) {
        Parser p = new Parser(text);
        Map<String, Object> dict = p.dict();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw new IllegalArgumentException("unexpected text after the header dict at character " + p.pos);
        }
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new IllegalArgumentException("expected the header keys descr, fortran_order and shape, found "
                    + dict.keySet());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new IllegalArgumentException("descr should be a string, found " + dict.get("descr"));
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new IllegalArgumentException("fortran_order should be True or False, found " + dict.get("fortran_order"));
        }
        if (!(dict.get("shape") instanceof int[] shape)) {
            throw new IllegalArgumentException("shape should be a tuple of integers, found " + dict.get("shape"));
        }
        return new NpyHeader(descr, fortran, shape);
    }

    /** A recursive-descent reader of the few literals a header holds. */
    private static final class Parser {
        private static final int MAX_DIMS = 32;
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() {
            expect('{');
            Map<String, Object> m = new HashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return m;
                }
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value();
                if (m.put(key, value) != null) {
                    throw new IllegalArgumentException("the header repeats the key '" + key + "'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("',' or '}'");
                }
            }
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("a string, a tuple, True or False");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                dims.add(integer());
                if (dims.size() > MAX_DIMS) {
                    throw new IllegalArgumentException("the shape has more than " + MAX_DIMS + " dimensions");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw error("',' or ')'");
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private int integer() {
            int start = pos;
            long v = 0;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                v = v * 10 + (s.charAt(pos) - '0');
                if (v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("shape dimension at character " + start + " is too large");
                }
                pos++;
            }
            if (pos == start) {
                throw error("a non-negative integer");
            }
            return (int) v;
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string at character " + pos);
            }
            String v = s.substring(pos + 1, end);
            if (v.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("escapes in header strings are not supported");
            }
            pos = end + 1;
            return v;
        }

        void skipSpace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("the header ends early");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("'" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String expected) {
            char c = s.charAt(Math.min(pos, s.length() - 1));
            return new IllegalArgumentException("expected " + expected + " at character " + pos + " of the header, found '"
                    + (c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c)) + "'");
        }
    }
}
