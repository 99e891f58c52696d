package org.mobilenet.cli.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.onnx.OnnxImporter;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;

/** Less common ways exporters write the same layers, checked against ONNX Runtime. */
class ExporterVariationsTest {
    @TempDir
    Path dir;

    @Test
    void averagePoolReshapeSameUpperPadsAndAFixedBatchOfOne() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.TF2ONNX, 0.25, 128, 8);
        GraphProto.Builder g = ExportStyles.build(m, ExportStyles.Style.TF2ONNX, false).getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            switch (n.getOpType()) {
                case "ReduceMean" -> g.setNode(i, n.toBuilder().setOpType("AveragePool").clearAttribute()
                        .addAttribute(ExportStyles.ints("kernel_shape", 4, 4)).addAttribute(ExportStyles.ints("strides", 1, 1)));
                case "Squeeze" -> {
                    g.addInitializer(TensorProto.newBuilder().setName("shape").setDataType(7).addDims(2)
                            .addInt64Data(-1).addInt64Data(1001));
                    g.setNode(i, n.toBuilder().setOpType("Reshape").setInput(1, "shape"));
                    for (int k = 0; k < g.getInitializerCount(); k++) {
                        if (g.getInitializer(k).getName().equals("squeeze_axes")) {
                            g.removeInitializer(k);
                            break;
                        }
                    }
                }
                case "Conv" -> {
                    if (n.getName().startsWith("Logits")) {
                        continue;
                    }
                    NodeProto.Builder b = n.toBuilder().clearAttribute();
                    for (AttributeProto a : n.getAttributeList()) {
                        if (!a.getName().equals("pads")) {
                            b.addAttribute(a);
                        }
                    }
                    b.addAttribute(AttributeProto.newBuilder().setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                            .setS(com.google.protobuf.ByteString.copyFromUtf8("SAME_UPPER")));
                    g.setNode(i, b);
                }
                default -> {
                }
            }
        }
        var in = g.getInput(0).toBuilder();
        in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, TensorShapeProto.Dimension.newBuilder().setDimValue(1));
        g.setInput(0, in);
        assertPasses(m, g, 3);
    }

    @Test
    void flattenComputedFromTheShapeAsOlderPyTorchExportsDo() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 128, 9);
        GraphProto.Builder g = ExportStyles.build(m, ExportStyles.Style.PYTORCH, false).getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Flatten")) {
                String x = n.getInput(0);
                g.addInitializer(TensorProto.newBuilder().setName("zero").setDataType(7).addInt64Data(0));
                g.addInitializer(TensorProto.newBuilder().setName("axes0").setDataType(7).addDims(1).addInt64Data(0));
                g.addInitializer(TensorProto.newBuilder().setName("minus1").setDataType(7).addDims(1).addInt64Data(-1));
                List<NodeProto> shapeNodes = List.of(
                        NodeProto.newBuilder().setOpType("Shape").setName("Shape").addInput(x).addOutput("s").build(),
                        NodeProto.newBuilder().setOpType("Gather").setName("Gather").addInput("s").addInput("zero").addOutput("b")
                                .addAttribute(ExportStyles.intAttr("axis", 0)).build(),
                        NodeProto.newBuilder().setOpType("Unsqueeze").setName("Unsqueeze").addInput("b").addInput("axes0")
                                .addOutput("b1").build(),
                        NodeProto.newBuilder().setOpType("Concat").setName("Concat").addInput("b1").addInput("minus1")
                                .addOutput("shape").addAttribute(ExportStyles.intAttr("axis", 0)).build());
                g.setNode(i, NodeProto.newBuilder().setOpType("Reshape").setName("Reshape").addInput(x).addInput("shape")
                        .addOutput(n.getOutput(0)));
                for (int k = shapeNodes.size() - 1; k >= 0; k--) {
                    List<NodeProto> all = new java.util.ArrayList<>(g.getNodeList());
                    all.add(i, shapeNodes.get(k));
                    g.clearNode().addAllNode(all);
                }
                break;
            }
        }
        assertPasses(m, g, 2);
    }

    private void assertPasses(Model m, GraphProto.Builder g, int count) throws Exception {
        ModelProto p = ExportStyles.build(m, ExportStyles.Style.TF2ONNX, false).toBuilder().setGraph(g).build();
        if (m.spec().classes() == 1000) {
            p = ExportStyles.build(m, ExportStyles.Style.PYTORCH, false).toBuilder().setGraph(g).build();
        }
        Path f = dir.resolve("variant.onnx");
        Files.write(f, p.toByteArray());
        assertEquals(m.spec(), OnnxImporter.read(f).model().spec());
        VerifyReport r = Verifier.verify(f, new Verifier.Options(count, 2, 1e-4, 0, true, List.of()));
        assertTrue(r.pass(), () -> "max abs diff " + r.output().maxAbsDiff());
        assertNull(r.firstDivergentLayer(), () -> "diverges at " + r.firstDivergentLayer());
        assertEquals(1.0, r.top1Agreement());
    }
}
