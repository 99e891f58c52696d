package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * MobileNet v3's layers (hard-swish after convolutions and a dense layer; a squeeze-and-excite block:
 * pool, dense + ReLU, dense + hard-sigmoid, the map's channels scaled by that gate) written to ONNX as
 * HardSwish (opset 14 on; before it x * HardSigmoid(x)), HardSigmoid(alpha 1/6) and a Mul of the map
 * by the gate reshaped to [N, C, 1, 1]: ONNX Runtime computes what the engine does.
 */
class OnnxV3LayersTest {
    static final int H = 35;
    static final int W = 29;

    /** A stem, a depthwise conv with squeeze-and-excite, a projection with a residual add, a v3 head. */
    static LayerGraph v3Block() {
        Shape in = new Shape(H, W, 3);
        List<LayerSpec> layers = new ArrayList<>();
        LayerSpec stem = LayerSpec.conv("stem", LayerKind.CONV, 3, 2, Padding.SYMMETRIC, in, 16, Activation.HARD_SWISH);
        layers.add(stem);
        LayerSpec dw = LayerSpec.conv("dw", LayerKind.DEPTHWISE, 5, 1, Padding.SYMMETRIC, stem.out(), 16, Activation.RELU);
        layers.add(dw);
        Shape pooled = new Shape(1, 1, 16);
        Shape squeezed = new Shape(1, 1, 8);
        layers.add(new LayerSpec("se.pool", LayerKind.AVG_POOL, dw.out().h(), 1, Pads.NONE, dw.out(), pooled));
        layers.add(new LayerSpec("se.fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, squeezed, Activation.RELU, null));
        layers.add(new LayerSpec("se.fc2", LayerKind.FC, 1, 1, Pads.NONE, squeezed, pooled, Activation.HARD_SIGMOID,
                null));
        layers.add(new LayerSpec("se.scale", LayerKind.SCALE, 1, 1, Pads.NONE, pooled, dw.out(), Activation.NONE, "dw"));
        LayerSpec project = LayerSpec.conv("project", LayerKind.POINTWISE, 1, 1, Padding.SYMMETRIC, dw.out(), 16,
                Activation.NONE);
        layers.add(project);
        layers.add(LayerSpec.add("add", project.out(), "stem"));
        layers.add(new LayerSpec("pool", LayerKind.AVG_POOL, project.out().h(), 1, Pads.NONE, project.out(), pooled));
        Shape hidden = new Shape(1, 1, 24);
        Shape logits = new Shape(1, 1, 7);
        layers.add(new LayerSpec("fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, hidden, Activation.HARD_SWISH, null));
        layers.add(new LayerSpec("fc2", LayerKind.FC, 1, 1, Pads.NONE, hidden, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
        return new LayerGraph("v3", in, layers);
    }

    static float[] nchw(float[] nhwc) {
        float[] out = new float[nhwc.length];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int c = 0; c < 3; c++) {
                    out[(c * H + y) * W + x] = nhwc[(y * W + x) * 3 + c];
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17})
    void onnxRuntimeComputesWhatTheEngineDoesOnV3Layers(int opset) throws Exception {
        Model m = SeededInit.create(v3Block(), 12).foldBatchNorm();
        ModelProto p = OnnxExporter.toProto(m, new OnnxExportOptions(opset, true, false));
        List<String> ops = p.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(opset >= 14, ops.contains("HardSwish"), ops.toString());
        assertTrue(ops.contains("HardSigmoid") && ops.contains("Mul"), ops.toString());
        float[] x = OrtRunner.random(H * W * 3, 5);
        try (Network net = Network.compile(m)) {
            assertArrayEquals(OrtRunner.run(p, nchw(x), new long[] {1, 3, H, W}), net.forward(x, 1), 2e-6f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tflite", "qdq"})
    void writersThatCannotExpressV3LayersRefuseThemNamingTheLayer(String what) {
        Model m = SeededInit.create(v3Block(), 12).foldBatchNorm();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> {
            if (what.equals("tflite")) {
                org.mobilenet.io.tflite.TfliteExporter.toBytes(m);
            } else {
                OnnxQdqExporter.toProto(m, OnnxExportOptions.defaults());
            }
        });
        assertTrue(e.getMessage().startsWith("layer stem (conv, hard-swish) is a MobileNet v3 layer"), e.getMessage());
    }
}
