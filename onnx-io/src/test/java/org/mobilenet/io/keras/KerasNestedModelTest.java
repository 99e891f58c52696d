package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.json.Json;
import org.mobilenet.io.keras.KerasTestModels.Layer;
import org.mobilenet.io.keras.KerasTestModels.Var;

/**
 * Models nested in models, as transfer learning and Teachable Machine save them: a Sequential of a
 * Sequential (holding a Functional MobileNet and its pooling) and a Sequential head of two Dense
 * layers. Written in code in Keras 2's whole-model .h5 (the nested models' variables in the outermost
 * one's group, trainable ones first) and Keras 3's .keras archive (a nested model's layers under its
 * own path); each imports as the same flat model and computes its outputs exactly.
 */
class KerasNestedModelTest {
    @TempDir
    Path dir;

    private static final int SIZE = 64;
    private static final int HIDDEN = 12;
    private static final int CLASSES = 3;

    /** The tutorial MobileNet (input, body, global pooling) and a two-layer head, all flat. */
    private static List<Layer> flat() {
        List<Layer> t = new ArrayList<>(KerasTestModels.tutorial(0.25, SIZE, CLASSES, 11, false));
        t.remove(t.size() - 1); // its Dense: the head below replaces it
        int c = channels(t);
        Random r = new Random(3);
        Map<String, Object> hidden = new LinkedHashMap<>();
        hidden.put("units", (long) HIDDEN);
        hidden.put("activation", "relu");
        hidden.put("use_bias", true);
        t.add(new Layer("Dense", "dense_Dense1", hidden, List.of(var(r, "kernel", c, HIDDEN), var(r, "bias", HIDDEN))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("units", (long) CLASSES);
        out.put("activation", "softmax");
        out.put("use_bias", false);
        t.add(new Layer("Dense", "dense_Dense2", out, List.of(var(r, "kernel", HIDDEN, CLASSES))));
        return t;
    }

    /** The channels of the last convolution's output. */
    private static int channels(List<Layer> t) {
        for (int i = t.size() - 1; i >= 0; i--) {
            if (t.get(i).cls().equals("Conv2D")) {
                return (int) (long) (Long) t.get(i).config().get("filters");
            }
        }
        throw new AssertionError("no Conv2D");
    }

    private static Var var(Random r, String name, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() / Math.sqrt(shape[0]));
        }
        return new Var(name, shape, v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) throws Exception {
        return (Map<String, Object>) Json.parse(json);
    }

    /** A layer entry of a Sequential (no inbound nodes). */
    private static Map<String, Object> seqEntry(Layer l) {
        Map<String, Object> c = new LinkedHashMap<>(l.config());
        c.put("name", l.name());
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("class_name", l.cls());
        e.put("config", c);
        return e;
    }

    private static Map<String, Object> model(String cls, String name, List<Object> layers, Map<String, Object> extra) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", name);
        cfg.put("layers", layers);
        cfg.putAll(extra);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("class_name", cls);
        e.put("config", cfg);
        return e;
    }

    private static Layer input(String name, Object shape) {
        return new Layer("InputLayer", name, new LinkedHashMap<>(Map.of("batch_input_shape", shape)), List.of());
    }

    /**
     * Teachable Machine's layout in Keras 2: Sequential[Sequential 'sequential_1'[InputLayer,
     * Functional 'model1' (input, body), GlobalAveragePooling2D], Sequential 'sequential_3'[InputLayer,
     * Dense, Dense]].
     */
    @SuppressWarnings("unchecked")
    private static String keras2Nested(List<Layer> t, int pool) throws Exception {
        Map<String, Object> body = parse(KerasTestModels.keras2Config(t.subList(0, pool)));
        Map<String, Object> functional = model("Functional", "model1",
                (List<Object>) ((Map<String, Object>) body.get("config")).get("layers"),
                Map.of("input_layers", List.of(List.of(t.get(0).name(), 0L, 0L)),
                        "output_layers", List.of(List.of(t.get(pool - 1).name(), 0L, 0L))));
        List<Object> features = new ArrayList<>();
        features.add(seqEntry(input("model1_input", java.util.Arrays.asList(null, (long) SIZE, (long) SIZE, 3L))));
        features.add(functional);
        features.add(seqEntry(t.get(pool)));
        List<Object> head = new ArrayList<>();
        long c = t.get(pool + 1).vars().get(0).shape()[0];
        head.add(seqEntry(input("dense_Dense1_input", java.util.Arrays.asList(null, c))));
        head.add(seqEntry(t.get(pool + 1)));
        head.add(seqEntry(t.get(pool + 2)));
        List<Object> outer = new ArrayList<>();
        outer.add(seqEntry(input("sequential_1_input", java.util.Arrays.asList(null, (long) SIZE, (long) SIZE, 3L))));
        outer.add(model("Sequential", "sequential_1", features, Map.of()));
        outer.add(model("Sequential", "sequential_3", head, Map.of()));
        return Json.write(model("Sequential", "sequential_4", outer, Map.of()));
    }

    private static boolean trainable(Var v) {
        return !v.name().startsWith("moving_");
    }

    /** A whole-model .h5 whose weight groups are the outer model's layers, each holding its inner layers' variables. */
    private static void writeKeras2Nested(List<Layer> t, int pool, Path file) throws Exception {
        Map<String, List<Layer>> groups = new LinkedHashMap<>();
        groups.put("sequential_1", t.subList(0, pool + 1));
        groups.put("sequential_3", t.subList(pool + 1, t.size()));
        try (WritableHdfFile h = HdfFile.write(file)) {
            h.putAttribute("model_config", keras2Nested(t, pool));
            h.putAttribute("keras_version", "2.4.0");
            h.putAttribute("backend", "tensorflow");
            WritableGroup root = h.putGroup("model_weights");
            root.putAttribute("layer_names", groups.keySet().toArray(String[]::new));
            for (Map.Entry<String, List<Layer>> g : groups.entrySet()) {
                putModelGroup(root, g.getKey(), g.getValue());
            }
        }
    }

    /**
     * The group Keras 2 writes for a layer of the outermost model: a nested model's (or one layer's)
     * variables as {@code <layer>/<variable>:0}, the trainable ones of them all listed first.
     */
    private static void putModelGroup(WritableGroup root, String name, List<Layer> layers) {
        WritableGroup group = root.putGroup(name);
        List<String> names = new ArrayList<>();
        // Keras lists a model's trainable variables first, then the others (moving mean, variance).
        for (boolean pass : new boolean[] {true, false}) {
            for (Layer l : layers) {
                for (Var v : l.vars()) {
                    if (trainable(v) == pass) {
                        names.add(l.name() + "/" + v.name() + ":0");
                    }
                }
            }
        }
        for (Layer l : layers) {
            if (l.vars().isEmpty()) {
                continue;
            }
            WritableGroup lg = group.putGroup(l.name());
            for (Var v : l.vars()) {
                lg.putDataset(v.name() + ":0", KerasTestModels.nested(v.data(), v.shape()));
            }
        }
        group.putAttribute("weight_names", names.toArray(String[]::new));
    }

    /**
     * Keras 3's layout: a Functional of [InputLayer, Functional 'functional' (input, body, pooling),
     * Dense, Dense], the inner layers' variables under layers/functional/layers/&lt;class&gt;[_k]/vars.
     */
    @SuppressWarnings("unchecked")
    private void writeKeras3Nested(List<Layer> t, int pool, Path file) throws Exception {
        Map<String, Object> inner = parse(KerasTestModels.keras3Config(t.subList(0, pool + 1)));
        inner.put("name", "functional");
        ((Map<String, Object>) inner.get("config")).put("name", "functional");
        List<Layer> outerLayers = new ArrayList<>();
        outerLayers.add(input("image", java.util.Arrays.asList(null, (long) SIZE, (long) SIZE, 3L)));
        outerLayers.add(new Layer("Functional", "functional", Map.of(), List.of()));
        outerLayers.add(t.get(pool + 1));
        outerLayers.add(t.get(pool + 2));
        Map<String, Object> outer = parse(KerasTestModels.keras3Config(outerLayers));
        List<Object> entries = (List<Object>) ((Map<String, Object>) outer.get("config")).get("layers");
        Map<String, Object> nestedEntry = (Map<String, Object>) entries.get(1);
        nestedEntry.put("config", inner.get("config"));
        nestedEntry.put("module", "keras.src.models.functional");

        Path h5 = dir.resolve("w.h5");
        try (WritableHdfFile h = HdfFile.write(h5)) {
            WritableGroup top = h.putGroup("layers");
            WritableGroup nested = top.putGroup("functional").putGroup("layers");
            Map<String, Integer> count = new LinkedHashMap<>();
            for (Layer l : t.subList(0, pool + 1)) {
                String base = KerasWeights.snakeCase(l.cls());
                int k = count.merge(base, 1, Integer::sum) - 1;
                if (!l.vars().isEmpty()) {
                    putVars(nested.putGroup(k == 0 ? base : base + "_" + k), l);
                }
            }
            putVars(top.putGroup("dense"), t.get(pool + 1));
            putVars(top.putGroup("dense_1"), t.get(pool + 2));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            KerasTestModels.entry(z, "metadata.json", "{\"keras_version\": \"3.6.0\"}".getBytes(StandardCharsets.UTF_8));
            KerasTestModels.entry(z, "config.json", Json.write(outer).getBytes(StandardCharsets.UTF_8));
            KerasTestModels.entry(z, "model.weights.h5", Files.readAllBytes(h5));
        }
        Files.write(file, bytes.toByteArray());
    }

    private static void putVars(WritableGroup g, Layer l) {
        WritableGroup vars = g.putGroup("vars");
        for (int i = 0; i < l.vars().size(); i++) {
            vars.putDataset(String.valueOf(i), KerasTestModels.nested(l.vars().get(i).data(), l.vars().get(i).shape()));
        }
    }

    private static int poolIndex(List<Layer> t) {
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).cls().equals("GlobalAveragePooling2D")) {
                return i;
            }
        }
        throw new AssertionError("no pooling");
    }

    private static float[] run(Model m, float[] x) {
        try (Network n = Network.compile(m)) {
            return n.forward(x, 1);
        }
    }

    @Test
    void aTeachableMachineStyleNestedSequentialImportsAsTheFlatModel() throws Exception {
        List<Layer> t = flat();
        int pool = poolIndex(t);
        Path flatFile = dir.resolve("flat.h5");
        Path nestedFile = dir.resolve("keras_model.h5");
        KerasTestModels.writeLegacy(t, flatFile, true, false);
        writeKeras2Nested(t, pool, nestedFile);
        Model want = ModelFiles.load(flatFile);
        Model got = ModelFiles.load(nestedFile);
        assertEquals(want.graph().layers().size(), got.graph().layers().size());
        List<LayerSpec> fcs = got.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).toList();
        assertEquals(2, fcs.size());
        assertEquals(Activation.RELU, fcs.get(0).activation());
        assertEquals(CLASSES, got.classes());
        float[] x = KerasImportTest.randomInput(SIZE, 5);
        assertArrayEquals(run(want, x), run(got, x), 0f);
    }

    @Test
    void aKeras3ArchiveWithAFunctionalInsideImportsAsTheFlatModel() throws Exception {
        List<Layer> t = flat();
        int pool = poolIndex(t);
        Path flatFile = dir.resolve("flat.keras");
        Path nestedFile = dir.resolve("nested.keras");
        KerasTestModels.writeArchive(t, flatFile);
        writeKeras3Nested(t, pool, nestedFile);
        Model want = ModelFiles.load(flatFile);
        Model got = ModelFiles.load(nestedFile);
        assertEquals(want.graph().layers().size(), got.graph().layers().size());
        float[] x = KerasImportTest.randomInput(SIZE, 6);
        assertArrayEquals(run(want, x), run(got, x), 0f);
    }

    /** A Functional entry reading {@code from} (Keras 2's inbound node, with the call's keyword arguments). */
    private static Map<String, Object> functionalEntry(String cls, String name, Map<String, Object> config, String from,
            Map<String, Object> kwargs) {
        Map<String, Object> c = new LinkedHashMap<>(config);
        c.put("name", name);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("class_name", cls);
        e.put("config", c);
        e.put("name", name);
        e.put("inbound_nodes", from == null ? List.of() : List.of(List.of(List.of(from, 0L, 0L, kwargs))));
        return e;
    }

    /**
     * TensorFlow's transfer-learning tutorial: a Functional of its input, a Sequential of augmentation
     * layers, preprocess_input as two TFOpLambda ({@code x / 127.5}, {@code - 1}), the MobileNet as a
     * nested Functional, pooling, Dropout and a Dense(1) logit. It imports as the same model written
     * flat with a Rescaling layer, with the same preprocessing of raw pixels.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theTransferLearningTutorialsModelImportsWithItsInModelPreprocessing() throws Exception {
        List<Layer> t = new ArrayList<>(KerasTestModels.tutorial(0.25, SIZE, 1, 17, false));
        Layer logit = t.remove(t.size() - 1);
        Map<String, Object> linear = new LinkedHashMap<>(logit.config());
        linear.put("activation", "linear");
        int pool = poolIndex(t);
        Map<String, Object> body = parse(KerasTestModels.keras2Config(t.subList(0, pool)));
        Map<String, Object> bodyCfg = (Map<String, Object>) body.get("config");
        bodyCfg.put("output_layers", List.of(List.of(t.get(pool - 1).name(), 0L, 0L)));
        Map<String, Object> kwDiv = new LinkedHashMap<>();
        kwDiv.put("y", 127.5);
        kwDiv.put("name", null);
        Map<String, Object> kwSub = new LinkedHashMap<>();
        kwSub.put("y", 1.0);
        kwSub.put("name", null);
        List<Object> augment = List.of(seqEntry(new Layer("RandomFlip", "random_flip", new LinkedHashMap<>(Map.of("mode",
                "horizontal")), List.of())), seqEntry(new Layer("RandomRotation", "random_rotation",
                new LinkedHashMap<>(Map.of("factor", 0.2)), List.of())));
        List<Object> outer = new ArrayList<>();
        outer.add(functionalEntry("InputLayer", "input_2", Map.of("batch_input_shape", java.util.Arrays.asList(null,
                (long) SIZE, (long) SIZE, 3L)), null, Map.of()));
        outer.add(functionalEntry("Sequential", "sequential", Map.of("layers", augment), "input_2", Map.of()));
        outer.add(functionalEntry("TFOpLambda", "tf.math.truediv", Map.of("function", "math.truediv"), "sequential",
                kwDiv));
        outer.add(functionalEntry("TFOpLambda", "tf.math.subtract", Map.of("function", "math.subtract"),
                "tf.math.truediv", kwSub));
        outer.add(functionalEntry("Functional", "mobilenet", bodyCfg, "tf.math.subtract", Map.of()));
        outer.add(functionalEntry("GlobalAveragePooling2D", "global_average_pooling2d", Map.of(), "mobilenet", Map.of()));
        outer.add(functionalEntry("Dropout", "dropout", Map.of("rate", 0.2), "global_average_pooling2d", Map.of()));
        outer.add(functionalEntry("Dense", logit.name(), linear, "dropout", Map.of()));
        String config = Json.write(model("Functional", "model", outer, Map.of("input_layers",
                List.of(List.of("input_2", 0L, 0L)), "output_layers", List.of(List.of(logit.name(), 0L, 0L)))));

        Path nested = dir.resolve("tutorial.h5");
        try (WritableHdfFile h = HdfFile.write(nested)) {
            h.putAttribute("model_config", config);
            h.putAttribute("keras_version", "2.9.0");
            h.putAttribute("backend", "tensorflow");
            WritableGroup root = h.putGroup("model_weights");
            root.putAttribute("layer_names", new String[] {"mobilenet", logit.name()});
            putModelGroup(root, "mobilenet", t.subList(0, pool));
            putModelGroup(root, logit.name(), List.of(logit));
        }
        List<Layer> flat = new ArrayList<>(t);
        flat.add(1, new Layer("Rescaling", "rescaling", new LinkedHashMap<>(Map.of("scale", 1 / 127.5, "offset", -1.0)),
                List.of()));
        flat.add(new Layer("Dense", logit.name(), linear, logit.vars()));
        Path flatFile = dir.resolve("flat.h5");
        KerasTestModels.writeLegacy(flat, flatFile, true, false);
        Model want = ModelFiles.load(flatFile);
        Model got = ModelFiles.load(nested);
        assertArrayEquals(want.preprocessing().mean(), got.preprocessing().mean(), 1e-4f);
        assertArrayEquals(want.preprocessing().std(), got.preprocessing().std(), 1e-4f);
        assertEquals(want.graph().layers().size(), got.graph().layers().size());
        assertEquals(1, got.classes());
        float[] x = KerasImportTest.randomInput(SIZE, 9);
        assertArrayEquals(run(want, x), run(got, x), 0f);
    }

    @Test
    void twoLayersOfOneNameInDifferentNestedModelsAreRefusedNamingIt() throws Exception {
        List<Layer> t = flat();
        int pool = poolIndex(t);
        // The head's first Dense renamed as a body layer: legal in Keras across models, ambiguous here.
        String clash = t.get(1).name();
        Layer d = t.get(pool + 1);
        t.set(pool + 1, new Layer(d.cls(), clash, d.config(), d.vars(), d.inbound()));
        Path f = dir.resolve("clash.h5");
        writeKeras2Nested(t, pool, f);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("'" + clash + "'") && e.getMessage().contains("unique"), e.getMessage());
    }
}
