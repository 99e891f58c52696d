package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.json.Json;
import org.mobilenet.io.tflite.TfliteImporter;

/**
 * Keras files as libhdf5 writes them (h5py's way: NUL-padded fixed-length byte strings, an empty group
 * with an empty float64 {@code weight_names} for each layer without weights), made by rewriting the
 * test's jHDF fixtures with h5wasm ({@code testdata/node/h5py-style.mjs}), import as the jHDF ones do.
 */
class KerasLibhdf5FileTest {
    static List<KerasTestModels.Layer> applications;
    static float[] cat;
    @TempDir
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        applications = KerasTestModels.applications(TfliteImporter.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite")));
        cat = new ImagePreprocessor(Preprocessing.tensorflow(), 160).apply(new ImageLoader().load(SharedData.image("cat.bmp")));
    }

    /** Rewrites {@code jhdf} with libhdf5 as h5py would have written it, listing every layer. */
    static Path h5pyStyle(Path jhdf, Path out, List<KerasTestModels.Layer> layers, String root) throws Exception {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("root", root);
        plan.put("layer_names", layers.stream().map(KerasTestModels.Layer::name).toList());
        Path planFile = Files.createTempFile(dir, "plan", ".json");
        Files.writeString(planFile, Json.write(plan), StandardCharsets.UTF_8);
        Path script = Path.of(System.getProperty("mobilenet.root", "..")).resolve("testdata/node/h5py-style.mjs");
        Process p = new ProcessBuilder("node", script.toString(), jhdf.toString(), out.toString(), planFile.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "h5wasm did not finish");
        assertEquals(0, p.exitValue(), "h5wasm failed rewriting " + jhdf);
        return out;
    }

    private static int top(float[] p) {
        int t = 0;
        for (int i = 0; i < p.length; i++) {
            t = p[i] > p[t] ? i : t;
        }
        return t;
    }

    private static KerasReference.Weights legacy(Path file, String root) {
        return l -> {
            try (HdfFile h = new HdfFile(file)) {
                List<float[]> out = new ArrayList<>();
                for (KerasTestModels.Var v : l.vars()) {
                    out.add((float[]) h.getDatasetByPath(root + l.name() + "/" + l.name() + "/" + v.name() + ":0")
                            .getDataFlat());
                }
                return out;
            }
        };
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4, "output " + i);
        }
    }

    @Test
    void h5pyStyleWholeModelImportsAndMatchesKerasForwardPass() throws Exception {
        Path jhdf = dir.resolve("jhdf-whole.h5");
        KerasTestModels.writeLegacy(applications, jhdf, true, false);
        Path f = h5pyStyle(jhdf, dir.resolve("whole.h5"), applications, "model_weights");
        Model m = ModelFiles.load(f);
        assertEquals(0.5, m.spec().alpha());
        float[] p = Network.compile(m).forward(cat, 1);
        assertEquals(285, top(p));
        assertClose(KerasReference.forward(applications, legacy(f, "model_weights/"), cat, 160, 160), p);
    }

    @Test
    void h5pyStyleWeightsOnlyFileImports() throws Exception {
        Path jhdf = dir.resolve("jhdf-weights.h5");
        KerasTestModels.writeLegacy(applications, jhdf, false, false);
        Files.createDirectories(dir.resolve("w"));
        Path f = h5pyStyle(jhdf, dir.resolve("w/mobilenet_5_0_160_tf.h5"), applications, "");
        Model m = ModelFiles.load(f);
        assertEquals(160, m.resolution());
        assertEquals(285, top(Network.compile(m).forward(cat, 1)));
    }

    @Test
    void h5pyStyleTutorialModelImports() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.tutorial(0.25, 64, 3, 9, false);
        Path jhdf = dir.resolve("jhdf-tutorial.h5");
        KerasTestModels.writeLegacy(t, jhdf, true, false);
        Path f = h5pyStyle(jhdf, dir.resolve("tutorial.h5"), t, "model_weights");
        Model m = ModelFiles.load(f);
        float[] x = new float[64 * 64 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.cos(i * 0.013);
        }
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/"), x, 64, 64), Network.compile(m).forward(x, 1));
    }
}
