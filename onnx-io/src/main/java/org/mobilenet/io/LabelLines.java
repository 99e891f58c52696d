package org.mobilenet.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reading of a class-label list, wherever it comes from (a {@code --labels} file, a file next
 * to a model, an entry of a TFLite model's metadata archive): UTF-8, one label per line, each label
 * stripped, blank trailing lines dropped, at most {@link #MAX_BYTES} read; when every line starts with
 * its own index (0 or 1 first) and a space, as Teachable Machine's and Coral's lists do, or with a
 * WordNet id, as ImageNet's synset lists do, the names without it.
 */
public final class LabelLines {
    /** Label lists larger than this are refused. */
    public static final long MAX_BYTES = 16L << 20;

    private LabelLines() {
    }

    /** The labels in {@code in}; an IOException when it holds more than {@link #MAX_BYTES}. */
    public static List<String> read(InputStream in) throws IOException {
        byte[] b = in.readNBytes((int) MAX_BYTES + 1);
        if (b.length > MAX_BYTES) {
            throw new IOException("label file larger than " + MAX_BYTES + " bytes");
        }
        // Split at '\n' alone (String.split's fast path for one plain character, no regular
        // expression compiled at every start): the '\r' of a CRLF line is whitespace, stripped below.
        String[] lines = new String(b, StandardCharsets.UTF_8).split("\n", -1);
        int n = lines.length;
        while (n > 0 && lines[n - 1].isBlank()) {
            n--;
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(lines[i].strip());
        }
        return numbered(out, 0) || numbered(out, 1) || wordNet(out) ? unnumbered(out) : out;
    }

    /**
     * Whether every label starts with a WordNet id and a space, as the ImageNet synset lists do
     * ({@code n01440764 tench, Tinca tinca}, the ONNX model zoo's {@code synset.txt}).
     */
    private static boolean wordNet(List<String> labels) {
        if (labels.size() < 2) {
            return false;
        }
        for (String l : labels) {
            if (l.length() < 11 || l.charAt(0) != 'n' || !Character.isWhitespace(l.charAt(9))
                    || l.substring(9).isBlank()) {
                return false;
            }
            for (int i = 1; i < 9; i++) {
                if (l.charAt(i) < '0' || l.charAt(i) > '9') {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether every label is its own class index counting from {@code base}, a space and a name, as
     * Teachable Machine ({@code 0 Flask}) and Coral ({@code 0  background}) write their lists.
     */
    private static boolean numbered(List<String> labels, int base) {
        if (labels.size() < 2) {
            return false; // one line says too little to tell an index from a name that starts with a digit
        }
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            String index = Integer.toString(i + base);
            if (!l.startsWith(index) || l.length() <= index.length() + 1
                    || !Character.isWhitespace(l.charAt(index.length())) || l.substring(index.length()).isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** The names of labels that start with an index or id and whitespace ({@link #numbered}, {@link #wordNet}). */
    private static List<String> unnumbered(List<String> labels) {
        List<String> out = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            int space = 0;
            while (!Character.isWhitespace(l.charAt(space))) {
                space++;
            }
            out.add(l.substring(space).strip());
        }
        return out;
    }

    /**
     * {@code labels} as the labels of a model with {@code classes} outputs, or null when they do not fit:
     * one per class; or one more whose first is {@code background} (TF-slim's ImageNet list, a
     * background class the model does not have), which is dropped; or, for 1001 classes, the 1000
     * ImageNet labels, which get "background" first.
     */
    public static List<String> fit(List<String> labels, int classes) {
        if (labels == null) {
            return null;
        }
        int n = labels.size();
        if (n == classes && n > 0) {
            return labels;
        }
        if (classes == 1001 && n == 1000) {
            List<String> l = new ArrayList<>(n + 1);
            l.add("background");
            l.addAll(labels);
            return l;
        }
        if (n == classes + 1 && classes > 0 && labels.get(0).equalsIgnoreCase("background")) {
            return new ArrayList<>(labels.subList(1, n));
        }
        return null;
    }
}
