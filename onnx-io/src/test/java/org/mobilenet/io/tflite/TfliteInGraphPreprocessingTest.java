package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;

/**
 * A model that preprocesses its raw-pixel input itself (Keras's Rescaling or preprocess_input in the
 * model: MUL and ADD, or DIV and SUB, by constants before the first convolution) imports with that
 * preprocessing as its own, so that the engine fed the preprocessed pixels computes what the real TFLite
 * runtime computes from the pixels.
 */
class TfliteInGraphPreprocessingTest {
    @TempDir
    Path dir;

    @Test
    void rescalingInTheGraphBecomesTheModelsPreprocessing() throws Exception {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(40), 6, true), 3).foldBatchNorm();
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<float[]> ours = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(4);
        float[] pixels = new float[40 * 40 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextInt(256);
        }
        int k = 0;
        for (boolean divSub : new boolean[] {false, true}) {
            Path f = dir.resolve("rescaled" + k++ + ".tflite");
            Files.write(f, TfliteTestModels.writeWithRescaling(m, divSub));
            Model back = TfliteImporter.load(f);
            assertEquals(m.architecture(), back.architecture());
            Preprocessing p = back.preprocessing();
            for (int c = 0; c < 3; c++) {
                assertEquals(127.5f, p.mean()[c], 1e-3f);
                assertEquals(127.5f, p.std()[c], 1e-3f);
            }
            float[] x = new float[pixels.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (pixels[i] - p.mean()[i % 3]) / p.std()[i % 3];
            }
            try (Network net = Network.compile(back)) {
                ours.add(net.forward(x, 1));
            }
            jobs.add(new TfliteRuntime.Job(f, NpyArray.ofFloats(new int[] {1, 40, 40, 3}, pixels)));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int i = 0; i < ours.size(); i++) {
            assertArrayEquals(theirs.get(i).floats(), ours.get(i), 1e-5f, "file " + i);
        }
    }

    @Test
    void aGraphThatTakesZeroToOneIsGivenThePixelsOver255() throws Exception {
        // TF Hub's image models take [0, 1] and map it to [-1, 1] in the graph (x * 2 - 1).
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(40), 6, true), 5).foldBatchNorm();
        Path f = dir.resolve("hub.tflite");
        Files.write(f, TfliteTestModels.writeWithRescaling(m, false, 2f, -1f));
        Model back = TfliteImporter.load(f);
        for (int c = 0; c < 3; c++) {
            assertEquals(127.5f, back.preprocessing().mean()[c], 1e-3f);
            assertEquals(127.5f, back.preprocessing().std()[c], 1e-3f);
            assertEquals(0f, back.fileInputNormalization().mean()[c]);
            assertEquals(255f, back.fileInputNormalization().std()[c]);
        }
        SplittableRandom rnd = new SplittableRandom(6);
        float[] pixels = new float[40 * 40 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextInt(256);
        }
        float[] x = new float[pixels.length];
        back.preprocessing().normalize(pixels, 3, x);
        float[] fileInput = back.fileInput(x);
        float[] again = new float[x.length];
        back.networkInput(fileInput, again);
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(pixels[i] / 255f, fileInput[i], 1e-5f);
            assertEquals(x[i], again[i], 1e-5f);
        }
        float[] ours;
        try (Network net = Network.compile(back)) {
            ours = net.forward(x, 1);
        }
        List<NpyArray> theirs = TfliteRuntime.run(List.of(new TfliteRuntime.Job(f,
                NpyArray.ofFloats(new int[] {1, 40, 40, 3}, fileInput))), dir);
        assertArrayEquals(theirs.get(0).floats(), ours, 1e-5f);
    }
}
