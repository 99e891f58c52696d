package org.mobilenet.io.keras;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.mobilenet.io.BadInputException;

/**
 * The members of a Keras 3 .keras archive that the import needs, read from the zip in memory with
 * limits: {@code config.json} (at most {@link #MAX_CONFIG} bytes) and {@code model.weights.h5} (at
 * most {@link KerasImporter#MAX_FILE} bytes, and at most {@link #MAX_RATIO} times the archive's size,
 * so a zip bomb stops early). Nothing is written to disk; a member whose name could escape a folder
 * ({@code ..}, an absolute path, a backslash) marks the archive hostile and is refused all the same.
 *
 * @param config  the config.json text
 * @param weights the model.weights.h5 bytes
 */
record KerasArchive(String config, byte[] weights) {
    static final int MAX_CONFIG = 16 << 20;
    /** Float weights barely compress; a member inflating beyond this many times the archive is a bomb. */
    static final long MAX_RATIO = 64;
    static final int MAX_ENTRIES = 1024;

    static KerasArchive read(Path path, byte[] zip) throws BadInputException {
        if (zip.length < 4 || zip[0] != 'P' || zip[1] != 'K') {
            throw new BadInputException(path, "not a .keras archive (expected a zip file, starting with PK)");
        }
        long weightsLimit = Math.min(KerasImporter.MAX_FILE, MAX_RATIO * zip.length + (1 << 20));
        String config = null;
        byte[] weights = null;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName();
                if (++entries > MAX_ENTRIES) {
                    throw new BadInputException(path, "the archive has more than " + MAX_ENTRIES + " members");
                }
                if (name.startsWith("/") || name.contains("\\") || name.contains("\0")
                        || java.util.Arrays.asList(name.split("/")).contains("..")) {
                    throw new BadInputException(path, "archive member '" + name + "' has an unsafe name (absolute,"
                            + " or climbing out with ..)");
                }
                if (name.equals("config.json")) {
                    config = new String(member(path, in, name, MAX_CONFIG), StandardCharsets.UTF_8);
                } else if (name.equals("model.weights.h5")) {
                    weights = member(path, in, name, weightsLimit);
                }
            }
        } catch (java.util.zip.ZipException | IllegalArgumentException e) {
            throw new BadInputException(path, "malformed .keras archive (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            throw new BadInputException(path, "malformed .keras archive (" + e.getMessage() + ")", e);
        }
        if (config == null || weights == null) {
            throw new BadInputException(path, "the .keras archive has no " + (config == null ? "config.json"
                    : "model.weights.h5") + " (expected config.json, metadata.json and model.weights.h5)");
        }
        return new KerasArchive(config, weights);
    }

    /** A member's bytes, refused past {@code limit} whatever its header claims. */
    private static byte[] member(Path path, ZipInputStream in, String name, long limit) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (b.length > limit) {
            throw new BadInputException(path, "archive member '" + name + "' inflates to more than " + limit
                    + " bytes (a zip bomb, or not a MobileNet)");
        }
        return b;
    }
}
