package org.mobilenet.io.tflite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.mobilenet.io.LabelLines;

/**
 * Class label lists ({@link LabelLines}) read from a plain file next to a model or from
 * an entry of the zip archive that TFLite's metadata tools append to a .tflite file (the model's
 * "associated files"). Reads are capped at {@link #MAX_BYTES}.
 */
final class LabelFile {
    static final long MAX_BYTES = LabelLines.MAX_BYTES;

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
        return LabelLines.read(in);
    }
}
