package org.mobilenet.io.tflite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Class label lists: one label per line, blank trailing lines dropped. Read from a plain file or from
 * an entry of the zip archive that TFLite's metadata tools append to a .tflite file (the model's
 * "associated files"). Reads are capped at {@link #MAX_BYTES}.
 */
final class LabelFile {
    /** Label files larger than this are refused. */
    static final long MAX_BYTES = 16L << 20;

    private LabelFile() {
    }

    /** The lines of an entry of the zip archive embedded in {@code model}, or null when there is none. */
    static List<String> fromEmbeddedZip(Path model, String entry) {
        try (ZipFile zip = new ZipFile(model.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null || e.isDirectory()) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return lines(in);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The lines of a plain text file, or null when it cannot be read or is too large. */
    static List<String> fromFile(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                return lines(in);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> lines(InputStream in) throws IOException {
        byte[] b = in.readNBytes((int) MAX_BYTES + 1);
        if (b.length > MAX_BYTES) {
            throw new IOException("label file larger than " + MAX_BYTES + " bytes");
        }
        String text = new String(b, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
        }
        out.replaceAll(String::strip);
        return out;
    }
}
