package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.HalfFloats;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;

/**
 * TFLite files with float16 weights (TFLite's post-training float16 quantization: every weight and
 * bias a FLOAT16 constant behind a DEQUANTIZE operator; built in code by {@link TfliteTestModels})
 * import as the float model they hold, the architecture recognized and the weights exactly the
 * float16 values, and give the real TFLite runtime's outputs.
 */
class TfliteFloat16Test {
    @TempDir
    Path dir;

    private static final Architecture V1 = new ModelSpec(0.25, 64, 11, Variant.SEPARABLE, Padding.TF_SAME, true);
    private static final Architecture V2 = new MobileNetV2Spec(0.35, Resolution.square(48), 9, true);

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void aFloat16FileImportsAsItsArchitectureWithTheFloat16WeightsExactly() throws Exception {
        for (Architecture a : List.of(V1, V2)) {
            Model m = SeededInit.create(a, 7).foldBatchNorm();
            for (boolean first : new boolean[] {false, true}) {
                String what = a.describe() + (first ? ", DEQUANTIZE operators first" : ", each before its reader");
                Model back = TfliteImporter.load(write("f16.tflite", TfliteTestModels.writeFloat16(m, first)));
                assertEquals(a, back.architecture(), what);
                assertFalse(back.isQuantized(), what);
                assertEquals(m.tensors().keySet(), back.tensors().keySet(), what);
                boolean rounded = false;
                for (String name : m.tensors().keySet()) {
                    float[] want = m.tensor(name).data();
                    float[] got = back.tensor(name).data();
                    assertEquals(want.length, got.length, name);
                    for (int i = 0; i < want.length; i++) {
                        float half = HalfFloats.fromHalf(HalfFloats.toHalf(want[i]) & 0xffff);
                        assertEquals(Float.floatToIntBits(half), Float.floatToIntBits(got[i]), what + ": " + name + "[" + i + "]");
                        rounded |= half != want[i];
                    }
                }
                assertTrue(rounded, "the fixture's weights lose precision in float16, so the check above means something");
            }
        }
    }

    @Test
    void aFloat16FileGivesTheTfliteRuntimesOutputs() throws Exception {
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<float[]> ours = new ArrayList<>();
        int k = 0;
        for (Architecture a : List.of(V1, V2)) {
            Model m = SeededInit.create(a, 11 + k).foldBatchNorm();
            Path f = write("rt" + k + ".tflite", TfliteTestModels.writeFloat16(m, k == 0));
            Model back = TfliteImporter.load(f);
            int h = back.inputHeight();
            int w = back.inputWidth();
            float[] x = SeededInit.uniform(new SplittableRandom(k), h * w * 3, 1f);
            jobs.add(new TfliteRuntime.Job(f, NpyArray.ofFloats(new int[] {1, h, w, 3}, x)));
            ours.add(Network.compile(back).forward(x, 1)); // NHWC, as the file's input
            k++;
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int i = 0; i < ours.size(); i++) {
            float[] a = ours.get(i);
            float[] b = theirs.get(i).floats();
            assertEquals(a.length, b.length);
            assertNotEquals(0f, b[argmax(b)]);
            assertEquals(argmax(b), argmax(a), "case " + i);
            for (int j = 0; j < a.length; j++) {
                assertEquals(b[j], a[j], 2e-5f + 1e-4f * Math.abs(b[j]), "case " + i + " output " + j);
            }
        }
    }

    @Test
    void theExportWritesFloat16WeightsThatTheTfliteRuntimeRunsAsTheEngineDoes() throws Exception {
        Model m = SeededInit.create(V2, 9).foldBatchNorm();
        Path full = dir.resolve("full.tflite");
        Path half = dir.resolve("half.tflite");
        TfliteExporter.write(m, full, false);
        TfliteExporter.write(m, half, false, true);
        assertTrue(Files.size(half) < 0.6 * Files.size(full), Files.size(half) + " against " + Files.size(full));
        Model back = TfliteImporter.load(half);
        assertEquals(V2, back.architecture());
        for (String name : m.tensors().keySet()) {
            float[] want = m.tensor(name).data();
            float[] got = back.tensor(name).data();
            for (int i = 0; i < want.length; i++) {
                assertEquals(HalfFloats.fromHalf(HalfFloats.toHalf(want[i]) & 0xffff), got[i], name + "[" + i + "]");
            }
        }
        float[] x = SeededInit.uniform(new SplittableRandom(3), 48 * 48 * 3, 1f);
        float[] ours = Network.compile(back).forward(x, 1);
        float[] theirs = TfliteRuntime.run(List.of(new TfliteRuntime.Job(half,
                NpyArray.ofFloats(new int[] {1, 48, 48, 3}, x))), dir).get(0).floats();
        for (int j = 0; j < ours.length; j++) {
            assertEquals(theirs[j], ours[j], 2e-5f + 1e-4f * Math.abs(theirs[j]), "output " + j);
        }
        // A quantized model keeps its integers: float16 is refused, not silently dequantized.
        Model q = TfliteImporter.load(writeInt8(m));
        assertThrows(org.mobilenet.engine.model.UnsupportedModelException.class,
                () -> TfliteExporter.write(q, dir.resolve("q16.tflite"), false, true));
    }

    private Path writeInt8(Model m) throws Exception {
        return write("int8.tflite", QuantizedTfliteWriter.write(m, true, false, 1));
    }

    @Test
    void aDequantizedConstantOfAnotherTypeIsRefusedNamingIt() throws Exception {
        TfliteSubgraphBuilder b = new TfliteSubgraphBuilder();
        int in = b.activation("input", new int[] {1, 8, 8, 3}, null);
        int bad = b.ints("weights_int32", new int[] {4, 1, 1, 3}, new int[12]);
        int w = b.activation("weights", new int[] {4, 1, 1, 3}, null);
        b.op(BuiltinOp.DEQUANTIZE, 1, new int[] {bad}, w, 0, null);
        int out = b.activation("out", new int[] {1, 8, 8, 4}, null);
        b.op(BuiltinOp.CONV_2D, 1, new int[] {in, w, -1}, out, 1,
                new FbWriter.Table().i8(0, 0).put(1, 1).put(2, 1).i8(3, 0));
        Path f = write("int32.tflite", b.build(in, out, "test"));
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().contains("int32.tflite"), e.getMessage());
        assertTrue(e.getMessage().contains("not a supported TFLite MobileNet"), e.getMessage());
        assertTrue(e.getMessage().contains("'weights_int32'") && e.getMessage().contains("expected a FLOAT16, UINT8 or INT8"),
                e.getMessage());
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
