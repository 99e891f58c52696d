package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.json.Json;
import org.mobilenet.io.tflite.TfliteImporter;

/**
 * {@code convert X Y.h5} writes keras.applications.MobileNet's weights file: opened with h5wasm
 * (libhdf5 under Node, an HDF5 reader independent of jHDF) it has Keras's layer and weight names,
 * shapes and values; read back it classifies as the source model does.
 */
class KerasExportTest {
    static Model coral;
    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        coral = TfliteImporter.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite"));
    }

    /** The file as h5wasm reads it: groups' attributes and datasets' shapes and float32 values. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> h5wasm(Path file) throws Exception {
        Path root = Path.of(System.getProperty("mobilenet.root", ".."));
        Path script = root.resolve("testdata/node/h5dump.mjs");
        assertTrue(Files.isRegularFile(script), "missing " + script);
        Path out = Files.createTempFile(file.toAbsolutePath().getParent(), "dump", ".json");
        Process p = new ProcessBuilder("node", script.toString(), file.toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "h5wasm did not finish");
        assertEquals(0, p.exitValue(), "h5wasm failed on " + file);
        return (Map<String, Object>) Json.parse(Files.readString(out, StandardCharsets.UTF_8));
    }

    private static float[] floats(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    /** keras.applications.MobileNet's layers, in its order, written out by hand. */
    private static List<String> kerasLayerNames() {
        List<String> n = new ArrayList<>(List.of("input_1", "conv1", "conv1_bn", "conv1_relu"));
        for (int i = 1; i <= 13; i++) {
            if (i == 2 || i == 4 || i == 6 || i == 12) {
                n.add("conv_pad_" + i);
            }
            n.addAll(List.of("conv_dw_" + i, "conv_dw_" + i + "_bn", "conv_dw_" + i + "_relu", "conv_pw_" + i,
                    "conv_pw_" + i + "_bn", "conv_pw_" + i + "_relu"));
        }
        n.addAll(List.of("global_average_pooling2d", "dropout", "conv_preds", "reshape_2", "predictions"));
        return n;
    }

    @Test
    @SuppressWarnings("unchecked")
    void exportedH5OpensWithH5wasmWithKerasApplicationsNamesShapesAndValues() throws Exception {
        Path f = dir.resolve("mobilenet_5_0_160_tf.h5");
        ModelFiles.save(coral, f, ModelFiles.SaveOptions.defaults());
        Map<String, Object> dump = h5wasm(f);
        Map<String, Object> groups = (Map<String, Object>) dump.get("groups");
        Map<String, Object> datasets = (Map<String, Object>) dump.get("datasets");
        Map<String, Object> root = (Map<String, Object>) groups.get("/");
        assertEquals(kerasLayerNames(), root.get("layer_names"));
        assertEquals("tensorflow", root.get("backend"));
        assertTrue(((String) root.get("keras_version")).startsWith("2."));
        assertEquals(List.of("conv1/kernel:0"), ((Map<String, Object>) groups.get("/conv1")).get("weight_names"));
        assertEquals(List.of("conv_dw_3/depthwise_kernel:0"),
                ((Map<String, Object>) groups.get("/conv_dw_3")).get("weight_names"));
        assertEquals(List.of("conv_pw_13_bn/gamma:0", "conv_pw_13_bn/beta:0", "conv_pw_13_bn/moving_mean:0",
                "conv_pw_13_bn/moving_variance:0"), ((Map<String, Object>) groups.get("/conv_pw_13_bn")).get("weight_names"));
        assertEquals(List.of("conv_preds/kernel:0", "conv_preds/bias:0"),
                ((Map<String, Object>) groups.get("/conv_preds")).get("weight_names"));
        assertEquals(List.of(), ((Map<String, Object>) groups.get("/conv_pad_4")).get("weight_names"),
                "layers without weights are listed with an empty weight_names, as Keras writes them");

        // conv1: HWIO (3, 3, 3, 16) of the Coral [16, 3, 3, 3] weights.
        Map<String, Object> conv1 = (Map<String, Object>) datasets.get("/conv1/conv1/kernel:0");
        assertArrayEquals(new int[] {3, 3, 3, 16}, ints(conv1.get("shape")));
        float[] k = floats((String) conv1.get("data"));
        float[] w = coral.tensor("conv1.weight").data();
        for (int o = 0; o < 16; o++) {
            for (int i = 0; i < 3; i++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertEquals(w[((o * 3 + i) * 3 + y) * 3 + x], k[((y * 3 + x) * 3 + i) * 16 + o]);
                    }
                }
            }
        }
        // conv_dw_2: (3, 3, 32, 1) of [32, 1, 3, 3].
        Map<String, Object> dw = (Map<String, Object>) datasets.get("/conv_dw_2/conv_dw_2/depthwise_kernel:0");
        assertArrayEquals(new int[] {3, 3, 32, 1}, ints(dw.get("shape")));
        float[] d = floats((String) dw.get("data"));
        float[] dwT = coral.tensor("blocks.1.dw.weight").data();
        for (int c = 0; c < 32; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    assertEquals(dwT[(c * 3 + y) * 3 + x], d[(y * 3 + x) * 32 + c]);
                }
            }
        }
        // The folded bias as the identity BatchNormalization's beta.
        Map<String, Object> beta = (Map<String, Object>) datasets.get("/conv_pw_5_bn/conv_pw_5_bn/beta:0");
        assertArrayEquals(coral.tensor("blocks.4.pw.bias").data(), floats((String) beta.get("data")));
        float[] var = floats((String) ((Map<String, Object>) datasets.get("/conv_pw_5_bn/conv_pw_5_bn/moving_variance:0"))
                .get("data"));
        for (float v : var) {
            assertEquals(1 - 1e-3f, v);
        }
        // conv_preds: (1, 1, 512, 1000), the background row dropped.
        Map<String, Object> preds = (Map<String, Object>) datasets.get("/conv_preds/conv_preds/kernel:0");
        assertArrayEquals(new int[] {1, 1, 512, 1000}, ints(preds.get("shape")));
        float[] p = floats((String) preds.get("data"));
        float[] fc = coral.tensor("fc.weight").data();
        for (int o = 0; o < 1000; o += 37) {
            for (int i = 0; i < 512; i += 11) {
                assertEquals(fc[(o + 1) * 512 + i], p[i * 1000 + o]);
            }
        }
        float[] bias = floats((String) ((Map<String, Object>) datasets.get("/conv_preds/conv_preds/bias:0")).get("data"));
        assertEquals(coral.tensor("fc.bias").data()[286], bias[285]);
        assertEquals(27 + 27 * 4 + 2, datasets.size(), "27 kernels, their BatchNorm variables, the classifier");
    }

    @Test
    void exportedH5ReadsBackAndClassifiesTheCatAsTheSourceDoes() throws Exception {
        Files.createDirectories(dir.resolve("roundtrip"));
        Path f = dir.resolve("roundtrip/mobilenet_5_0_160_tf.h5");
        ModelFiles.save(coral, f, ModelFiles.SaveOptions.defaults());
        Model back = ModelFiles.load(f);
        assertEquals(160, back.resolution());
        assertEquals(1000, back.classes());
        float[] x = new ImagePreprocessor(Preprocessing.tensorflow(), 160)
                .apply(new ImageLoader().load(SharedData.image("cat.bmp")));
        float[] a = Network.compile(coral.withPreprocessing(Preprocessing.tensorflow())).forward(x, 1);
        float[] b = Network.compile(back).forward(x, 1);
        int ta = 0;
        int tb = 0;
        for (int i = 0; i < b.length; i++) {
            tb = b[i] > b[tb] ? i : tb;
        }
        for (int i = 0; i < a.length; i++) {
            ta = a[i] > a[ta] ? i : ta;
        }
        assertEquals(286, ta);
        assertEquals(285, tb, "the same class, one index lower without background");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kerasArchiveHoldsKerasApplicationsConfigAndKeras3WeightsThatH5wasmReads() throws Exception {
        Path f = dir.resolve("mobilenet.keras");
        ModelFiles.save(coral, f, ModelFiles.SaveOptions.defaults());
        Model back = ModelFiles.load(f);
        assertEquals(160, back.resolution(), "the archive's config holds the input size");
        assertEquals(1000, back.classes());
        float[] x = new ImagePreprocessor(Preprocessing.tensorflow(), 160)
                .apply(new ImageLoader().load(SharedData.image("cat.bmp")));
        float[] p = Network.compile(back).forward(x, 1);
        int top = 0;
        for (int i = 0; i < p.length; i++) {
            top = p[i] > p[top] ? i : top;
        }
        assertEquals(285, top);

        Map<String, byte[]> members = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(Files.newInputStream(f))) {
            for (java.util.zip.ZipEntry e; (e = z.getNextEntry()) != null; ) {
                members.put(e.getName(), z.readAllBytes());
            }
        }
        assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), List.copyOf(members.keySet()));
        Map<String, Object> meta = (Map<String, Object>) Json.parse(new String(members.get("metadata.json"),
                StandardCharsets.UTF_8));
        assertTrue(((String) meta.get("keras_version")).startsWith("3."));
        Map<String, Object> config = (Map<String, Object>) Json.parse(new String(members.get("config.json"),
                StandardCharsets.UTF_8));
        assertEquals("Functional", config.get("class_name"));
        List<Map<String, Object>> layers = (List<Map<String, Object>>) ((Map<String, Object>) config.get("config"))
                .get("layers");
        assertEquals(13, layers.stream().filter(l -> l.get("class_name").equals("DepthwiseConv2D")).count());
        assertEquals("conv_preds", layers.get(layers.size() - 3).get("name"));

        Path h5 = dir.resolve("model.weights.h5");
        Files.write(h5, members.get("model.weights.h5"));
        Map<String, Object> dump = h5wasm(h5);
        Map<String, Object> groups = (Map<String, Object>) dump.get("groups");
        Map<String, Object> datasets = (Map<String, Object>) dump.get("datasets");
        assertTrue(groups.containsKey("/vars"), "the model's own (empty) variables");
        assertTrue(groups.containsKey("/layers/input_layer/vars"));
        assertTrue(groups.containsKey("/layers/re_lu_26/vars"), "27 ReLU layers, numbered from re_lu");
        assertEquals(27 + 27 * 4 + 2, datasets.size());
        Map<String, Object> conv1 = (Map<String, Object>) datasets.get("/layers/conv2d/vars/0");
        assertArrayEquals(new int[] {3, 3, 3, 16}, ints(conv1.get("shape")));
        float[] k = floats((String) conv1.get("data"));
        float[] w = coral.tensor("conv1.weight").data();
        assertEquals(w[((5 * 3 + 2) * 3 + 1) * 3 + 0], k[((1 * 3 + 0) * 3 + 2) * 16 + 5]);
        assertArrayEquals(new int[] {3, 3, 512, 1},
                ints(((Map<String, Object>) datasets.get("/layers/depthwise_conv2d_12/vars/0")).get("shape")));
        assertArrayEquals(new int[] {1, 1, 512, 1000},
                ints(((Map<String, Object>) datasets.get("/layers/conv2d_14/vars/0")).get("shape")));
        float[] bias = floats((String) ((Map<String, Object>) datasets.get("/layers/conv2d_14/vars/1")).get("data"));
        assertEquals(coral.tensor("fc.bias").data()[1], bias[0]);
        assertArrayEquals(coral.tensor("blocks.12.pw.bias").data(),
                floats((String) ((Map<String, Object>) datasets.get("/layers/batch_normalization_26/vars/1")).get("data")));
    }

    @Test
    void keras3WeightsFileReadsBackAsKerasApplications() throws Exception {
        Path f = dir.resolve("mobilenet.weights.h5");
        ModelFiles.save(coral, f, ModelFiles.SaveOptions.defaults());
        Map<String, Object> dump = h5wasm(f);
        assertTrue(((Map<?, ?>) dump.get("groups")).containsKey("/layers/conv2d_14/vars"));
        Model back = ModelFiles.load(f);
        assertEquals(224, back.resolution(), "a weights file does not hold the input size");
        assertEquals(0.5, back.spec().alpha());
        assertEquals(coral.foldBatchNorm().tensor("blocks.3.dw.weight"), back.foldBatchNorm().tensor("blocks.3.dw.weight"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void mobileNetV2ExportsAsKerasApplicationsMobileNetV2InEveryKerasFormat() throws Exception {
        Model v2 = TfliteImporter.load(SharedData.model("mobilenet_v2_1.0_224_quant.tflite"));
        Files.createDirectories(dir.resolve("v2"));
        Path h5 = dir.resolve("v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5");
        ModelFiles.save(v2, h5, ModelFiles.SaveOptions.defaults());
        Map<String, Object> dump = h5wasm(h5);
        Map<String, Object> groups = (Map<String, Object>) dump.get("groups");
        List<String> names = (List<String>) ((Map<String, Object>) groups.get("/")).get("layer_names");
        for (String n : List.of("Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise",
                "expanded_conv_project_BN", "block_1_pad", "block_2_add", "block_16_project", "Conv_1", "Conv_1_bn",
                "out_relu", "global_average_pooling2d", "predictions")) {
            assertTrue(names.contains(n), n + " in " + names);
        }
        assertTrue(names.indexOf("block_1_pad") < names.indexOf("block_1_depthwise"));
        Map<String, Object> preds = (Map<String, Object>) ((Map<String, Object>) dump.get("datasets"))
                .get("/predictions/predictions/kernel:0");
        assertArrayEquals(new int[] {1280, 1000}, ints(preds.get("shape")));
        float[] x = new ImagePreprocessor(Preprocessing.tensorflow(), 224)
                .apply(new ImageLoader().load(SharedData.image("cat.bmp")));
        Model fromH5 = ModelFiles.load(h5);
        assertTrue(fromH5.architecture() instanceof org.mobilenet.engine.arch.MobileNetV2Spec, fromH5.describe());
        assertEquals(1000, fromH5.classes());
        float[] p = Network.compile(fromH5).forward(x, 1);
        int top = 0;
        for (int i = 0; i < p.length; i++) {
            top = p[i] > p[top] ? i : top;
        }
        assertEquals(285, top, "Egyptian cat, 286 in the 1001 classes");
        for (String other : new String[] {"v2.keras", "v2.weights.h5"}) {
            Path f = dir.resolve("v2/" + other);
            ModelFiles.save(v2, f, ModelFiles.SaveOptions.defaults());
            float[] q = Network.compile(ModelFiles.load(f)).forward(x, 1);
            for (int i = 0; i < p.length; i++) {
                assertEquals(p[i], q[i], 1e-6, other + " output " + i);
            }
        }
    }

    @Test
    void unfoldedBatchNormWithKerasEpsilonIsWrittenAsItIs() throws Exception {
        ModelSpec spec = new ModelSpec(0.25, 128, 10, Variant.SEPARABLE, Padding.TF_SAME, true);
        Model m = SeededInit.create(spec, 3);
        Path f = dir.resolve("seeded.h5");
        ModelFiles.save(m.withMetadata(Map.of()), f, ModelFiles.SaveOptions.defaults());
        Model back = ModelFiles.load(f);
        assertEquals(224, back.resolution(), "a weights file does not hold the input size");
        back = back.withSpec(back.spec().withResolution(128));
        assertTrue(m.hasBatchNorm());
        assertEquals(1e-3f, m.bnEpsilon());
        assertArrayEquals(m.tensor("blocks.3.dw_bn.running_var").data(),
                back.tensor("blocks.3.dw_bn.running_var").data());
        float[] x = new float[128 * 128 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        float[] a = Network.compile(m).forward(x, 1);
        float[] b = Network.compile(back).forward(x, 1);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4);
        }
    }

    @Test
    void symmetricPaddingIsRefusedAsUnsupported() throws IOException {
        Model m = SeededInit.create(new ModelSpec(0.25, 128, 10, Variant.SEPARABLE, Padding.SYMMETRIC, true), 1);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> ModelFiles.save(m, dir.resolve("sym.h5"), ModelFiles.SaveOptions.defaults()));
        assertTrue(e.getMessage().contains("tf-same"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("sym.h5")));
    }
}
