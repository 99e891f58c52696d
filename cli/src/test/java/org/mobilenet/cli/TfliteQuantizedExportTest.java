package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mobilenet.cli.tflite.QuantizedModels;
import org.mobilenet.cli.tflite.TfliteRuntime;
import org.mobilenet.cli.verify.ExportStyles;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.npy.NpyDtype;
import org.mobilenet.io.tflite.TfliteExporter;

/**
 * A quantized model (built in code: uint8 per tensor as Coral's, or int8 per channel) written to
 * TFLite stays quantized: the real TFLite runtime runs it on the quantized input with integer
 * kernels, and its dequantized output follows the float engine on the same dequantized parameters
 * and input to within the quantization error (a few output steps).
 */
class TfliteQuantizedExportTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"UINT8, v1, true", "INT8, v1, true", "UINT8, v2, true", "INT8, v2, true",
        "UINT8, v1, false", "INT8, v1, false", "UINT8, v2, false", "INT8, v2, false"})
    void aQuantizedModelRunsQuantizedInTflite(QuantType type, String family, boolean softmax) throws Exception {
        Model f = family.equals("v1") ? ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 64, 4)
                : ExportStyles.v2Model(ExportStyles.Style.PYTORCH, 0.35, 64, 4);
        if (!softmax) {
            f = ConvertCommand.withoutSoftmax(f); // the logits: a stricter comparison than 1000 small probabilities
        }
        SplittableRandom r = new SplittableRandom(9);
        float[] calib = new float[64 * 64 * 3];
        for (int i = 0; i < calib.length; i++) {
            calib[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Model q = QuantizedModels.quantize(f, type, calib);
        Path file = tmp.resolve("q.tflite");
        TfliteExporter.write(q, file, false);
        QuantParams in = q.quantization().orElseThrow().input();
        byte[] bytes = new byte[calib.length];
        float[] x = new float[calib.length];
        for (int i = 0; i < calib.length; i++) {
            int v = in.quantize(calib[i]);
            bytes[i] = (byte) v;
            x[i] = in.dequantize(v, 0);
        }
        byte[] out = TfliteRuntime.run(file, dtype(type), List.of(bytes), tmp).get(0);
        String last = q.graph().layers().get(q.graph().layers().size() - 1).name();
        QuantParams o = q.quantization().orElseThrow().output(last);
        float[] want = Network.compile(q).forward(x, 1);
        assertEquals(want.length, out.length);
        double max = 0;
        for (int i = 0; i < out.length; i++) {
            int v = type == QuantType.UINT8 ? out[i] & 0xff : out[i];
            max = Math.max(max, Math.abs(o.dequantize(v, 0) - want[i]));
        }
        assertTrue(max <= 4 * o.scale(), "TFLite's integer output differs from the float engine by " + max / o.scale()
                + " steps");
    }

    /**
     * The same quantized model written as QDQ ONNX runs in ONNX Runtime (at ALL_OPT, where it fuses the
     * Q/DQ groups into integer kernels) within two output steps of TFLite's integer kernels.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"UINT8, v1", "INT8, v1", "UINT8, v2", "INT8, v2"})
    void aQuantizedOnnxRunsInOrtLikeTheQuantizedTflite(QuantType type, String family) throws Exception {
        Model f = family.equals("v1") ? ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 64, 4)
                : ExportStyles.v2Model(ExportStyles.Style.PYTORCH, 0.35, 64, 4);
        f = ConvertCommand.withoutSoftmax(f);
        SplittableRandom r = new SplittableRandom(9);
        float[] calib = new float[64 * 64 * 3];
        for (int i = 0; i < calib.length; i++) {
            calib[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Model q = QuantizedModels.quantize(f, type, calib);
        Path tflite = tmp.resolve("q.tflite");
        TfliteExporter.write(q, tflite, false);
        Path onnx = tmp.resolve("q.onnx");
        org.mobilenet.io.ModelFiles.save(q, onnx, org.mobilenet.io.ModelFiles.SaveOptions.defaults());
        QuantParams in = q.quantization().orElseThrow().input();
        byte[] bytes = new byte[calib.length];
        float[] x = new float[calib.length];
        for (int i = 0; i < calib.length; i++) {
            int v = in.quantize(calib[i]);
            bytes[i] = (byte) v;
            x[i] = in.dequantize(v, 0);
        }
        byte[] want = TfliteRuntime.run(tflite, dtype(type), List.of(bytes), tmp).get(0);
        float[] got;
        try (org.mobilenet.cli.ort.OrtRunner ort = new org.mobilenet.cli.ort.OrtRunner(java.nio.file.Files.readAllBytes(onnx),
                org.mobilenet.cli.ort.OrtSettings.singleThread())) {
            got = ort.run("input", org.mobilenet.cli.ort.Layouts.toNchw(x, 1, 64, 64, 3), new long[] {1, 3, 64, 64},
                    List.of("logits")).get("logits");
        }
        String last = q.graph().layers().get(q.graph().layers().size() - 1).name();
        QuantParams o = q.quantization().orElseThrow().output(last);
        assertEquals(want.length, got.length);
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            int v = type == QuantType.UINT8 ? want[i] & 0xff : want[i];
            max = Math.max(max, Math.abs(o.dequantize(v, 0) - got[i]) / o.scale());
        }
        assertTrue(max <= 2.0001, "ONNX Runtime differs from TFLite by " + max + " steps");
        // ORT's optimizer turns the QDQ groups into integer kernels: every conv becomes a QLinearConv.
        Path optimized = tmp.resolve("optimized.onnx");
        var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (var opts = new ai.onnxruntime.OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setOptimizedModelFilePath(optimized.toString());
            env.createSession(java.nio.file.Files.readAllBytes(onnx), opts).close();
        }
        var graph = org.mobilenet.io.onnx.proto.Onnx.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(optimized))
                .getGraph();
        long qconv = graph.getNodeList().stream().filter(n -> n.getOpType().equals("QLinearConv")).count();
        long convs = q.graph().layers().stream().filter(l -> l.kind() == org.mobilenet.engine.arch.LayerKind.CONV
                || l.kind() == org.mobilenet.engine.arch.LayerKind.DEPTHWISE
                || l.kind() == org.mobilenet.engine.arch.LayerKind.POINTWISE).count();
        if (type == QuantType.UINT8) {
            assertEquals(convs, qconv, "QLinearConv nodes after ORT's optimization");
            assertTrue(graph.getNodeList().stream().anyMatch(n -> n.getOpType().equals("QLinearGlobalAveragePool")));
        } else {
            // int8 activations: ORT on x86 keeps some int8 x int8 convs in float between exact Q/DQ pairs.
            assertTrue(qconv > 0, "no QLinearConv after ORT's optimization");
        }
    }

    /** The QDQ ONNX written for a quantized model imports back as that quantized model. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"UINT8, v1", "INT8, v2"})
    void aQuantizedOnnxImportsBackQuantized(QuantType type, String family) throws Exception {
        Model f = family.equals("v1") ? ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 64, 4)
                : ExportStyles.v2Model(ExportStyles.Style.PYTORCH, 0.35, 64, 4);
        SplittableRandom r = new SplittableRandom(9);
        float[] calib = new float[64 * 64 * 3];
        for (int i = 0; i < calib.length; i++) {
            calib[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Model q = QuantizedModels.quantize(f, type, calib);
        Path onnx = tmp.resolve("q.onnx");
        org.mobilenet.io.ModelFiles.save(q, onnx, org.mobilenet.io.ModelFiles.SaveOptions.defaults());
        Model back = org.mobilenet.io.ModelFiles.load(onnx);
        assertTrue(back.isQuantized(), "imported as float");
        assertTrue(back.graph().sameLayers(q.graph()));
        var a = q.quantization().orElseThrow();
        var b = back.quantization().orElseThrow();
        assertEquals(a.input(), b.input());
        // Layer names may differ (a graph the import does not recognize as v2 is named layers.N), order not.
        assertEquals(List.copyOf(a.outputs().values()), List.copyOf(b.outputs().values()));
        assertEquals(List.copyOf(a.tensors().values()), List.copyOf(b.tensors().values()));
        assertEquals(List.copyOf(q.tensors().values()), List.copyOf(back.tensors().values()));
        Path dq = tmp.resolve("float.onnx");
        CliRun c = CliRun.of("convert", onnx.toString(), dq.toString(), "--dequantize");
        assertEquals(ExitCode.OK, c.code(), c.out() + c.err());
        assertTrue(!org.mobilenet.io.ModelFiles.load(dq).isQuantized());
    }

    /**
     * A quantized model that takes and gives floats (as TFLite's post-training int8 files do) is written
     * with a QUANTIZE first and a DEQUANTIZE last: TFLite gives on the float input exactly the
     * dequantized outputs of the same model with integer input and output, and the file imports back
     * with the same quantization.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"UINT8", "INT8"})
    void floatInputAndOutputGetQuantizeAndDequantize(QuantType type) throws Exception {
        Model f = ConvertCommand.withoutSoftmax(ExportStyles.model(ExportStyles.Style.TF2ONNX, 0.25, 64, 4));
        SplittableRandom r = new SplittableRandom(9);
        float[] calib = new float[64 * 64 * 3];
        for (int i = 0; i < calib.length; i++) {
            calib[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Model q = QuantizedModels.quantize(f, type, calib);
        var mq = q.quantization().orElseThrow();
        Model floatIo = q.withQuantization(new org.mobilenet.engine.model.ModelQuantization(mq.input(), mq.outputs(),
                mq.tensors(), false, false));
        Path ints = tmp.resolve("ints.tflite");
        Path floats = tmp.resolve("floats.tflite");
        TfliteExporter.write(q, ints, false);
        TfliteExporter.write(floatIo, floats, false);
        QuantParams in = mq.input();
        byte[] bytes = new byte[calib.length];
        float[] x = new float[calib.length];
        for (int i = 0; i < calib.length; i++) {
            int v = in.quantize(calib[i]);
            bytes[i] = (byte) v;
            x[i] = in.dequantize(v, 0);
        }
        byte[] want = TfliteRuntime.run(ints, dtype(type), List.of(bytes), tmp).get(0);
        float[] got = TfliteRuntime.runFloats(floats, x, tmp);
        String last = q.graph().layers().get(q.graph().layers().size() - 1).name();
        QuantParams o = mq.output(last);
        assertEquals(want.length, got.length);
        for (int i = 0; i < got.length; i++) {
            int v = type == QuantType.UINT8 ? want[i] & 0xff : want[i];
            assertEquals(o.dequantize(v, 0), got[i], 0f, "output " + i);
        }
        Model back = org.mobilenet.io.ModelFiles.load(floats);
        assertTrue(back.isQuantized(), "imported as float");
        assertEquals(List.copyOf(mq.outputs().values()),
                List.copyOf(back.quantization().orElseThrow().outputs().values()));
        assertEquals(List.copyOf(mq.tensors().values()),
                List.copyOf(back.quantization().orElseThrow().tensors().values()));
    }

    private static NpyDtype dtype(QuantType type) {
        return type == QuantType.UINT8 ? NpyDtype.UINT8 : NpyDtype.INT8;
    }
}
