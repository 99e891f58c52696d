package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal HDF5 writer's files read back with jHDF and with libhdf5 (h5wasm): groups, empty groups,
 * floats, string and empty-list attributes.
 */
class H5WriterTest {
    @TempDir
    Path dir;

    private static H5Writer.Group sample() {
        H5Writer.Group root = new H5Writer.Group();
        H5Writer.Group layers = root.group("layers");
        layers.group("conv2d").group("vars").dataset("0", new int[] {3, 1, 2, 5}, ramp(30));
        layers.group("re_lu").group("vars");
        H5Writer.Group bn = layers.group("batch_normalization").group("vars");
        for (int i = 0; i < 4; i++) {
            bn.dataset(String.valueOf(i), new int[] {7}, ramp(7));
        }
        layers.group("ünïcode_name").group("vars").dataset("0", new int[] {1}, new float[] {-0f});
        root.group("vars");
        root.attribute("backend", "tensorflow");
        root.attribute("layer_names", List.of("conv2d", "re_lu", "a_longer_name"));
        layers.group("re_lu").attribute("weight_names", List.of());
        return root;
    }

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (i * 0.1 - 1.3);
        }
        return f;
    }

    @Test
    void writtenFileReadsBackWithJhdf() throws Exception {
        byte[] b = H5Writer.write(sample());
        Path f = dir.resolve("w.h5");
        Files.write(f, b);
        assertEquals(b.length, H5File.endOfFile(b));
        try (H5File h = H5File.open(f, "", b)) {
            assertEquals(List.of("conv2d", "re_lu", "batch_normalization", "ünïcode_name"), h.children("layers"));
            assertEquals(List.of(), h.children("vars"));
            assertTrue(h.isGroup("vars"));
            assertEquals(List.of(), h.children("layers/re_lu/vars"));
            H5File.Array a = h.floats("layers/conv2d/vars/0", new int[] {3, 1, 2, 5});
            assertArrayEquals(ramp(30), a.data());
            assertArrayEquals(ramp(7), h.floats("layers/batch_normalization/vars/3", null).data());
            assertEquals("tensorflow", h.stringAttribute("", "backend"));
            assertEquals(List.of("conv2d", "re_lu", "a_longer_name"), h.stringListAttribute("", "layer_names"));
            assertEquals(List.of(), h.stringListAttribute("layers/re_lu", "weight_names"));
            assertEquals(Float.floatToIntBits(-0f),
                    Float.floatToIntBits(h.floats("layers/ünïcode_name/vars/0", null).data()[0]));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void writtenFileReadsBackWithLibhdf5() throws Exception {
        Path f = dir.resolve("w.h5");
        Files.write(f, H5Writer.write(sample()));
        Map<String, Object> dump = KerasExportTest.h5wasm(f);
        Map<String, Object> groups = (Map<String, Object>) dump.get("groups");
        Map<String, Object> datasets = (Map<String, Object>) dump.get("datasets");
        assertTrue(groups.containsKey("/vars") && groups.containsKey("/layers/re_lu/vars"), groups.toString());
        assertEquals(6, datasets.size());
        Map<String, Object> root = (Map<String, Object>) groups.get("/");
        assertEquals("tensorflow", root.get("backend"));
        assertEquals(List.of("conv2d", "re_lu", "a_longer_name"), root.get("layer_names"));
        assertEquals(List.of(), ((Map<String, Object>) groups.get("/layers/re_lu")).get("weight_names"));
        Map<String, Object> conv = (Map<String, Object>) datasets.get("/layers/conv2d/vars/0");
        assertEquals(List.of(3L, 1L, 2L, 5L), conv.get("shape"));
    }

    @Test
    void datasetWhoseShapeDoesNotHoldItsValuesIsRefused() {
        H5Writer.Group root = new H5Writer.Group();
        assertThrows(IllegalArgumentException.class, () -> root.dataset("d", new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> root.group("a/b"));
    }
}
