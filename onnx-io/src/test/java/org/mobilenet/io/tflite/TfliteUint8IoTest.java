package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.quant.Requantize;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;

/**
 * int8 networks that take and give uint8 (TFLite's converter with {@code inference_input_type} and
 * {@code inference_output_type} uint8: a QUANTIZE at each end; built in code by
 * {@link QuantizedTfliteWriter}): imported with the file's own input and output quantization beside
 * the network's, run as the real TFLite runtime runs them, and written back with both QUANTIZE
 * operators, giving the same bytes of output.
 */
class TfliteUint8IoTest {
    @TempDir
    Path dir;

    /** A case: the architecture and the uint8 input's scale and zero point (the network's is 1/128 @ 0). */
    private record Case(String name, Architecture arch, float scale, int zero) {
    }

    private static final List<Case> CASES = List.of(
            new Case("v2, the input's scale, zero point 128 (a shift)",
                    new MobileNetV2Spec(0.35, Resolution.square(40), 9, true), 1f / 128, 128),
            new Case("v1 logits, another scale (requantized in fixed point)",
                    new ModelSpec(0.25, 48, 7, Variant.SEPARABLE, Padding.TF_SAME, false), 1f / 127.5f, 127));

    @Test
    void theFilesUint8InputAndOutputAreKeptBesideTheNetworksInt8Ones() throws Exception {
        Case c = CASES.get(1);
        Model f = SeededInit.create(c.arch(), 1).foldBatchNorm();
        Path p = dir.resolve("u8.tflite");
        Files.write(p, QuantizedTfliteWriter.writeUint8Io(f, c.scale(), c.zero(), 1));
        ModelQuantization q = TfliteImporter.load(p).quantization().orElseThrow();
        assertTrue(q.quantizedInput());
        assertTrue(q.quantizedOutput());
        assertEquals(QuantParams.perTensor(QuantType.INT8, 1f / 128, 0), q.input());
        assertEquals(QuantParams.perTensor(QuantType.UINT8, c.scale(), c.zero()), q.fileInput());
        assertEquals(q.takes(), q.fileInput());
        assertEquals(QuantType.UINT8, q.fileOutput().type());
        String last = f.graph().layers().get(f.graph().layers().size() - 1).name();
        assertEquals(q.output(last).scale(), q.fileOutput().scale());
        assertEquals(q.output(last).zeroPoint() + 128, q.fileOutput().zeroPoint());
        // Through a quantized ONNX file (QDQ, which takes floats) and back: the file's interface is kept.
        Path onnx = dir.resolve("u8.onnx");
        java.nio.file.Files.write(onnx, org.mobilenet.io.onnx.OnnxQdqExporter.toProto(TfliteImporter.load(p),
                org.mobilenet.io.onnx.OnnxExportOptions.defaults()).toByteArray());
        ModelQuantization back = org.mobilenet.io.ModelFiles.load(onnx).quantization().orElseThrow();
        assertEquals(q.fileInput(), back.fileInput());
        assertEquals(q.fileOutput(), back.fileOutput());
        assertEquals(q.input(), back.input());
    }

    @Test
    void theIntegerPathWithTheFilesRequantizationsGivesTheTfliteRuntimesBytesAndSoDoesTheWrittenFile()
            throws Exception {
        int batch = 2;
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<int[]> ours = new ArrayList<>();
        List<ModelQuantization> quants = new ArrayList<>();
        for (int k = 0; k < CASES.size(); k++) {
            Case c = CASES.get(k);
            Model f = SeededInit.create(c.arch(), 20 + k).foldBatchNorm();
            Path src = dir.resolve("src" + k + ".tflite");
            Files.write(src, QuantizedTfliteWriter.writeUint8Io(f, c.scale(), c.zero(), 20 + k));
            Model m = TfliteImporter.load(src);
            ModelQuantization q = m.quantization().orElseThrow();
            Path out = dir.resolve("out" + k + ".tflite");
            TfliteExporter.write(m, out, false);
            assertEquals(q, TfliteImporter.load(out).quantization().orElseThrow(), c.name());
            QuantizedNetwork net = QuantizedNetwork.compile(m);
            Shape s = net.inputShape();
            int n = s.h() * s.w() * s.c() * batch;
            SplittableRandom rnd = new SplittableRandom(k);
            int[] u = new int[n];
            for (int i = 0; i < n; i++) {
                u[i] = rnd.nextInt(256);
            }
            int[] y = net.forward(Requantize.of(u, q.fileInput(), q.input()), batch);
            ours.add(Requantize.of(y, net.output(), q.fileOutput()));
            quants.add(q);
            NpyArray input = NpyArray.ofInts(NpyDtype.UINT8, new int[] {batch, s.h(), s.w(), s.c()}, u);
            jobs.add(new TfliteRuntime.Job(src, input));
            jobs.add(new TfliteRuntime.Job(out, input));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int k = 0; k < CASES.size(); k++) {
            String name = CASES.get(k).name();
            NpyArray source = theirs.get(2 * k);
            NpyArray written = theirs.get(2 * k + 1);
            assertEquals(NpyDtype.UINT8, source.dtype(), name);
            assertArrayEquals(source.data(), written.data(), name + ": the written file's outputs");
            int[] t = source.ints();
            int[] o = ours.get(k);
            assertEquals(t.length, o.length, name);
            int exact = 0;
            int max = 0;
            for (int i = 0; i < t.length; i++) {
                exact += t[i] == o[i] ? 1 : 0;
                max = Math.max(max, Math.abs(t[i] - o[i]));
            }
            System.out.printf(Locale.ROOT, "uint8 io %s: %d of %d outputs bit-exact to TFLite, max diff %d%n", name,
                    exact, t.length, max);
            assertTrue(max <= 1, name + ": max diff " + max + " steps");
        }
    }
}
