package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.eval.TopK;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.image.ImageLoader;

/** The two --engine choices agree on the real pretrained models and every sample photo. */
class JavaVersusOrtTest {

    private static Path shared() {
        String p = System.getProperty("mobilenet.shared", System.getenv("MOBILENET_SHARED"));
        return Path.of(p == null ? "../shared" : p);
    }

    private static float[] batchOfSamples(Model m, List<Path> images) throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(m.preprocessing(), m.spec().resolution());
        float[] in = new float[images.size() * pre.inputSize()];
        ImageLoader loader = new ImageLoader();
        for (int i = 0; i < images.size(); i++) {
            pre.apply(loader.load(images.get(i)), in, i * pre.inputSize());
        }
        return in;
    }

    private static List<Path> samples() throws Exception {
        try (Stream<Path> s = Files.list(shared().resolve("images"))) {
            List<Path> all = s.sorted().toList();
            assertEquals(4, all.size(), "the four sample photos of ../shared/images");
            return all;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v1_0.25_128_quant", "mobilenet_v1_0.5_160_quant", "mobilenet_v1_0.75_192_quant"})
    void sameTop5AndProbabilitiesWithin1e4(String name) throws Exception {
        Model m = ModelFiles.load(shared().resolve("models/" + name + ".tflite"));
        List<Path> images = samples();
        float[] in = batchOfSamples(m, images);
        int n = images.size();
        int classes = m.spec().classes();
        float[] java;
        float[] ort;
        try (BackendFactory j = Backends.factory("java", m); BackendFactory o = Backends.factory("ort", m)) {
            java = j.get().run(in, n, false).outputs();
            ort = o.get().run(in, n, false).outputs();
        }
        for (int b = 0; b < n; b++) {
            assertArrayEquals(TopK.of(ort, b * classes, classes, 5), TopK.of(java, b * classes, classes, 5), images.get(b).toString());
        }
        assertArrayEquals(ort, java, 1e-4f);
    }

    @Test
    void embeddingExtractorFeaturesAgreeWithin1e4() throws Exception {
        Model m = ModelFiles.load(shared().resolve("models/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite"));
        List<Path> images = samples().subList(0, 2);
        float[] in = batchOfSamples(m, images);
        float[] java;
        float[] ort;
        try (BackendFactory j = Backends.factory("java", m); BackendFactory o = Backends.factory("ort", m)) {
            java = j.get().run(in, 2, false).outputs();
            ort = o.get().run(in, 2, false).outputs();
        }
        assertEquals(2 * 1024, java.length);
        assertArrayEquals(ort, java, 1e-4f);
    }
}
