package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/** Hostile and unsupported QDQ graphs are refused with one line naming the node, never read blindly. */
class QdqReaderTest {
    private static final Path FILE = Path.of("q.onnx");

    private static ModelProto model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    private static GraphProto.Builder withScale(GraphProto.Builder g) {
        return g.addInput(OnnxExporter.valueInfo("input", "N", 3, 8, 8))
                .addInitializer(OnnxExporter.tensor("s", new int[0], new float[] {0.5f}))
                .addInitializer(TensorProto.newBuilder().setName("z").setDataType(TensorProto.DataType.UINT8_VALUE)
                        .setRawData(ByteString.copyFrom(new byte[] {0})));
    }

    @Test
    void aDequantizeOfAComputedValueIsRefusedNamingTheNode() {
        GraphProto.Builder g = withScale(GraphProto.newBuilder()).addNode(NodeProto.newBuilder()
                .setOpType("DequantizeLinear").setName("dq").addInput("input").addInput("s").addInput("z")
                .addOutput("x"));
        BadInputException e = assertThrows(BadInputException.class, () -> OnnxImporter.importModel(FILE, model(g)));
        assertTrue(e.getMessage().contains("'dq'") && e.getMessage().contains("expected QDQ pairs"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void quantizedWeightsClaimingMoreThanTheirBytesAreRefusedBeforeAllocation() {
        // 2^27 elements claimed, 4 bytes present: refused by size, not by running out of memory.
        TensorProto w = TensorProto.newBuilder().setName("w.q").setDataType(TensorProto.DataType.UINT8_VALUE)
                .addDims(1 << 27).setRawData(ByteString.copyFrom(new byte[4])).build();
        GraphProto.Builder g = withScale(GraphProto.newBuilder()).addInitializer(w).addNode(NodeProto.newBuilder()
                .setOpType("DequantizeLinear").setName("dq").addInput("w.q").addInput("s").addInput("z")
                .addOutput("w"));
        BadInputException e = assertThrows(BadInputException.class, () -> OnnxImporter.importModel(FILE, model(g)));
        assertTrue(e.getMessage().contains("bytes of raw_data"), e.getMessage());
    }

    @Test
    void aComputedScaleIsRefused() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(OnnxExporter.valueInfo("input", "N", 3, 8, 8))
                .addNode(NodeProto.newBuilder().setOpType("QuantizeLinear").setName("q").addInput("input")
                        .addInput("scale_from_input").addOutput("iq"))
                .addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName("dq").addInput("iq")
                        .addInput("scale_from_input").addOutput("x"));
        BadInputException e = assertThrows(BadInputException.class, () -> OnnxImporter.importModel(FILE, model(g)));
        assertTrue(e.getMessage().contains("computed scale"), e.getMessage());
    }

    @Test
    void aReluOrClipRemovedByOnnxRuntimesQuantizerIsPutBackFromTheQuantizedRange() throws Exception {
        // ONNX Runtime's quantize_static drops a Relu or Clip(0, 6) before a QuantizeLinear whose range
        // clamps as it did; the float path must clamp as the file does.
        org.mobilenet.engine.model.Model coral = org.mobilenet.io.ModelFiles.load(
                org.mobilenet.io.SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        ModelProto withClips = OnnxQdqExporter.toProto(coral, OnnxExportOptions.defaults());
        GraphProto.Builder g = withClips.getGraph().toBuilder().clearNode();
        java.util.Map<String, String> bypass = new java.util.HashMap<>();
        int removed = 0;
        for (NodeProto n : withClips.getGraph().getNodeList()) {
            if (n.getOpType().equals("Clip")) {
                bypass.put(n.getOutput(0), n.getInput(0));
                removed++;
            }
        }
        for (NodeProto n : withClips.getGraph().getNodeList()) {
            if (n.getOpType().equals("Clip")) {
                continue;
            }
            NodeProto.Builder nb = n.toBuilder().clearInput();
            for (String in : n.getInputList()) {
                nb.addInput(bypass.getOrDefault(in, in));
            }
            g.addNode(nb);
        }
        assertTrue(removed >= 27, "the Clip of every conv removed: " + removed);
        ModelProto noClips = withClips.toBuilder().setGraph(g).build();
        org.mobilenet.engine.model.Model a = OnnxImporter.importModel(FILE, withClips).model();
        org.mobilenet.engine.model.Model b = OnnxImporter.importModel(FILE, noClips).model();
        float[] x = new float[128 * 128 * 3];
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        try (org.mobilenet.engine.run.Network na = org.mobilenet.engine.run.Network.compile(a);
             org.mobilenet.engine.run.Network nb = org.mobilenet.engine.run.Network.compile(b)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(na.forward(x, 1), nb.forward(x, 1), 1e-6f);
        }
        for (int i = 0; i < a.graph().layers().size(); i++) {
            org.junit.jupiter.api.Assertions.assertEquals(a.graph().layers().get(i).activation(),
                    b.graph().layers().get(i).activation(), a.graph().layers().get(i).name());
        }
    }
}
