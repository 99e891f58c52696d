package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

/** A quantized classifier with a sigmoid head, written as a QDQ ONNX file, passes verify against ONNX Runtime. */
class SigmoidHeadCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void aQuantizedSigmoidHeadWrittenAsQdqOnnxPassesVerify() throws Exception {
        // One step of the sigmoid's input, which both runtimes may round apart, is allowed through it.
        LayerGraph body = new ModelSpec(0.25, 48, 1, Variant.SEPARABLE, Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        Shape logit = layers.get(layers.size() - 1).out();
        layers.add(new LayerSpec("sigmoid", org.mobilenet.engine.arch.LayerKind.SIGMOID, 1, 1,
                org.mobilenet.engine.arch.Pads.NONE, logit, logit, org.mobilenet.engine.arch.Activation.NONE, null));
        Model f = SeededInit.create(new LayerGraph(body.family(), body.input(), layers), 8);
        float[] calibration = SeededInit.uniform(new java.util.SplittableRandom(1), 48 * 48 * 3, 1f);
        Model q = org.mobilenet.cli.tflite.QuantizedModels.quantize(f, org.mobilenet.engine.model.QuantType.INT8,
                calibration);
        Path onnx = tmp.resolve("sig.onnx");
        org.mobilenet.io.ModelFiles.save(q, onnx, org.mobilenet.io.ModelFiles.SaveOptions.defaults());
        CliRun v = CliRun.of("verify", "--count", "8", "--format", "json", onnx.toString());
        assertEquals(ExitCode.OK, v.code(), v.err() + v.out());
        JsonObject o = JsonParser.parseString(v.out()).getAsJsonObject();
        assertTrue(o.get("allowedSteps").getAsDouble() > 1, v.out());
    }
}
