package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;

/**
 * int8 post-training-quantized TFLite files as TFLite's converter writes them (int8 per-channel
 * weights, QUANTIZE at a float input, DEQUANTIZE at the output, PAD before stride-2 convolutions,
 * MEAN or AVERAGE_POOL_2D pooling; built in code by {@link QuantizedTfliteWriter}), imported and
 * written again by the TFLite export, give the source's outputs byte for byte in the real TFLite
 * runtime, and import back with the same quantization and pooling operator.
 */
class TfliteExportInt8RuntimeTest {
    @TempDir
    Path dir;

    private record Case(String name, Model model, boolean floatIo, boolean padOps, boolean mean) {
        byte[] write(long seed) {
            return mean ? QuantizedTfliteWriter.writeWithMean(model, floatIo, seed)
                    : QuantizedTfliteWriter.write(model, floatIo, padOps, seed);
        }
    }

    private static Model seeded(org.mobilenet.engine.arch.Architecture a, long seed) {
        return SeededInit.create(a, seed).foldBatchNorm();
    }

    @Test
    void anInt8FileWrittenAgainGivesTheSourcesOutputsExactly() throws Exception {
        List<Case> cases = List.of(
                new Case("v1 symmetric pads, PAD ops, float io",
                        seeded(new ModelSpec(0.25, 64, 11, Variant.SEPARABLE, Padding.SYMMETRIC, true), 1), true, true,
                        false),
                new Case("v1 TF SAME, int8 io",
                        seeded(new ModelSpec(0.25, 48, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 2), false, true,
                        false),
                new Case("v2, float io", seeded(new MobileNetV2Spec(0.35, Resolution.square(40), 9, true), 3), true,
                        false, false),
                new Case("v2 features pooled by MEAN, int8 io",
                        seeded(new MobileNetV2Spec(0.5, Resolution.square(72), 0, false), 4), false, false, true),
                new Case("v1 logits pooled by MEAN, float io",
                        seeded(new ModelSpec(0.25, 96, 17, Variant.SEPARABLE, Padding.TF_SAME, false), 5), true, false,
                        true));
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            Path src = dir.resolve("src" + k + ".tflite");
            Files.write(src, c.write(20 + k));
            Model m = TfliteImporter.load(src);
            assertTrue(m.isQuantized(), c.name());
            Path out = dir.resolve("out" + k + ".tflite");
            TfliteExporter.write(m, out, false);
            Model back = TfliteImporter.load(out);
            assertEquals(m.quantization(), back.quantization(), c.name());
            assertEquals(m.metadata().get(org.mobilenet.engine.model.ModelQuantization.POOL_KEY),
                    back.metadata().get(org.mobilenet.engine.model.ModelQuantization.POOL_KEY), c.name());
            int h = m.inputHeight();
            int w = m.inputWidth();
            int n = 2 * h * w * 3;
            SplittableRandom rnd = new SplittableRandom(k);
            int[] shape = {2, h, w, 3};
            NpyArray input;
            if (c.floatIo()) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) rnd.nextDouble(-1.2, 1.2);
                }
                input = NpyArray.ofFloats(shape, x);
            } else {
                int[] q = new int[n];
                for (int i = 0; i < n; i++) {
                    q[i] = rnd.nextInt(256) - 128;
                }
                input = NpyArray.ofInts(NpyDtype.INT8, shape, q);
            }
            jobs.add(new TfliteRuntime.Job(src, input));
            jobs.add(new TfliteRuntime.Job(out, input));
        }
        List<NpyArray> results = TfliteRuntime.run(jobs, dir);
        for (int k = 0; k < cases.size(); k++) {
            NpyArray a = results.get(2 * k);
            NpyArray b = results.get(2 * k + 1);
            assertEquals(a.dtype(), b.dtype(), cases.get(k).name());
            assertArrayEquals(a.shape(), b.shape(), cases.get(k).name());
            assertArrayEquals(a.data(), b.data(), cases.get(k).name());
        }
    }
}
