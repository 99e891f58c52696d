package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.ModelFiles;

/** A MobileNet v3 block through the commands: verify layer by layer, convert to TFLite and verify that. */
class MobileNetV3CommandsTest {
    @TempDir
    Path tmp;

    /** A hard-swish stem, a depthwise conv with squeeze-and-excite, a projection added back, a v3 head. */
    private static LayerGraph v3() {
        Shape in = new Shape(32, 32, 3);
        List<LayerSpec> l = new ArrayList<>();
        LayerSpec stem = LayerSpec.conv("stem", LayerKind.CONV, 3, 2, Padding.TF_SAME, in, 16, Activation.HARD_SWISH);
        l.add(stem);
        LayerSpec dw = LayerSpec.conv("dw", LayerKind.DEPTHWISE, 3, 1, Padding.TF_SAME, stem.out(), 16, Activation.RELU);
        l.add(dw);
        Shape pooled = new Shape(1, 1, 16);
        l.add(new LayerSpec("se.pool", LayerKind.AVG_POOL, dw.out().h(), 1, Pads.NONE, dw.out(), pooled));
        l.add(new LayerSpec("se.fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 8), Activation.RELU, null));
        l.add(new LayerSpec("se.fc2", LayerKind.FC, 1, 1, Pads.NONE, new Shape(1, 1, 8), pooled, Activation.HARD_SIGMOID,
                null));
        l.add(new LayerSpec("se.scale", LayerKind.SCALE, 1, 1, Pads.NONE, pooled, dw.out(), Activation.NONE, "dw"));
        LayerSpec project = LayerSpec.conv("project", LayerKind.POINTWISE, 1, 1, Padding.TF_SAME, dw.out(), 16,
                Activation.NONE);
        l.add(project);
        l.add(LayerSpec.add("add", project.out(), "stem"));
        l.add(new LayerSpec("pool", LayerKind.AVG_POOL, project.out().h(), 1, Pads.NONE, project.out(), pooled));
        l.add(new LayerSpec("fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 24), Activation.HARD_SWISH, null));
        l.add(new LayerSpec("fc2", LayerKind.FC, 1, 1, Pads.NONE, new Shape(1, 1, 24), new Shape(1, 1, 6), Activation.NONE,
                null));
        l.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, new Shape(1, 1, 6), new Shape(1, 1, 6)));
        return new LayerGraph("v3", in, l);
    }

    @Test
    void verifyComparesEveryV3LayerAndTheTfliteExportVerifiesToo() throws Exception {
        Model m = SeededInit.create(v3(), 4);
        Path onnx = tmp.resolve("v3.onnx");
        ModelFiles.save(m, onnx, ModelFiles.SaveOptions.defaults());
        // Layer by layer: the squeeze-and-excite scaling's map is compared in ONNX's layout like the others.
        CliRun v = CliRun.of("verify", "--per-layer", "--count", "2", onnx.toString());
        assertEquals(ExitCode.OK, v.code(), v.err() + v.out());
        assertFalse(v.out().contains("DIVERGES"), v.out());
        Path tflite = tmp.resolve("v3.tflite");
        CliRun c = CliRun.of("convert", onnx.toString(), tflite.toString());
        assertEquals(ExitCode.OK, c.code(), c.err() + c.out());
        CliRun vt = CliRun.of("verify", "--count", "2", tflite.toString());
        assertEquals(ExitCode.OK, vt.code(), vt.err() + vt.out());
        assertTrue(vt.out().contains("top-1 agree    100.0%"), vt.out());
    }
}
