package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.cli.verify.ExportStyles;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.eval.TopK;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.quant.QuantizedInput;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;
import org.mobilenet.io.npy.NpyFile;

class RunCommandTest {
    @TempDir
    Path dir;

    private Path coral() {
        Path p = CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite");
        assertTrue(Files.isRegularFile(p), "shared model missing: " + p + " (set -Dmobilenet.shared)");
        return p;
    }

    /** cat.bmp and parrot.jpg as Coral's uint8 input batch [2, 128, 128, 3]. */
    private int[] photos(QuantizedNetwork net) throws Exception {
        Shape s = net.inputShape();
        int per = s.h() * s.w() * s.c();
        int[] batch = new int[2 * per];
        String[] names = {"cat.bmp", "parrot.jpg"};
        for (int i = 0; i < 2; i++) {
            int[] x = QuantizedInput.of(new ImageLoader().load(CliRun.shared().resolve("images/" + names[i])), s.h(), s.w(),
                    net.input().type());
            System.arraycopy(x, 0, batch, i * per, per);
        }
        return batch;
    }

    @Test
    void quantizedModelRunsTheIntegerPathByDefaultAndWritesItsOwnDtype() throws Exception {
        Model m = ModelFiles.load(coral());
        QuantizedNetwork net = QuantizedNetwork.compile(m);
        int[] x = photos(net);
        Path in = dir.resolve("in.npy");
        NpyFile.write(in, NpyArray.ofInts(NpyDtype.UINT8, new int[] {2, 128, 128, 3}, x), false);
        Path out = dir.resolve("out.npy");
        CliRun r = CliRun.of("run", "-m", coral().toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        NpyArray y = NpyFile.read(out);
        assertEquals(NpyDtype.UINT8, y.dtype());
        assertArrayEquals(new int[] {2, 1001}, y.shape());
        assertArrayEquals(net.forward(x, 2), y.ints());
        float[] p = y.floats();
        assertEquals(283, TopK.of(p, 0, 1001, 1)[0]);
        assertEquals(89, TopK.of(p, 1001, 1001, 1)[0]);

        Path f = dir.resolve("float.npy");
        CliRun rf = CliRun.of("run", "-m", coral().toString(), "--input", in.toString(), "--output", f.toString(),
                "--precision", "float");
        assertEquals(0, rf.code(), rf.err());
        NpyArray yf = NpyFile.read(f);
        assertEquals(NpyDtype.FLOAT32, yf.dtype());
        float[] real = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            real[i] = (x[i] - 128) / 128f;
        }
        try (Network n = Network.compile(m)) {
            assertArrayEquals(n.forward(real, 2), yf.floats());
        }
    }

    @Test
    void aFileThatRequantizesItsInputAndOutputRunsAsTheTfliteRuntimeRunsIt() throws Exception {
        // Coral's network given a file interface of other params (as TFLite's converter writes an int8
        // network that takes and gives uint8): a QUANTIZE at each end, written by the TFLite export.
        Model coral = ModelFiles.load(coral());
        org.mobilenet.engine.model.ModelQuantization q = coral.quantization().orElseThrow();
        org.mobilenet.engine.model.QuantParams in = org.mobilenet.engine.model.QuantParams.perTensor(
                org.mobilenet.engine.model.QuantType.UINT8, 1f / 127.5f, 127);
        org.mobilenet.engine.model.QuantParams out = org.mobilenet.engine.model.QuantParams.perTensor(
                org.mobilenet.engine.model.QuantType.UINT8, 1f / 128, 0);
        Model m = coral.withQuantization(new org.mobilenet.engine.model.ModelQuantization(q.input(), q.outputs(),
                q.tensors(), true, true, in, out));
        Path file = dir.resolve("requantized.tflite");
        ModelFiles.save(m, file, ModelFiles.SaveOptions.defaults());
        assertEquals(m.quantization(), ModelFiles.load(file).quantization());
        int[] x = photos(QuantizedNetwork.compile(coral));
        Path inFile = dir.resolve("in.npy");
        NpyArray batch = NpyArray.ofInts(NpyDtype.UINT8, new int[] {2, 128, 128, 3}, x);
        NpyFile.write(inFile, batch, false);
        Path outFile = dir.resolve("out.npy");
        CliRun r = CliRun.of("run", "-m", file.toString(), "--input", inFile.toString(), "--output", outFile.toString());
        assertEquals(0, r.code(), r.err());
        NpyArray y = NpyFile.read(outFile);
        assertEquals(NpyDtype.UINT8, y.dtype());
        int per = 128 * 128 * 3;
        java.util.List<byte[]> inputs = java.util.List.of(java.util.Arrays.copyOfRange(batch.data(), 0, per),
                java.util.Arrays.copyOfRange(batch.data(), per, 2 * per));
        java.util.List<byte[]> theirs = org.mobilenet.cli.tflite.TfliteRuntime.run(file, NpyDtype.UINT8, inputs, dir);
        byte[] all = new byte[2 * 1001];
        System.arraycopy(theirs.get(0), 0, all, 0, 1001);
        System.arraycopy(theirs.get(1), 0, all, 1001, 1001);
        int max = 0;
        for (int i = 0; i < all.length; i++) {
            max = Math.max(max, Math.abs((all[i] & 0xff) - y.ints()[i]));
        }
        assertTrue(max <= 1, "max diff " + max + " steps from the TFLite runtime");
        for (int row = 0; row < 2; row++) {
            int sum = 0;
            for (int i = 0; i < 1001; i++) {
                sum += y.ints()[row * 1001 + i];
            }
            // Probabilities at scale 1/128: they add up to 128, give or take their rounding.
            assertTrue(Math.abs(sum - 128) <= 12, "row " + row + " adds up to " + sum);
        }
    }

    @Test
    void kerasFilesTakeNhwcAndAQuantizedOnnxFileTakesItsOwnNchwInput() throws Exception {
        Path h5 = dir.resolve("m.h5");
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, CliRun.of("convert", coral().toString(), h5.toString()).code());
        assertEquals(0, CliRun.of("convert", coral().toString(), onnx.toString()).code()); // QDQ, float NCHW input
        SplittableRandom rnd = new SplittableRandom(5);
        float[] nhwc = new float[2 * 128 * 128 * 3];
        for (int i = 0; i < nhwc.length; i++) {
            nhwc[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] nchw = org.mobilenet.cli.ort.Layouts.toNchw(nhwc, 2, 128, 128, 3);
        Path inNhwc = dir.resolve("nhwc.npy");
        Path inNchw = dir.resolve("nchw.npy");
        NpyFile.write(inNhwc, NpyArray.ofFloats(new int[] {2, 128, 128, 3}, nhwc), false);
        NpyFile.write(inNchw, NpyArray.ofFloats(new int[] {2, 3, 128, 128}, nchw), false);

        Path y = dir.resolve("h5.npy");
        CliRun r = CliRun.of("run", "-m", h5.toString(), "--input", inNhwc.toString(), "--output", y.toString(),
                "--input-size", "128"); // a weights-only file does not record its size
        assertEquals(0, r.code(), r.err());
        try (Network n = Network.compile(org.mobilenet.io.keras.KerasImporter.withInputSize(ModelFiles.load(h5), 128))) {
            assertArrayEquals(n.forward(nhwc, 2), NpyFile.read(y).floats(), 1e-6f);
        }

        Model q = ModelFiles.load(onnx);
        for (String precision : new String[] {"int8", "float"}) {
            Path out = dir.resolve(precision + ".npy");
            CliRun rq = CliRun.of("run", "-m", onnx.toString(), "--input", inNchw.toString(), "--output", out.toString(),
                    "--precision", precision);
            assertEquals(0, rq.code(), precision + ": " + rq.err());
            float[] expected;
            if (precision.equals("int8")) {
                QuantizedNetwork net = QuantizedNetwork.compile(q);
                expected = net.dequantize(net.forward(net.quantizeInput(nhwc), 2));
            } else {
                try (Network n = Network.compile(q)) {
                    expected = n.forward(nhwc, 2);
                }
            }
            assertArrayEquals(expected, NpyFile.read(out).floats(), 1e-6f, precision);
        }
    }

    @Test
    void pytorchStyleOnnxTakesNchwFloatAndAnNhwcTensorIsRefusedInOneLine() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 32, 7);
        Path model = dir.resolve("pt.onnx");
        Files.write(model, ExportStyles.build(m, ExportStyles.Style.PYTORCH, false).toByteArray());
        SplittableRandom rnd = new SplittableRandom(3);
        float[] nchw = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < nchw.length; i++) {
            nchw[i] = (float) rnd.nextDouble(-1, 1);
        }
        Path in = dir.resolve("x.npy");
        NpyFile.write(in, NpyArray.ofFloats(new int[] {2, 3, 32, 32}, nchw), false);
        Path out = dir.resolve("y.npy");
        CliRun r = CliRun.of("run", "-m", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        float[] nhwc = new float[nchw.length];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 32 * 32; p++) {
                    nhwc[b * 3072 + p * 3 + c] = nchw[b * 3072 + c * 1024 + p];
                }
            }
        }
        try (Network n = Network.compile(ModelFiles.load(model))) {
            assertArrayEquals(n.forward(nhwc, 2), NpyFile.read(out).floats(), 1e-6f);
        }

        Path wrong = dir.resolve("nhwc.npy");
        NpyFile.write(wrong, NpyArray.ofFloats(new int[] {2, 32, 32, 3}, nhwc), false);
        CliRun bad = CliRun.of("run", "-m", model.toString(), "--input", wrong.toString(), "--output",
                dir.resolve("z.npy").toString());
        assertEquals(ExitCode.BAD_INPUT, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains(wrong.toString()) && bad.err().contains("expected float32 [N, 3, 32, 32] (NCHW)")
                && bad.err().contains("found float32 [2, 32, 32, 3]"), bad.err());
        assertTrue(Files.notExists(dir.resolve("z.npy")));

        CliRun int8 = CliRun.of("run", "-m", model.toString(), "--input", in.toString(), "--output",
                dir.resolve("q.npy").toString(), "--precision", "int8");
        assertEquals(ExitCode.BAD_INPUT, int8.code());
        assertTrue(int8.err().contains("float model"), int8.err());
    }

    @Test
    void aWrongDtypeIsBadInputAndAnExistingOutputIsKeptWithoutForce() throws Exception {
        Path in = dir.resolve("f.npy");
        NpyFile.write(in, NpyArray.ofFloats(new int[] {1, 128, 128, 3}, new float[128 * 128 * 3]), false);
        CliRun r = CliRun.of("run", "-m", coral().toString(), "--input", in.toString(), "--output",
                dir.resolve("o.npy").toString());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("expected uint8 [N, 128, 128, 3] (NHWC)"), r.err());

        Path u8 = dir.resolve("u8.npy");
        NpyFile.write(u8, NpyArray.ofInts(NpyDtype.UINT8, new int[] {1, 128, 128, 3}, new int[128 * 128 * 3]), false);
        Path out = dir.resolve("exists.npy");
        Files.writeString(out, "keep");
        CliRun e = CliRun.of("run", "-m", coral().toString(), "--input", u8.toString(), "--output", out.toString());
        assertEquals(ExitCode.OUTPUT, e.code());
        assertEquals("keep", Files.readString(out));
        assertEquals(0, CliRun.of("run", "-m", coral().toString(), "--input", u8.toString(), "--output", out.toString(),
                "--force").code());
        assertEquals(NpyDtype.UINT8, NpyFile.read(out).dtype());
    }

    @Test
    void classifyWithPrecisionInt8UsesTheIntegerPathAndRefusesFloatModelsAndOrt() throws Exception {
        CliRun r = CliRun.of("classify", "--precision", "int8", "-m", coral().toString(), "-k", "1", "--format", "json",
                CliRun.shared().resolve("images/cat.bmp").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"index\": 283"), r.out());
        assertTrue(r.out().contains("\"score\": 0.35546875"), r.out()); // 91 / 256, exactly
        CliRun ort = CliRun.of("classify", "--precision", "int8", "--engine", "ort", "-m", coral().toString(),
                CliRun.shared().resolve("images/cat.bmp").toString());
        assertEquals(ExitCode.USAGE, ort.code());
        Model f = ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 32, 7);
        Path model = dir.resolve("f.onnx");
        Files.write(model, ExportStyles.build(f, ExportStyles.Style.PYTORCH, false).toByteArray());
        CliRun fl = CliRun.of("classify", "--precision", "int8", "-m", model.toString(),
                CliRun.shared().resolve("images/cat.bmp").toString());
        assertEquals(ExitCode.BAD_INPUT, fl.code());
        assertTrue(fl.err().contains("quantized model"), fl.err());
    }
}
