package org.mobilenet.io.tflite;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.mobilenet.io.BadInputException;
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

    /**
     * The lines of an entry of the zip archive embedded in {@code model}, or null when there is no such
     * entry (no archive, or one without it). An entry whose bytes do not match the checksum the archive
     * stores, or an archive that cannot be read although the file holds the entry's header (cut short,
     * damaged), is a {@link BadInputException}: its labels would be missing or wrong (a lost line
     * shifts every label after it) without a word.
     */
    static List<String> fromEmbeddedZip(Path model, String entry) throws BadInputException {
        try (ZipFile zip = new ZipFile(model.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null || e.isDirectory()) {
                return null;
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(e)) {
                bytes = in.readNBytes((int) MAX_BYTES + 1);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (bytes.length <= MAX_BYTES && e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                throw new BadInputException(model, "its embedded label file " + entry + " is damaged (its checksum is "
                        + Long.toHexString(crc.getValue()) + ", the archive says " + Long.toHexString(e.getCrc()) + ")");
            }
            return lines(new ByteArrayInputStream(bytes));
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (holdsLocalHeader(model, entry)) {
                throw new BadInputException(model, "its embedded archive holding the label file " + entry
                        + " cannot be read (cut short or damaged): " + e.getMessage());
            }
            return null;
        }
    }

    /**
     * Whether the file holds a zip local file header for {@code entry}: read in pieces of
     * {@link #SCAN_CHUNK} bytes, each overlapping the one before by a header's length, so a large
     * model is never held whole.
     */
    private static boolean holdsLocalHeader(Path file, String entry) {
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        int overlap = 30 + name.length;
        byte[] b = new byte[SCAN_CHUNK + overlap];
        try (InputStream in = Files.newInputStream(file)) {
            int have = 0;
            while (true) {
                int n = in.readNBytes(b, have, b.length - have);
                have += n;
                for (int i = 0; i + overlap <= have; i++) {
                    if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 3 && b[i + 3] == 4
                            && ((b[i + 26] & 0xFF) | (b[i + 27] & 0xFF) << 8) == name.length
                            && Arrays.equals(b, i + 30, i + 30 + name.length, name, 0, name.length)) {
                        return true;
                    }
                }
                if (have < b.length) {
                    return false; // the end of the file
                }
                System.arraycopy(b, have - overlap, b, 0, overlap); // a header across the boundary is seen next
                have = overlap;
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** How much of a model {@link #holdsLocalHeader} reads at a time. */
    private static final int SCAN_CHUNK = 1 << 20;

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
