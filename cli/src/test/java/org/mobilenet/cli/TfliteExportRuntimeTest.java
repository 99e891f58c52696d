package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mobilenet.cli.tflite.TfliteRuntime;
import org.mobilenet.cli.verify.ExportStyles;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.safetensors.SafetensorsModels;

/**
 * {@code convert X Y.tflite} writes files the real TFLite runtime loads and runs to the engine's
 * outputs (within 1e-4, on the same NHWC float input): every ONNX export style the importer accepts
 * (PyTorch's and opset 9's symmetric pads become PAD operators), MobileNet v2, and a custom dense
 * head; with and without the softmax, so the logits are compared too. The written file imports back
 * to the same layers.
 */
class TfliteExportRuntimeTest {
    @TempDir
    Path tmp;

    private static float[] input(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[m.inputHeight() * m.inputWidth() * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Converts {@code source} to .tflite (with {@code extra} options) and compares TFLite with the engine. */
    private void convertsAndMatches(Path source, String name, String... extra) throws Exception {
        Path out = tmp.resolve(name + ".tflite");
        String[] args = new String[3 + extra.length];
        args[0] = "convert";
        args[1] = source.toString();
        args[2] = out.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        CliRun c = CliRun.of(args);
        assertEquals(ExitCode.OK, c.code(), c.out() + c.err());
        Model engine = ModelFiles.load(source);
        if (extra.length > 0) {
            engine = ConvertCommand.withoutSoftmax(engine);
        }
        Model back = ModelFiles.load(out);
        assertTrue(back.graph().sameLayers(engine.graph()), () -> name + ": imports back as " + back.describe());
        float[] x = input(engine, 5);
        float[] want = Network.compile(engine).forward(x, 1);
        float[] got = TfliteRuntime.runFloats(out, x, tmp);
        assertEquals(want.length, got.length, name);
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max <= 1e-4, name + ": TFLite and the engine differ by " + max);
        assertArrayEquals(want, Network.compile(back).forward(x, 1), 1e-5f, name + ": imported back");
    }

    @ParameterizedTest(name = "{0} alpha {1} at {2}")
    @CsvSource({"PYTORCH, 0.25, 128", "TF2ONNX, 0.25, 128", "KERAS, 0.25, 128", "OPSET9, 0.25, 128",
        "PYTORCH, 0.5, 160"})
    void everyOnnxExportStyleRunsInTfliteLikeTheEngine(ExportStyles.Style style, double alpha, int res)
            throws Exception {
        Model m = ExportStyles.model(style, alpha, res, 11);
        Path f = tmp.resolve(style + ".onnx");
        Files.write(f, ExportStyles.build(m, style, false).toByteArray());
        convertsAndMatches(f, style + "-probabilities");
        convertsAndMatches(f, style + "-logits", "--no-softmax");
    }

    @ParameterizedTest(name = "v2 {0}")
    @CsvSource({"PYTORCH", "TF2ONNX"})
    void aV2RunsInTfliteLikeTheEngine(ExportStyles.Style style) throws Exception {
        Model m = ExportStyles.v2Model(style, 0.35, 96, 12);
        Path f = tmp.resolve("v2-" + style + ".onnx");
        Files.write(f, ExportStyles.build(m, style, false).toByteArray());
        convertsAndMatches(f, "v2-" + style);
        convertsAndMatches(f, "v2-" + style + "-logits", "--no-softmax");
    }

    @Test
    void aDenseHeadRunsInTfliteLikeTheEngine() throws Exception {
        Model m = SeededInit.create(CustomHeadAndShapeTest.denseHeadGraph(), 7);
        Path st = tmp.resolve("tm.safetensors");
        SafetensorsModels.write(m, st, false);
        convertsAndMatches(st, "dense-head");
        convertsAndMatches(st, "dense-head-logits", "--no-softmax");
    }
}
