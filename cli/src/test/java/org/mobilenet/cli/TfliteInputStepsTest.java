package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mobilenet.cli.tflite.QuantizedModels;
import org.mobilenet.cli.verify.ExportStyles;
import org.mobilenet.cli.tflite.TfliteRuntime;
import org.mobilenet.engine.model.InputStep;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.npy.NpyDtype;
import org.mobilenet.io.tflite.TfliteExporter;

/**
 * An int8 model whose file preprocesses its input in the graph (a Keras Rescaling converted to int8: the
 * uint8 pixels, QUANTIZE, MUL by a constant, ADD of one): written to TFLite with those steps, read back
 * with them, and run on the integer path, which takes the steps through a table computed as XNNPACK
 * does: the same bytes as the real TFLite runtime.
 */
class TfliteInputStepsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "multiplier {0}, offset {1}, int8 pixels {2}")
    @CsvSource({"0.00784313725, -1, false", "0.00392156863, 0, false", "0.0171247538, -2.1179039, false",
        "0.00784313725, -1, true"})
    void aRescalingWrittenAsIntegerStepsRunsAsTheTfliteRuntimeRunsIt(float mul, float add, boolean int8Pixels)
            throws Exception {
        Model f = ConvertCommand.withoutSoftmax(ExportStyles.v2Model(ExportStyles.Style.KERAS, 0.35, 48, 4));
        SplittableRandom r = new SplittableRandom(5);
        float[] calib = new float[48 * 48 * 3];
        for (int i = 0; i < calib.length; i++) {
            calib[i] = r.nextInt(256) * mul + add;
        }
        Model q = QuantizedModels.quantize(f, QuantType.INT8, calib);
        ModelQuantization mq = q.quantization().orElseThrow();
        // The file: uint8 pixels -> int8 (p - 128) -> MUL by mul -> ADD add -> the network's input.
        QuantParams pixels = QuantParams.perTensor(QuantType.INT8, 1f, -128);
        QuantParams scaled = QuantParams.perTensor(QuantType.INT8, 255 * mul / 255f, -128);
        QuantParams kMul = QuantParams.perTensor(QuantType.INT8, mul / 127f, 0);
        QuantParams kAdd = QuantParams.perTensor(QuantType.INT8, Math.max(Math.abs(add), 1e-3f) / 127f, 0);
        List<InputStep> steps = new ArrayList<>();
        steps.add(new InputStep(InputStep.Op.MUL, new QuantizedTensor(new int[] {1}, new int[] {127}, kMul), scaled));
        steps.add(new InputStep(InputStep.Op.ADD, new QuantizedTensor(new int[] {1}, new int[] {kAdd.quantize(add)}, kAdd),
                mq.input()));
        // The file takes uint8 pixels and QUANTIZEs them, or takes the int8 pixel - 128 itself.
        ModelQuantization withSteps = new ModelQuantization(pixels, mq.outputs(), mq.tensors(), true, true,
                int8Pixels ? null : QuantParams.perTensor(QuantType.UINT8, 1f, 0), null, steps);
        Model m = q.withQuantization(withSteps);
        Path file = tmp.resolve("steps.tflite");
        TfliteExporter.write(m, file, false);
        Model back = ModelFiles.load(file);
        assertEquals(2, back.quantization().orElseThrow().inputSteps().size());
        byte[] in = new byte[calib.length];
        int[] ints = new int[calib.length];
        for (int i = 0; i < in.length; i++) {
            int p = r.nextInt(256);
            in[i] = (byte) (int8Pixels ? p - 128 : p);
            ints[i] = p - 128; // the file's QUANTIZE: uint8 1 @ 0 to int8 1 @ -128 (or its own int8 input)
        }
        NpyDtype dtype = int8Pixels ? NpyDtype.INT8 : NpyDtype.UINT8;
        byte[] theirs = TfliteRuntime.run(file, dtype, List.of(in), tmp).get(0);
        int[] ours = QuantizedNetwork.compile(back).forward(ints, 1);
        int[] t = new int[theirs.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = theirs[i];
        }
        assertArrayEquals(t, ours);
        // The float path on the same file input (the pixels: raw, then the model's preprocessing) agrees
        // within a few steps of the logits (the integer path's quantization error).
        Path npy = tmp.resolve("px.npy");
        org.mobilenet.io.npy.NpyFile.write(npy, new org.mobilenet.io.npy.NpyArray(dtype,
                new int[] {1, 48, 48, 3}, in), true);
        Path out = tmp.resolve("float.npy");
        CliRun run = CliRun.of("run", "--precision", "float", "-m", file.toString(), "--input", npy.toString(), "--output",
                out.toString());
        assertEquals(ExitCode.OK, run.code(), run.err());
        float[] f32 = org.mobilenet.io.npy.NpyFile.read(out).floats();
        QuantParams o = back.quantization().orElseThrow().output(back.graph().layers().get(back.graph().layers().size() - 1)
                .name());
        for (int i = 0; i < f32.length; i++) {
            assertEquals(o.dequantize(ours[i], 0), f32[i], 8 * o.scale(), "logit " + i);
        }
        // Written as QDQ ONNX, the graph takes the network's input: verify runs it against ONNX Runtime.
        Path onnx = tmp.resolve("steps.onnx");
        ModelFiles.save(back, onnx, ModelFiles.SaveOptions.defaults());
        CliRun v = CliRun.of("verify", "--count", "2", onnx.toString());
        assertEquals(ExitCode.OK, v.code(), v.err() + v.out());
    }
}
