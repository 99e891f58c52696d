package org.mobilenet.cli.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of strings rendered as aligned text, Markdown or CSV. Columns whose header starts with
 * no letter-alignment hint are left-aligned; call {@link #rightAlign(int...)} for numeric columns.
 */
public final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    public TextTable(String... header) {
        this.header = header.clone();
        this.right = new boolean[header.length];
    }

    public TextTable rightAlign(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    public TextTable add(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.length);
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    /** Renders in a format: TABLE aligned text, MARKDOWN a pipe table, CSV RFC 4180. */
    public String render(OutputFormat f) {
        return switch (f) {
            case MARKDOWN -> markdown();
            case CSV -> csv();
            default -> text();
        };
    }

    /** Aligned columns separated by two spaces, with a rule under the header. */
    public String text() {
        int[] w = widths();
        StringBuilder sb = new StringBuilder();
        sb.append(String.join("  ", padded(header, w)).stripTrailing()).append('\n');
        String[] rule = new String[w.length];
        for (int i = 0; i < w.length; i++) {
            rule[i] = "-".repeat(w[i]);
        }
        sb.append(String.join("  ", rule)).append('\n');
        for (String[] r : rows) {
            sb.append(String.join("  ", padded(r, w)).stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** A GitHub-style pipe table; numeric columns are marked right-aligned. */
    public String markdown() {
        int[] w = widths();
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", padded(header, w))).append(" |\n|");
        for (int i = 0; i < w.length; i++) {
            sb.append(right[i] ? "-".repeat(w[i] + 1) + ":|" : "-".repeat(w[i] + 2) + "|");
        }
        sb.append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", padded(r, w))).append(" |\n");
        }
        return sb.toString();
    }

    public String csv() {
        StringBuilder sb = new StringBuilder();
        csvLine(sb, header);
        for (String[] r : rows) {
            csvLine(sb, r);
        }
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String c = cells[i];
            if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
                c = "\"" + c.replace("\"", "\"\"") + "\"";
            }
            sb.append(c);
        }
        sb.append('\n');
    }

    private int[] widths() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        return w;
    }

    private String[] padded(String[] cells, int[] w) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(w[i] - cells[i].length());
            out[i] = right[i] ? pad + cells[i] : cells[i] + pad;
        }
        return out;
    }
}
