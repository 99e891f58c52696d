package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;

/**
 * Float32 and int8 per-channel TFLite files written in code from seeded models (with FULLY_CONNECTED
 * and MEAN, which the Coral files do not use) import back to the same model.
 */
class TfliteWrittenModelTest {
    @TempDir
    Path tmp;

    private static Model seeded(Variant v) {
        return SeededInit.create(new ModelSpec(0.25, 32, 7, v, Padding.TF_SAME, true), 11).foldBatchNorm();
    }

    private Path file(byte[] bytes) throws Exception {
        Path f = tmp.resolve("written.tflite");
        Files.write(f, bytes);
        return f;
    }

    @Test
    void float32ModelsImportExactlyForEveryVariant() throws Exception {
        for (Variant v : Variant.values()) {
            Model m = seeded(v);
            Model back = TfliteImporter.load(file(TfliteTestModels.write(m, false)));
            assertEquals(m.spec(), back.spec(), v.id());
            assertEquals(m.tensors().keySet(), back.tensors().keySet(), v.id());
            for (String name : m.tensors().keySet()) {
                assertEquals(m.tensor(name), back.tensor(name), v.id() + " " + name);
            }
            assertEquals(Preprocessing.tensorflow(), back.preprocessing());
            assertTrue(back.labels().isEmpty());
        }
    }

    @Test
    void float32ImportComputesTheSameOutputs() throws Exception {
        Model m = seeded(Variant.SEPARABLE);
        Model back = TfliteImporter.load(file(TfliteTestModels.write(m, false)));
        float[] x = SeededInit.uniform(new SplittableRandom(3), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1));
    }

    @Test
    void int8PerChannelWeightsDequantizeWithinHalfAStep() throws Exception {
        Model m = seeded(Variant.SEPARABLE);
        Model back = TfliteImporter.load(file(TfliteTestModels.write(m, true)));
        assertEquals(m.spec(), back.spec());
        for (String name : m.tensors().keySet()) {
            if (!name.endsWith(".weight")) {
                assertEquals(m.tensor(name), back.tensor(name), name);
                continue;
            }
            Tensor a = m.tensor(name);
            Tensor b = back.tensor(name);
            int channels = a.dim(0);
            int per = a.data().length / channels;
            for (int c = 0; c < channels; c++) {
                float max = 0;
                for (int i = 0; i < per; i++) {
                    max = Math.max(max, Math.abs(a.data()[c * per + i]));
                }
                float halfStep = max / 127 / 2 + 1e-7f;
                for (int i = 0; i < per; i++) {
                    float d = Math.abs(a.data()[c * per + i] - b.data()[c * per + i]);
                    assertTrue(d <= halfStep, name + " channel " + c + ": error " + d + " > " + halfStep);
                }
            }
        }
    }

    @Test
    void aQuantizeAtTheEndOfAFloatNetworkIsRefusedAsSuch() throws Exception {
        Path f = file(TfliteTestModels.writeWithLastOp(seeded(Variant.SEPARABLE), 114));
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().contains("(QUANTIZE) quantizes the output of a float network"), e.getMessage());
    }

    @Test
    void unsupportedOperatorIsNamed() throws Exception {
        Path f = file(TfliteTestModels.writeWithLastOp(seeded(Variant.SEPARABLE), 28));
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().contains("TANH"), e.getMessage());
    }
}
