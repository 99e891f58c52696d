package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.image.ImageLoader;

/**
 * The real Coral models, dequantized to float, classify cat.bmp (stretched to the model's input
 * size) as the Coral test suite's quantized runs do: same top-1, score within 0.05 of its floor.
 */
class TflitePretrainedAccuracyTest {

    private static float[] run(String modelFile) throws Exception {
        return run(TfliteImporter.load(SharedData.model(modelFile)), "cat.bmp");
    }

    private static float[] run(Model m, String image) throws Exception {
        RgbImage img = new ImageLoader().load(SharedData.image(image));
        float[] x = new ImagePreprocessor(m.preprocessing(), m.resolution()).apply(img);
        return Network.compile(m).forward(x, 1);
    }

    private static int top(float[] p) {
        int top = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > p[top]) {
                top = i;
            }
        }
        return top;
    }

    @ParameterizedTest
    @CsvSource({
        "mobilenet_v1_0.25_128_quant.tflite, 283, tiger cat, 0.36",
        "mobilenet_v1_0.5_160_quant.tflite, 286, Egyptian cat, 0.68",
        "mobilenet_v1_0.75_192_quant.tflite, 283, tiger cat, 0.40",
    })
    void catIsRecognisedWithCoralScores(String file, int index, String label, float floor) throws Exception {
        Model m = TfliteImporter.load(SharedData.model(file));
        float[] p = run(file);
        assertEquals(1001, p.length);
        int top = 0;
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i];
            if (p[i] > p[top]) {
                top = i;
            }
        }
        System.out.printf("%s: top-1 %d %s %.4f%n", file, top, m.labels().get(top), p[top]);
        assertEquals(1.0, sum, 1e-3);
        assertEquals(index, top, file + " top-1 " + top + " (" + m.labels().get(top) + ") score " + p[top]);
        assertEquals(label, m.labels().get(top));
        assertTrue(p[top] >= floor - 0.05f, file + " score " + p[top] + " below " + (floor - 0.05f));
    }

    @Test
    void embeddingExtractorGivesA1024FeatureVector() throws Exception {
        float[] f = run("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite");
        assertEquals(1024, f.length);
        double norm = 0;
        for (float v : f) {
            assertTrue(v >= 0 && v <= 6, "pooled ReLU6 features lie in [0, 6], got " + v);
            norm += v * v;
        }
        assertTrue(norm > 0, "features are not all zero");
    }

    /**
     * MobileNet v2 (Coral, uint8): the real TFLite runtime's top-1 on each photo (see the shared
     * README: TFLite with XNNPACK fed TF1-resized uint8 pixels). Float inference on dequantized weights
     * and this project's resize need not give its scores; the top-1 must match, and the score be
     * within 0.15 of TFLite's.
     */
    @ParameterizedTest
    @CsvSource({
        "cat.bmp, 286, Egyptian cat, 0.801",
        "grace_hopper.bmp, 653, military uniform, 0.926",
        "parrot.jpg, 89, macaw, 0.996",
        "bird.bmp, 20, chickadee, 0.980",
    })
    void mobileNetV2ClassifiesEachPhotoAsTfliteDoes(String image, int index, String label, float tflite) throws Exception {
        Model m = TfliteImporter.load(SharedData.model("mobilenet_v2_1.0_224_quant.tflite"));
        assertTrue(m.architecture() instanceof org.mobilenet.engine.arch.MobileNetV2Spec, m.describe());
        float[] p = run(m, image);
        assertEquals(1001, p.length);
        int top = top(p);
        System.out.printf("mobilenet_v2_1.0_224_quant %s: top-1 %d %s %.4f (TFLite %.3f)%n", image, top,
                m.labels().get(top), p[top], tflite);
        assertEquals(index, top, image + " top-1 " + top + " (" + m.labels().get(top) + ") score " + p[top]);
        assertEquals(label, m.labels().get(top));
        assertTrue(Math.abs(p[top] - tflite) <= 0.15f, image + " score " + p[top] + " vs TFLite's " + tflite);
    }
}
