package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.tflite.TfliteImporter;

/**
 * Keras files built in the test from the Coral 0.5/160 weights (keras.applications layout) and as the
 * tutorials build a MobileNet import, classify, and run as a forward pass written from Keras's
 * definitions does (within 1e-4), reading the file's datasets itself.
 */
class KerasImportTest {
    static List<KerasTestModels.Layer> applications;
    static float[] cat;
    @TempDir
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        Model coral = TfliteImporter.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite"));
        applications = KerasTestModels.applications(coral);
        RgbImage img = new ImageLoader().load(SharedData.image("cat.bmp"));
        cat = new ImagePreprocessor(org.mobilenet.engine.model.Preprocessing.tensorflow(), 160).apply(img);
    }

    private static int top(float[] p) {
        int t = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > p[t]) {
                t = i;
            }
        }
        return t;
    }

    /** Reads a legacy layer's datasets straight from the file, under {@code root}. */
    static KerasReference.Weights legacy(Path file, String root, String suffix) {
        return l -> {
            try (HdfFile h = new HdfFile(file)) {
                List<float[]> out = new ArrayList<>();
                for (KerasTestModels.Var v : l.vars()) {
                    out.add((float[]) h.getDatasetByPath(root + l.name() + "/" + l.name() + "/" + v.name() + suffix)
                            .getDataFlat());
                }
                return out;
            }
        };
    }

    static void assertClose(float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= tol, "largest difference " + worst + " > " + tol);
    }

    private static float[] run(Model m, float[] x) {
        return Network.compile(m).forward(x, 1);
    }

    @Test
    void wholeModelH5OfKerasApplicationsClassifiesTheCatAsEgyptianCat() throws Exception {
        Path f = dir.resolve("mobilenet_whole.h5");
        KerasTestModels.writeLegacy(applications, f, true, false);
        Model m = ModelFiles.load(f);
        assertTrue(m.isV1(), m.describe());
        ModelSpec s = m.spec();
        assertEquals(0.5, s.alpha());
        assertEquals(160, m.resolution());
        assertEquals(1000, m.classes());
        assertEquals(1e-3f, m.bnEpsilon());
        assertTrue(m.hasBatchNorm());
        float[] p = run(m, cat);
        assertEquals(285, top(p), "Egyptian cat is index 285 of the 1000 classes");
        float[] ref = KerasReference.forward(applications, legacy(f, "model_weights/", ":0"), cat, 160, 160);
        assertEquals(285, top(ref));
        assertClose(ref, p, 1e-4);
    }

    @Test
    void weightsOnlyH5TakesAlphaAndSizeFromTheKerasFileName() throws Exception {
        Path f = dir.resolve("mobilenet_5_0_160_tf.h5");
        KerasTestModels.writeLegacy(applications, f, false, false);
        Model m = ModelFiles.load(f);
        assertEquals(0.5, m.spec().alpha());
        assertEquals(160, m.resolution());
        assertEquals(1000, m.classes());
        float[] p = run(m, cat);
        assertEquals(285, top(p));
        assertClose(KerasReference.forward(applications, legacy(f, "", ":0"), cat, 160, 160), p, 1e-4);
    }

    @Test
    void weightsOnlyH5WithoutAKerasNameIsReadAt224() throws Exception {
        Path f = dir.resolve("weights.h5");
        KerasTestModels.writeLegacy(applications, f, false, true);
        Model m = ModelFiles.load(f);
        assertEquals(224, m.resolution());
        assertEquals(0.5, m.spec().alpha());
    }

    @Test
    void keras3LegacyH5WithoutColonZeroImports() throws Exception {
        Path f = dir.resolve("keras3_legacy.h5");
        KerasTestModels.writeLegacy(applications, f, true, true);
        Model m = ModelFiles.load(f);
        assertEquals(285, top(run(m, cat)));
    }

    @Test
    void keras3WeightsH5IsReadAsKerasApplicationsByClassAndPosition() throws Exception {
        Path f = dir.resolve("mobilenet.weights.h5");
        KerasTestModels.writeKeras3Weights(applications, f);
        Model m = ModelFiles.load(f);
        assertEquals(0.5, m.spec().alpha());
        assertEquals(1000, m.classes());
        assertEquals(224, m.resolution());
        Model at160 = m.withSpec(m.spec().withResolution(160));
        assertEquals(285, top(run(at160, cat)));
    }

    static float[] randomInput(int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size * size * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    @Test
    void tutorialFunctionalModelWithDefaultNamesMatchesKerasForwardPass() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.tutorial(0.25, 96, 3, 7, false);
        Path f = dir.resolve("tutorial.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertTrue(m.isV1(), m.describe());
        assertEquals(3, m.classes());
        assertEquals(1e-5f, m.bnEpsilon());
        float[] x = randomInput(96, 3);
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 96, 96), run(m, x), 1e-4);
    }

    @Test
    void aSigmoidHeadImportsAsASigmoidLayerAndMatchesKerasForwardPass() throws Exception {
        // A binary classifier: Dense(1, activation="sigmoid").
        List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.tutorial(0.25, 64, 1, 5, false));
        KerasTestModels.Layer dense = t.get(t.size() - 1);
        java.util.Map<String, Object> cfg = new java.util.LinkedHashMap<>(dense.config());
        cfg.put("activation", "sigmoid");
        t.set(t.size() - 1, new KerasTestModels.Layer(dense.cls(), dense.name(), cfg, dense.vars(), dense.inbound()));
        Path f = dir.resolve("binary.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertEquals(org.mobilenet.engine.arch.LayerKind.SIGMOID,
                m.graph().layers().get(m.graph().layers().size() - 1).kind());
        assertEquals(1, m.classes());
        float[] x = randomInput(64, 9);
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 64, 64), run(m, x), 1e-4);
    }

    /** A Dense layer of that many units and activation with random weights on {@code in} features. */
    private static KerasTestModels.Layer dense(String name, int in, int units, String activation, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] k = new float[in * units];
        float[] b = new float[units];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (r.nextGaussian() / Math.sqrt(in));
        }
        for (int i = 0; i < units; i++) {
            b[i] = (float) (r.nextGaussian() * 0.1);
        }
        java.util.Map<String, Object> cfg = new java.util.LinkedHashMap<>();
        cfg.put("units", (long) units);
        cfg.put("activation", activation);
        cfg.put("use_bias", true);
        return new KerasTestModels.Layer("Dense", name, cfg, List.of(new KerasTestModels.Var("kernel", new int[] {in, units},
                k), new KerasTestModels.Var("bias", new int[] {units}, b)));
    }

    /**
     * Heads without pooling, as Teachable Machine's embedded models (Flatten, Dense, Dense) and Edge
     * Impulse's (Dense on each pixel, Flatten, Dense) have them: the tutorial body at 96 (a 3x3 map).
     */
    @Test
    void flattenedHeadsWithoutPoolingMatchKerasForwardPass() throws Exception {
        for (boolean pixelDense : new boolean[] {false, true}) {
            List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.tutorial(0.25, 96, 2, 23, false));
            t.remove(t.size() - 1); // the Dense
            t.remove(t.size() - 1); // the pooling
            int c = ((Number) t.get(t.size() - 3).config().get("filters")).intValue();
            int features = 3 * 3 * c;
            if (pixelDense) {
                t.add(dense("dense_pixels", c, 8, "relu", 3));
                features = 3 * 3 * 8;
            }
            t.add(new KerasTestModels.Layer("Flatten", "flatten", new java.util.LinkedHashMap<>(java.util.Map.of(
                    "data_format", "channels_last")), List.of()));
            t.add(dense("dense_hidden", features, 12, "relu", 4));
            t.add(dense("dense_out", 12, 2, "softmax", 5));
            Path f = dir.resolve("flat" + pixelDense + ".h5");
            KerasTestModels.writeLegacy(t, f, true, false);
            Model m = ModelFiles.load(f);
            assertEquals(2, m.classes());
            assertEquals(pixelDense ? 72 : 9 * c, m.featureWidth());
            assertTrue(m.graph().layers().stream().anyMatch(org.mobilenet.engine.arch.LayerSpec::flattens));
            float[] x = randomInput(96, 11);
            assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 96, 96), run(m, x), 1e-4);
        }
    }

    /** The tutorial model at 96 (a 3x3 final map) with AveragePooling2D({@code pool}, valid) and Flatten for its pooling. */
    private static List<KerasTestModels.Layer> averagePooled(long pool, long seed) {
        List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.tutorial(0.25, 96, 2, seed, false));
        int gap = t.size() - 2;
        assertEquals("GlobalAveragePooling2D", t.get(gap).cls());
        java.util.Map<String, Object> cfg = new java.util.LinkedHashMap<>();
        cfg.put("pool_size", List.of(pool, pool));
        cfg.put("strides", List.of(pool, pool));
        cfg.put("padding", "valid");
        cfg.put("data_format", "channels_last");
        t.set(gap, new KerasTestModels.Layer("AveragePooling2D", "average_pooling2d", cfg, List.of(),
                t.get(gap).inbound()));
        t.add(gap + 1, new KerasTestModels.Layer("Flatten", "flatten", new java.util.LinkedHashMap<>(java.util.Map.of(
                "data_format", "channels_last")), List.of(), List.of("average_pooling2d")));
        return t;
    }

    @Test
    void anAveragePooling2DOverTheWholeMapIsTheGlobalPoolingAndMatchesKerasForwardPass() throws Exception {
        // As MLCommons' visual-wake-words MobileNet pools: AveragePooling2D(pool_size=3) on its 3x3 map, Flatten.
        List<KerasTestModels.Layer> t = averagePooled(3, 17);
        Path f = dir.resolve("avgpool.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertTrue(m.isV1(), m.describe());
        float[] x = randomInput(96, 19);
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 96, 96), run(m, x), 1e-4);
    }

    @Test
    void anAveragePooling2DOverPartOfTheMapIsRefusedSayingWhatItPools() throws Exception {
        Path f = dir.resolve("partial.h5");
        KerasTestModels.writeLegacy(averagePooled(2, 17), f, true, false);
        org.mobilenet.io.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.mobilenet.io.BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("unsupported: AveragePooling2D 'average_pooling2d' pools 2x2 (padding valid) of a"
                + " 3x3 map; only a pool over the whole map"), e.getMessage());
    }

    /**
     * A MobileNet built from SeparableConv2D layers (depthwise and pointwise in one Keras layer, as
     * BrainChip's AkidaNet and many hand-built MobileNets are): each becomes the two layers it is made of.
     */
    @Test
    void separableConvolutionsImportAsDepthwiseAndPointwiseAndMatchKerasForwardPass() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.tutorial(0.25, 64, 3, 29, false);
        List<KerasTestModels.Layer> sep = new java.util.ArrayList<>();
        int merged = 0;
        for (int i = 0; i < t.size(); i++) {
            KerasTestModels.Layer l = t.get(i);
            // DepthwiseConv2D, BN, ReLU, Conv2D(1x1) -> SeparableConv2D (with a bias, linear), BN, ReLU: the
            // depthwise's BN and ReLU go (the test compares with Keras's own reading of what is written).
            if (l.cls().equals("DepthwiseConv2D") && merged < 4) {
                KerasTestModels.Layer pw = t.get(i + 3);
                assertEquals("Conv2D", pw.cls());
                java.util.Map<String, Object> cfg = new java.util.LinkedHashMap<>(pw.config());
                cfg.put("kernel_size", l.config().get("kernel_size"));
                cfg.put("strides", l.config().get("strides"));
                cfg.put("padding", l.config().get("padding"));
                cfg.put("depth_multiplier", 1L);
                cfg.put("use_bias", true);
                int outC = ((Number) pw.config().get("filters")).intValue();
                float[] b = new float[outC];
                for (int j = 0; j < outC; j++) {
                    b[j] = 0.01f * (j % 7 - 3);
                }
                sep.add(new KerasTestModels.Layer("SeparableConv2D", "separable_" + merged, cfg, List.of(
                        new KerasTestModels.Var("depthwise_kernel", l.vars().get(0).shape(), l.vars().get(0).data()),
                        new KerasTestModels.Var("pointwise_kernel", pw.vars().get(0).shape(), pw.vars().get(0).data()),
                        new KerasTestModels.Var("bias", new int[] {outC}, b))));
                merged++;
                i += 3;
                continue;
            }
            sep.add(l);
        }
        assertEquals(4, merged);
        Path f = dir.resolve("separable.h5");
        KerasTestModels.writeLegacy(sep, f, true, false);
        Model m = ModelFiles.load(f);
        assertEquals(LayerKind.DEPTHWISE, m.graph().layer("separable_0/depthwise").orElseThrow().kind());
        assertEquals(LayerKind.POINTWISE, m.graph().layer("separable_0").orElseThrow().kind());
        float[] x = randomInput(64, 13);
        assertClose(KerasReference.forward(sep, legacy(f, "model_weights/", ":0"), x, 64, 64), run(m, x), 1e-4);
    }

    /** The tutorial model at 64 whose input layer declares {@code channels} (its stem's kernel left as it is). */
    private static List<KerasTestModels.Layer> tutorialWithChannels(long channels) {
        List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.tutorial(0.25, 64, 2, 3, false));
        KerasTestModels.Layer input = t.get(0);
        java.util.Map<String, Object> cfg = new java.util.LinkedHashMap<>(input.config());
        cfg.put("batch_input_shape", java.util.Arrays.asList(null, 64L, 64L, channels));
        t.set(0, new KerasTestModels.Layer(input.cls(), input.name(), cfg, input.vars(), input.inbound()));
        return t;
    }

    @Test
    void aGrayModelImportsWithOneInputChannelAndMatchesKerasForwardPass() throws Exception {
        // MLCommons' visual-wake-words reference and TFLite Micro's person detection take 96x96x1.
        List<KerasTestModels.Layer> t = tutorialWithChannels(1);
        KerasTestModels.Layer stem = t.get(1);
        KerasTestModels.Var k = stem.vars().get(0);
        int c = k.shape()[3];
        float[] gray = new float[3 * 3 * c];
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (float) (r.nextGaussian() / 3);
        }
        t.set(1, new KerasTestModels.Layer(stem.cls(), stem.name(), stem.config(),
                List.of(new KerasTestModels.Var(k.name(), new int[] {3, 3, 1, c}, gray)), stem.inbound()));
        Path f = dir.resolve("gray.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertEquals(1, m.graph().input().c());
        float[] x = java.util.Arrays.copyOf(randomInput(64, 8), 64 * 64);
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 64, 64), run(m, x), 1e-4);
    }

    @Test
    void anInputOfOtherThanOneOrThreeChannelsIsRefusedAsUnsupportedNamingThem() throws Exception {
        List<KerasTestModels.Layer> t = tutorialWithChannels(4);
        Path f = dir.resolve("rgba.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        org.mobilenet.io.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.mobilenet.io.BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("unsupported: layer 'input_1' declares input shape [null, 64, 64, 4], 4 channels;"
                + " the Keras import takes 3 channels last (RGB) or 1 (gray)"), e.getMessage());
        assertTrue(!e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void sequentialModelWithoutAnInputLayerImports() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.tutorial(0.25, 64, 4, 21, false);
        Path f = dir.resolve("sequential.h5");
        KerasTestModels.writeLegacy(t, f, KerasTestModels.keras2SequentialConfig(t), false);
        Model m = ModelFiles.load(f);
        assertEquals(64, m.resolution());
        assertEquals(4, m.classes());
        float[] x = randomInput(64, 23);
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 64, 64), run(m, x), 1e-4);
    }

    @Test
    void residualAddsOfAV2LikeModelImportAsAGraphThatMatchesKerasForwardPass() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.v2Like(48, 13);
        Path f = dir.resolve("v2like.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertTrue(m.graph().layers().stream().anyMatch(l -> l.kind() == org.mobilenet.engine.arch.LayerKind.ADD),
                m.describe());
        float[] x = randomInput(48, 17);
        assertClose(KerasReference.forward(t, legacy(f, "model_weights/", ":0"), x, 48, 48), run(m, x), 1e-4);
        Path archive = dir.resolve("v2like.keras");
        KerasTestModels.writeArchive(t, archive);
        assertClose(run(m, x), run(ModelFiles.load(archive), x), 1e-6);
        Path tfKeras = dir.resolve("v2like-tf213.keras");
        KerasTestModels.writeArchive(t, tfKeras, "_layer_checkpoint_dependencies");
        assertClose(run(m, x), run(ModelFiles.load(tfKeras), x), 1e-6);
    }

    @Test
    void kerasArchiveWithPerLayerEpsilonsIsFoldedAndMatchesKerasForwardPass() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.tutorial(0.25, 64, 5, 11, true);
        Path f = dir.resolve("tutorial.keras");
        KerasTestModels.writeArchive(t, f);
        Model m = ModelFiles.load(f);
        assertEquals(5, m.classes());
        assertFalse(m.hasBatchNorm(), "different epsilons per layer are folded, each with its own");
        Path h5 = dir.resolve("tutorial-ref.weights.h5");
        KerasTestModels.writeKeras3Weights(t, h5);
        java.util.Map<String, Integer> count = new java.util.HashMap<>();
        java.util.Map<String, String> path = new java.util.HashMap<>();
        for (KerasTestModels.Layer l : t) {
            String base = KerasWeights.snakeCase(l.cls());
            int n = count.merge(base, 1, Integer::sum) - 1;
            path.put(l.name(), "layers/" + (n == 0 ? base : base + "_" + n) + "/vars/");
        }
        float[] x = randomInput(64, 5);
        float[] ref = KerasReference.forward(t, l -> {
            try (HdfFile h = new HdfFile(h5)) {
                List<float[]> out = new ArrayList<>();
                for (int i = 0; i < l.vars().size(); i++) {
                    out.add((float[]) h.getDatasetByPath(path.get(l.name()) + i).getDataFlat());
                }
                return out;
            }
        }, x, 64, 64);
        assertClose(ref, run(m, x), 1e-4);
        Files.deleteIfExists(h5);
    }
}
