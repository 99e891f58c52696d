package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;

/**
 * Keras files that are truncated, declare more than they hold, or are hostile archives are refused
 * with one line naming the file and the problem; well-formed files of models the engine does not run
 * are called unsupported.
 */
class KerasHostileFileTest {
    @TempDir
    Path dir;

    private BadInputException refused(Path f) {
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void truncatedH5IsRefusedAtEveryLength() throws Exception {
        Path whole = dir.resolve("whole.h5");
        KerasFixtures.tutorialWholeModel(whole, 32);
        byte[] b = Files.readAllBytes(whole);
        for (int len : new int[] {0, 7, 9, 12, 13, 100, 1000, b.length / 3, b.length / 2, b.length - 100, b.length - 1}) {
            Path f = dir.resolve("cut" + len + ".h5");
            Files.write(f, Arrays.copyOf(b, len));
            refused(f);
        }
    }

    @Test
    void notAnHdf5FileIsNamedSo() throws Exception {
        Path f = dir.resolve("text.h5");
        Files.writeString(f, "this is not HDF5, just text with an .h5 name");
        assertTrue(refused(f).getMessage().contains("not an HDF5 file"));
    }

    /** A dataset whose dimensions are patched, after writing, to declare far more values than it holds. */
    private Path patchedDims(long newLast) throws Exception {
        Path f = dir.resolve("dims" + newLast + ".h5");
        try (WritableHdfFile h = HdfFile.write(f)) {
            h.putDataset("d", new float[100][100][17]);
        }
        byte[] b = Files.readAllBytes(f);
        byte[] want = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(100).putLong(100).putLong(17).array();
        int at = indexOf(b, want);
        assertTrue(at > 0, "dataspace not found");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at + 16, newLast);
        // The dataspace sits in a version 2 object header, whose checksum must follow the change.
        int start = at;
        while (!(b[start] == 'O' && b[start + 1] == 'H' && b[start + 2] == 'D' && b[start + 3] == 'R')) {
            start--;
        }
        int flags = b[start + 5];
        int sizeBytes = 1 << (flags & 3);
        int pos = start + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        long chunk = 0;
        for (int i = sizeBytes - 1; i >= 0; i--) {
            chunk = (chunk << 8) | (b[pos + i] & 0xff);
        }
        int end = (int) (pos + sizeBytes + chunk);
        int sum = io.jhdf.checksum.ChecksumUtils.checksum(Arrays.copyOfRange(b, start, end));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(end, sum);
        Files.write(f, b);
        return f;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void datasetDeclaringMoreThanTheLimitIsRefusedBeforeReading() throws Exception {
        Path f = patchedDims(1L << 30);
        try (H5File h = H5File.open(f, "", Files.readAllBytes(f))) {
            BadInputException e = assertThrows(BadInputException.class, () -> h.floats("d", null));
            assertTrue(e.getMessage().contains("declares"), e.getMessage());
        } catch (BadInputException e) {
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage()); // refused on opening is as good
        }
    }

    @Test
    void datasetDeclaringMoreBytesThanTheFileIsRefused() throws Exception {
        Path f = patchedDims(1000);
        try (H5File h = H5File.open(f, "", Files.readAllBytes(f))) {
            BadInputException e = assertThrows(BadInputException.class, () -> h.floats("d", null));
            assertTrue(e.getMessage().contains("more than the file"), e.getMessage());
        }
    }

    @Test
    void datasetOfTheWrongShapeIsNamed() throws Exception {
        Path f = dir.resolve("shape.h5");
        try (WritableHdfFile h = HdfFile.write(f)) {
            h.putDataset("d", new float[2][3]);
        }
        try (H5File h = H5File.open(f, "", Files.readAllBytes(f))) {
            BadInputException e = assertThrows(BadInputException.class, () -> h.floats("d", new int[] {3, 2}));
            assertTrue(e.getMessage().contains("has shape [2, 3], expected [3, 2]"), e.getMessage());
        }
    }

    private Path zip(String name, List<String> entries, List<byte[]> data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.size(); i++) {
                KerasTestModels.entry(z, entries.get(i), data.get(i));
            }
        }
        Path f = dir.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }

    @Test
    void zipBombArchiveStopsEarly() throws Exception {
        byte[] zeros = new byte[64 << 20]; // deflates to about 64 KB
        Path f = zip("bomb.keras", List.of("config.json", "model.weights.h5"),
                List.of("{}".getBytes(StandardCharsets.UTF_8), zeros));
        assertTrue(Files.size(f) < 1 << 20);
        assertTrue(refused(f).getMessage().contains("inflates to more than"));
    }

    @Test
    void zipSlipMemberNameIsRefused() throws Exception {
        Path f = zip("slip.keras", List.of("../../evil.sh", "config.json"),
                List.of("#!/bin/sh".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused(f).getMessage().contains("unsafe name"));
        assertTrue(Files.notExists(dir.getParent().resolve("evil.sh")));
    }

    @Test
    void archiveWithoutWeightsSaysWhatIsMissing() throws Exception {
        Path f = zip("noweights.keras", List.of("config.json", "metadata.json"),
                List.of("{}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused(f).getMessage().contains("no model.weights.h5"));
    }

    @Test
    void unsupportedLayerIsCalledUnsupportedAndNamed() throws Exception {
        List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.tutorial(0.25, 32, 3, 1, false));
        t.add(t.size() - 1, new KerasTestModels.Layer("LayerNormalization", "layer_normalization",
                new java.util.LinkedHashMap<>(), List.of()));
        Path f = dir.resolve("ln.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        String m = refused(f).getMessage();
        assertTrue(m.contains("unsupported: layer 'layer_normalization' is LayerNormalization"), m);
    }

    @Test
    void weightsOnlyFileOfAnotherModelIsUnsupported() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.tutorial(0.25, 32, 3, 1, false);
        Path f = dir.resolve("other.h5");
        KerasTestModels.writeLegacy(t, f, false, false);
        String m = refused(f).getMessage();
        assertTrue(m.contains("unsupported: a weights-only file holds no architecture"), m);
    }

    @Test
    void missingWeightIsNamed() throws Exception {
        List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.tutorial(0.25, 32, 3, 1, false));
        KerasTestModels.Layer dense = t.get(t.size() - 1);
        t.set(t.size() - 1, new KerasTestModels.Layer(dense.cls(), dense.name(), dense.config(), dense.vars().subList(0, 1)));
        Path f = dir.resolve("missing.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        String m = refused(f).getMessage();
        assertTrue(m.contains("layer 'dense' (Dense) has 1 weights in the file, expected 2"), m);
        assertEquals(-1, m.indexOf('\n'));
    }
}
