package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Padding;
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
public class OnnxV3LayersTest {
    public static final int H = 35;
    public static final int W = 33;

    /** A stem, a depthwise conv with squeeze-and-excite, a projection with a residual add, a v3 head. */
    public static LayerGraph v3Block() {
        return org.mobilenet.io.V3Blocks.block(new Shape(H, W, 3), Padding.SYMMETRIC, true, 7);
    }

    static float[] nchw(float[] nhwc) {
        return OrtRunner.nchw(nhwc, H, W, 3);
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
    @ValueSource(ints = {13, 17})
    void theExportReadsBackAsTheSameGraphAndOutputs(int opset) throws Exception {
        Model m = SeededInit.create(v3Block(), 13).foldBatchNorm();
        ModelProto p = OnnxExporter.toProto(m, new OnnxExportOptions(opset, true, false));
        Model back = OnnxImporter.importModel(java.nio.file.Path.of("v3.onnx"), p).model();
        assertTrue(m.graph().sameLayers(back.graph()), back.graph().layers().toString());
        assertEquals("v3", back.graph().family());
        float[] x = OrtRunner.random(H * W * 3, 6);
        try (Network a = Network.compile(m); Network b = Network.compile(back)) {
            assertArrayEquals(a.forward(x, 1), b.forward(x, 1), 1e-6f);
        }
    }

    /**
     * The block as torchvision's MobileNetV3 exports it: Conv + HardSwish, the squeeze-and-excite's dense
     * layers as 1x1 Convs on the pooled [N, C, 1, 1] map, HardSigmoid, Mul(gate, map); the head's
     * Flatten, Gemm + HardSwish, Gemm, Softmax.
     */
    private static ModelProto torchvisionStyle(Model m) {
        org.mobilenet.io.onnx.proto.Onnx.GraphProto.Builder g = org.mobilenet.io.onnx.proto.Onnx.GraphProto.newBuilder()
                .setName("torch_jit");
        g.addInput(OnnxExporter.valueInfo("input", "N", 3, H, W));
        String x = "input";
        java.util.Map<String, String> valueOf = new java.util.HashMap<>();
        for (LayerSpec l : m.graph().layers()) {
            String w = org.mobilenet.engine.model.TensorNames.weight(l.name());
            String b = org.mobilenet.engine.model.TensorNames.bias(l.name());
            String out = "/" + l.name() + "/out";
            switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> {
                    g.addInitializer(OnnxExporter.tensor(w, l.weightShape(), m.tensor(w).data()));
                    g.addInitializer(OnnxExporter.tensor(b, new int[] {l.outChannels()}, m.tensor(b).data()));
                    g.addNode(NodeProto.newBuilder().setOpType("Conv").setName("/" + l.name() + "/Conv").addInput(x)
                            .addInput(w).addInput(b).addOutput(out + "_conv")
                            .addAttribute(OnnxExporter.ints("kernel_shape", l.kernel(), l.kernel()))
                            .addAttribute(OnnxExporter.ints("strides", l.stride(), l.stride()))
                            .addAttribute(OnnxExporter.ints("pads", l.pads().top(), l.pads().left(), l.pads().bottom(),
                                    l.pads().right()))
                            .addAttribute(OnnxExporter.intAttr("group", l.kind() == LayerKind.DEPTHWISE
                                    ? l.inChannels() : 1)));
                    activation(g, l.activation(), out + "_conv", out);
                }
                case AVG_POOL -> {
                    g.addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName("/" + l.name() + "/Pool")
                            .addInput(x).addOutput(out));
                    if (l.name().equals("pool")) {
                        g.addNode(NodeProto.newBuilder().setOpType("Flatten").setName("/flatten").addInput(out)
                                .addOutput(out + "_flat").addAttribute(OnnxExporter.intAttr("axis", 1)));
                        out = out + "_flat";
                    }
                }
                case FC -> {
                    boolean se = l.name().startsWith("se.");
                    int[] shape = se ? new int[] {l.outChannels(), l.inChannels(), 1, 1} : l.weightShape();
                    g.addInitializer(OnnxExporter.tensor(w, shape, m.tensor(w).data()));
                    g.addInitializer(OnnxExporter.tensor(b, new int[] {l.outChannels()}, m.tensor(b).data()));
                    NodeProto.Builder fc = NodeProto.newBuilder().setName("/" + l.name() + "/fc").addInput(x).addInput(w)
                            .addInput(b).addOutput(out + "_fc");
                    if (se) {
                        fc.setOpType("Conv").addAttribute(OnnxExporter.ints("kernel_shape", 1, 1));
                    } else {
                        fc.setOpType("Gemm").addAttribute(OnnxExporter.intAttr("transB", 1));
                    }
                    g.addNode(fc);
                    if (l.activation() == Activation.NONE) {
                        out = out + "_fc";
                    } else {
                        activation(g, l.activation(), out + "_fc", out);
                    }
                }
                case SCALE -> g.addNode(NodeProto.newBuilder().setOpType("Mul").setName("/" + l.name() + "/Mul")
                        .addInput(x).addInput(valueOf.get(l.addend())).addOutput(out));
                case ADD -> g.addNode(NodeProto.newBuilder().setOpType("Add").setName("/" + l.name() + "/Add")
                        .addInput(valueOf.get(l.addend())).addInput(x).addOutput(out));
                case SOFTMAX -> g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName("/softmax").addInput(x)
                        .addOutput(out).addAttribute(OnnxExporter.intAttr("axis", 1)));
                default -> throw new AssertionError(l.kind());
            }
            valueOf.put(l.name(), out);
            x = out;
        }
        g.addOutput(OnnxExporter.valueInfo(x, "N", 7));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch").setGraph(g)
                .addOpsetImport(org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto.newBuilder().setVersion(17)).build();
    }

    private static void activation(org.mobilenet.io.onnx.proto.Onnx.GraphProto.Builder g, Activation a, String in,
            String out) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(out + "_act").addInput(in).addOutput(out);
        switch (a) {
            case RELU -> n.setOpType("Relu");
            case HARD_SWISH -> n.setOpType("HardSwish");
            case HARD_SIGMOID -> n.setOpType("HardSigmoid").addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto
                    .newBuilder().setName("alpha").setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.FLOAT)
                    .setF(1f / 6));
            case NONE -> n.setOpType("Identity");
            default -> throw new AssertionError(a);
        }
        g.addNode(n);
    }

    @org.junit.jupiter.api.Test
    void aTorchvisionStyleV3GraphImportsAndAgreesWithOnnxRuntime() throws Exception {
        Model m = SeededInit.create(v3Block(), 14).foldBatchNorm();
        ModelProto p = torchvisionStyle(m);
        float[] x = OrtRunner.random(H * W * 3, 7);
        float[] theirs = OrtRunner.run(p, nchw(x), new long[] {1, 3, H, W});
        Model back = OnnxImporter.importModel(java.nio.file.Path.of("torchvision_v3.onnx"), p).model();
        assertTrue(m.graph().sameLayers(back.graph()), back.graph().layers().toString());
        try (Network net = Network.compile(back)) {
            assertArrayEquals(theirs, net.forward(x, 1), 2e-6f);
        }
    }

    @Test
    void theQuantizedWriterRefusesV3LayersNamingTheLayer() {
        Model m = SeededInit.create(v3Block(), 12).foldBatchNorm();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxQdqExporter.toProto(m, OnnxExportOptions.defaults()));
        assertTrue(e.getMessage().startsWith("layer stem (conv, hard-swish) is a MobileNet v3 layer"), e.getMessage());
    }
}
