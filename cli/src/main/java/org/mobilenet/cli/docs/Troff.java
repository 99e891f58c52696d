package org.mobilenet.cli.docs;

/** Escaping of plain text for troff's man macros. */
final class Troff {
    private Troff() {
    }

    /** {@code text} as troff text: backslashes and hyphens escaped, no line starting with a control character. */
    static String text(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            if (out.length() > 0) {
                out.append('\n');
            }
            if (line.startsWith(".") || line.startsWith("'")) {
                out.append("\\&");
            }
            out.append(line);
        }
        return out.toString();
    }

    /** {@code text} in bold. */
    static String bold(String text) {
        return "\\fB" + text(text) + "\\fR";
    }

    /** {@code text} in italics (for placeholders such as FILE). */
    static String italic(String text) {
        return "\\fI" + text(text) + "\\fR";
    }
}
