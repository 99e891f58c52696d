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

    @ParameterizedTest(name = "multiplier {0}, offset {1}")
    @CsvSource({"0.00784313725, -1", "0.00392156863, 0", "0.0171247538, -2.1179039"})
    void aRescalingWrittenAsIntegerStepsRunsAsTheTfliteRuntimeRunsIt(float mul, float add) throws Exception {
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
        ModelQuantization withSteps = new ModelQuantization(pixels, mq.outputs(), mq.tensors(), true, true,
                QuantParams.perTensor(QuantType.UINT8, 1f, 0), null, steps);
        Model m = q.withQuantization(withSteps);
        Path file = tmp.resolve("steps.tflite");
        TfliteExporter.write(m, file, false);
        Model back = ModelFiles.load(file);
        assertEquals(2, back.quantization().orElseThrow().inputSteps().size());
        byte[] in = new byte[calib.length];
        int[] ints = new int[calib.length];
        for (int i = 0; i < in.length; i++) {
            int p = r.nextInt(256);
            in[i] = (byte) p;
            ints[i] = p - 128; // the file's QUANTIZE: uint8 1 @ 0 to int8 1 @ -128
        }
        byte[] theirs = TfliteRuntime.run(file, NpyDtype.UINT8, List.of(in), tmp).get(0);
        int[] ours = QuantizedNetwork.compile(back).forward(ints, 1);
        int[] t = new int[theirs.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = theirs[i];
        }
        assertArrayEquals(t, ours);
    }
}
