package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

/**
 * A classifier whose head is a sigmoid (binary or multi-label) written as ONNX (Gemm then Sigmoid)
 * imports back with its SIGMOID layer, and ONNX Runtime computes on the file what the engine computes.
 */
class OnnxSigmoidHeadTest {
    @TempDir
    Path dir;

    private static LayerGraph sigmoidHead(LayerGraph body) {
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        LayerSpec last = layers.get(layers.size() - 1);
        layers.add(new LayerSpec("sigmoid", LayerKind.SIGMOID, 1, 1, Pads.NONE, last.out(), last.out(),
                Activation.NONE, null));
        return new LayerGraph(body.family(), body.input(), layers);
    }

    @Test
    void aSigmoidHeadIsWrittenAndReadAsSigmoidAndOnnxRuntimeAgrees() throws Exception {
        for (LayerGraph g : List.of(
                sigmoidHead(new ModelSpec(0.25, 48, 1, Variant.SEPARABLE, Padding.SYMMETRIC, false).graph()),
                sigmoidHead(new MobileNetV2Spec(0.35, Resolution.square(40), 6, false).graph()))) {
            Model m = SeededInit.create(g, 5).foldBatchNorm();
            ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
            assertTrue(p.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Sigmoid")));
            Path f = dir.resolve("sigmoid.onnx");
            Files.write(f, p.toByteArray());
            Model back = ModelFiles.load(f);
            assertEquals(LayerKind.SIGMOID, back.graph().layers().get(back.graph().layers().size() - 1).kind());
            assertEquals(g.classes(), back.classes());
            int h = m.inputHeight();
            float[] nhwc = OrtRunner.random(h * h * 3, 4);
            float[] nchw = new float[nhwc.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < h; x++) {
                    for (int c = 0; c < 3; c++) {
                        nchw[(c * h + y) * h + x] = nhwc[(y * h + x) * 3 + c];
                    }
                }
            }
            float[] theirs = OrtRunner.run(p, nchw, new long[] {1, 3, h, h});
            float[] ours;
            try (Network net = Network.compile(back)) {
                ours = net.forward(nhwc, 1);
            }
            assertEquals(theirs.length, ours.length);
            for (int i = 0; i < ours.length; i++) {
                assertEquals(theirs[i], ours[i], 1e-5f, g.family() + " output " + i);
            }
        }
    }
}
