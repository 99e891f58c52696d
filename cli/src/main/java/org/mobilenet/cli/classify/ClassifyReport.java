package org.mobilenet.cli.classify;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.cli.format.Decimals;
import org.mobilenet.io.json.Json;

/**
 * Prints classification results as they come, in one of the {@link ClassifyFormat}s. Failed images
 * are not listed.
 * <ul>
 *   <li>JSON: {@code [{"path": "cat.bmp", "results": [{"rank": 1, "index": 283, "label": "tiger cat",
 *       "score": 0.41}], "features": [...]}]} ("warning" follows for a truncated image kept under
 *       --allow-truncated; "results" only for a classifier, "features" only when
 *       asked for or for a headless model), streamed element by element (the same text as the whole
 *       array pretty-printed at once).</li>
 *   <li>JSON Lines: one such object per line.</li>
 *   <li>CSV: {@code path,rank,index,label,score}, or with features only {@code path,f0,f1,...}; the
 *       header with the first result.</li>
 *   <li>Table: the CSV columns aligned, sized from the first {@link #TABLE_SIZING_IMAGES} images (a
 *       longer cell later just shifts its row). With {@code --features} on a classifier, the feature
 *       columns follow the score, on each image's first row.</li>
 * </ul>
 */
public final class ClassifyReport {
    /** The table sizes its columns from this many images' rows before printing any. */
    public static final int TABLE_SIZING_IMAGES = 8;

    private final List<String> labels;
    private final boolean classifier;
    private final boolean features;

    /**
     * @param labels     one per class, or empty (labels then print as empty / null)
     * @param classifier whether the model ranks classes
     * @param features   whether to print the feature vectors
     */
    public ClassifyReport(List<String> labels, boolean classifier, boolean features) {
        this.labels = labels;
        this.classifier = classifier;
        this.features = features;
    }

    /** Prints results to {@code out} as they are added; call {@link Writer#finish()} at the end. */
    public Writer writer(PrintWriter out, ClassifyFormat format) {
        return switch (format) {
            case JSON -> new JsonArrayWriter(out);
            case JSONL -> new JsonLinesWriter(out);
            case CSV -> new CsvWriter(out);
            case TABLE -> new TableWriter(out);
        };
    }

    /** All results at once. */
    public String render(List<ImageResult> results, ClassifyFormat format) {
        StringWriter s = new StringWriter();
        PrintWriter p = new PrintWriter(s);
        Writer w = writer(p, format);
        w.add(results);
        w.finish();
        p.flush();
        return s.toString();
    }

    /** Streams one format. Not thread-safe. */
    public abstract static class Writer {
        protected final PrintWriter out;

        Writer(PrintWriter out) {
            this.out = out;
        }

        /** Prints (or, for the table's first rows, keeps) the results that did not fail. */
        public final void add(List<ImageResult> results) {
            for (ImageResult r : results) {
                if (!r.failed()) {
                    add(r);
                }
            }
        }

        abstract void add(ImageResult r);

        /** Prints what is kept and closes the document (the JSON array). */
        public abstract void finish();
    }

    private Map<String, Object> object(ImageResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.path().toString());
        if (classifier) {
            List<Object> res = new ArrayList<>();
            for (int k = 0; k < r.indices().length; k++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("rank", k + 1);
                e.put("index", r.indices()[k]);
                e.put("label", labels.isEmpty() ? null : labels.get(r.indices()[k]));
                e.put("score", number(r.scores()[k]));
                res.add(e);
            }
            m.put("results", res);
        }
        if (features && r.features() != null) {
            List<Float> f = new ArrayList<>(r.features().length); // (null entries for non-finite values)
            for (float v : r.features()) {
                f.add(number(v));
            }
            m.put("features", f);
        }
        if (r.warning() != null) {
            // A truncated image classified under --allow-truncated: scripts see it without reading stderr.
            m.put("warning", r.warning());
        }
        return m;
    }

    /** The pretty-printed array, one element at a time: the same text {@code Json.pretty(list)} gives. */
    private final class JsonArrayWriter extends Writer {
        private boolean first = true;

        JsonArrayWriter(PrintWriter out) {
            super(out);
        }

        @Override
        void add(ImageResult r) {
            out.print(first ? "[\n" : ",\n");
            first = false;
            String element = Json.pretty(object(r));
            out.print("  ");
            out.print(element.replace("\n", "\n  "));
        }

        @Override
        public void finish() {
            out.print(first ? "[]\n" : "\n]\n");
        }
    }

    private final class JsonLinesWriter extends Writer {
        JsonLinesWriter(PrintWriter out) {
            super(out);
        }

        @Override
        void add(ImageResult r) {
            out.print(Json.write(object(r)));
            out.print('\n');
        }

        @Override
        public void finish() {
        }
    }

    /** CSV holds one table: with --features it is the feature rows, not the ranking. */
    private final class CsvWriter extends Writer {
        private boolean header = true;

        CsvWriter(PrintWriter out) {
            super(out);
        }

        @Override
        void add(ImageResult r) {
            boolean ranking = classifier && !features;
            if (header) {
                header = false;
                line(ranking ? new String[] {"path", "rank", "index", "label", "score"} : featureHeader(r, "path"));
            }
            String path = r.path().toString();
            if (ranking) {
                for (int k = 0; k < r.indices().length; k++) {
                    line(path, Integer.toString(k + 1), Integer.toString(r.indices()[k]), label(r.indices()[k]),
                            score(r.scores()[k]));
                }
                if (r.indices().length == 0) {
                    line(path, "", "", "", ""); // every class under --threshold: the image still has its row
                }
                return;
            }
            String[] row = new String[1 + width(r)];
            row[0] = path;
            fillFeatures(r, row, 1);
            line(row);
        }

        private void line(String... cells) {
            StringBuilder sb = new StringBuilder();
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
            out.print(sb.append('\n'));
        }

        @Override
        public void finish() {
        }
    }

    /**
     * Aligned columns separated by two spaces, with a rule under the header, sized from the first
     * images' rows; the rows after them print as they come.
     */
    final class TableWriter extends Writer {
        private String[] header;
        private boolean[] right;
        private int[] widths;
        private final List<String[]> kept = new ArrayList<>();
        private int images;

        TableWriter(PrintWriter out) {
            super(out);
        }

        @Override
        void add(ImageResult r) {
            if (header == null) {
                columns(r);
            }
            List<String[]> rows = rows(r);
            if (widths != null) {
                for (String[] row : rows) {
                    print(row);
                }
                return;
            }
            kept.addAll(rows);
            if (++images >= TABLE_SIZING_IMAGES) {
                flushKept();
            }
        }

        private void columns(ImageResult r) {
            List<String> h = new ArrayList<>(List.of("path"));
            if (classifier) {
                h.addAll(List.of("rank", "index", "label", "score"));
            }
            if (features || !classifier) {
                h.addAll(List.of(featureHeader(r, "path")).subList(1, 1 + width(r)));
            }
            header = h.toArray(new String[0]);
            right = new boolean[header.length];
            if (classifier) {
                right[1] = true;
                right[2] = true;
                right[4] = true;
            }
        }

        private List<String[]> rows(ImageResult r) {
            List<String[]> rows = new ArrayList<>();
            String path = visible(r.path().toString());
            if (!classifier) {
                String[] row = new String[header.length];
                row[0] = path;
                fillFeatures(r, row, 1);
                rows.add(row);
                return rows;
            }
            int ranks = r.indices().length;
            for (int k = 0; k < ranks; k++) {
                String[] row = new String[header.length];
                java.util.Arrays.fill(row, "");
                row[0] = k == 0 ? path : "";
                row[1] = Integer.toString(k + 1);
                row[2] = Integer.toString(r.indices()[k]);
                row[3] = label(r.indices()[k]);
                row[4] = score(r.scores()[k]);
                if (features && k == 0) {
                    fillFeatures(r, row, 5);
                }
                rows.add(row);
            }
            if (ranks == 0) {
                // Every class under the threshold: the image still has its row (and its features).
                String[] row = new String[header.length];
                java.util.Arrays.fill(row, "");
                row[0] = path;
                if (features) {
                    fillFeatures(r, row, 5);
                }
                rows.add(row);
            }
            return rows;
        }

        /**
         * The path with control characters written as escapes (\n, \t, \x01): a table is for people,
         * and a newline in a file name would break its rows (JSON and CSV quote such names instead).
         */
        static String visible(String s) {
            StringBuilder b = null;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c != 0x7F) {
                    if (b != null) {
                        b.append(c);
                    }
                    continue;
                }
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                switch (c) {
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> b.append(String.format("\\x%02x", (int) c));
                }
            }
            return b == null ? s : b.toString();
        }

        private void flushKept() {
            widths = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                widths[i] = header[i].length();
            }
            for (String[] row : kept) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            print(header);
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                rule.append(i > 0 ? "  " : "").append("-".repeat(widths[i]));
            }
            out.print(rule.append('\n'));
            for (String[] row : kept) {
                print(row);
            }
            kept.clear();
        }

        private void print(String[] cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                String pad = " ".repeat(Math.max(0, widths[i] - cells[i].length()));
                sb.append(right[i] ? pad + cells[i] : cells[i] + pad);
            }
            int end = sb.length();
            while (end > 0 && Character.isWhitespace(sb.charAt(end - 1))) {
                end--;
            }
            sb.setLength(end);
            out.print(sb.append('\n'));
        }

        @Override
        public void finish() {
            if (widths == null && !kept.isEmpty()) {
                flushKept();
            }
        }
    }

    private static int width(ImageResult r) {
        return r.features() == null ? 0 : r.features().length;
    }

    private static String[] featureHeader(ImageResult r, String first) {
        String[] h = new String[1 + width(r)];
        h[0] = first;
        for (int i = 1; i < h.length; i++) {
            h[i] = "f" + (i - 1);
        }
        return h;
    }

    /** Writes the image's features from {@code row[from]} on, as many as the row has room for. */
    private static void fillFeatures(ImageResult r, String[] row, int from) {
        int n = Math.min(width(r), row.length - from);
        for (int i = 0; i < n; i++) {
            row[from + i] = score(r.features()[i]);
        }
        for (int i = from + n; i < row.length; i++) {
            row[i] = "";
        }
    }

    private String label(int index) {
        return labels.isEmpty() ? "" : labels.get(index);
    }

    private static String score(float v) {
        return Decimals.fixed(v, 4);
    }

    /**
     * A float for JSON: the float itself (written as the shortest text that reads back to it), or null
     * for NaN and the infinities, which JSON has no numbers for (a broken model's outputs).
     */
    private static Float number(float v) {
        return Float.isFinite(v) ? v : null;
    }
}
