package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * A well-formed ONNX graph the import cannot take is refused by what it is (a MobileNet v3, an LSTM),
 * never as malformed and never only by where the chain stopped matching.
 */
class UnsupportedOnnxTest {
    @TempDir
    Path dir;

    private static ModelProto v1() {
        return OnnxExporter.toProto(SeededInit.create(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.TF_SAME,
                true), 1), OnnxExportOptions.defaults());
    }

    private static ModelProto v2() {
        return OnnxExporter.toProto(SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 10, true), 1),
                OnnxExportOptions.defaults());
    }

    private BadInputException refused(ModelProto p) throws Exception {
        Path f = dir.resolve("m.onnx");
        Files.write(f, p.toByteArray());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().startsWith(f + ": is not a supported ONNX MobileNet: node "), e.getMessage());
        assertFalse(e.getMessage().contains("malformed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    /** The graph with every Clip (ReLU6) after the {@code skip}-th one replaced by {@code op} on its input. */
    private static ModelProto activationsReplaced(ModelProto p, String op, int skip) {
        GraphProto.Builder g = p.getGraph().toBuilder();
        int seen = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Clip") && seen++ >= skip) {
                g.setNode(i, n.toBuilder().setOpType(op).clearInput().addInput(n.getInput(0)).clearAttribute());
            }
        }
        return p.toBuilder().setGraph(g).build();
    }

    private static int indexOfFirst(ModelProto p, String op) {
        for (int i = 0; i < p.getGraph().getNodeCount(); i++) {
            if (p.getGraph().getNode(i).getOpType().equals(op)) {
                return i;
            }
        }
        throw new AssertionError("no " + op);
    }

    @Test
    void hardSwishActivationsImportAndAHardSigmoidOtherThanV3sIsRefusedNamingItsParameters() throws Exception {
        // v3 keeps ReLU in its first blocks and uses hard-swish later: those convs read as hard-swish.
        ModelProto v3ish = activationsReplaced(v2(), "HardSwish", 3);
        org.mobilenet.engine.model.Model m = OnnxImporter.importModel(Path.of("v3ish.onnx"), v3ish).model();
        assertTrue(m.graph().layers().stream().anyMatch(l -> l.activation()
                == org.mobilenet.engine.arch.Activation.HARD_SWISH), m.graph().layers().toString());
        // ONNX's default HardSigmoid (alpha 0.2) is not v3's gate (alpha 1/6).
        BadInputException sig = assertThrows(BadInputException.class, () -> OnnxImporter.importModel(Path.of("s.onnx"),
                activationsReplaced(v1(), "HardSigmoid", 0)));
        assertTrue(sig.getMessage().contains("has alpha 0.2 and beta 0.5; expected MobileNet v3's HardSigmoid (alpha 1/6,"
                + " beta 0.5)"), sig.getMessage());
    }

    @Test
    void aQOperatorIntegerOperatorTheImportDoesNotRewriteIsRefusedAsSuchNotByItsQuantizeLinear() throws Exception {
        // A QuantizeLinear at the input, then a QLinearConcat, which QOperatorGraph does not rewrite into QDQ.
        ModelProto p = v1();
        GraphProto.Builder g = p.getGraph().toBuilder();
        int conv = indexOfFirst(p, "Conv");
        NodeProto c = g.getNode(conv);
        g.setNode(conv, c.toBuilder().setOpType("QLinearConcat"));
        g.addNode(0, NodeProto.newBuilder().setName("input_QuantizeLinear").setOpType("QuantizeLinear")
                .addInput("input").addInput("s").addInput("z").addOutput("input_q"));
        BadInputException e = refused(p.toBuilder().setGraph(g).build());
        assertTrue(e.getMessage().contains("(QLinearConcat) is QLinearConcat: of the QOperator format's integer operators"
                + " the import reads QGemm, QLinearAdd, QLinearAveragePool, QLinearConv"),
                e.getMessage());
        assertTrue(e.getMessage().contains("QDQ format"), e.getMessage());
    }

    @Test
    void aConvIntegerNotFedByADynamicQuantizeLinearIsRefusedNamingIt() throws Exception {
        // Dynamic quantization's ConvInteger reads a DynamicQuantizeLinear's integers; this one reads the input.
        ModelProto p = v1();
        GraphProto.Builder g = p.getGraph().toBuilder();
        int conv = indexOfFirst(p, "Conv");
        g.setNode(conv, g.getNode(conv).toBuilder().setOpType("ConvInteger"));
        BadInputException e = refused(p.toBuilder().setGraph(g).build());
        assertTrue(e.getMessage().contains("(ConvInteger) reads 'input', which is not the output of a"
                + " DynamicQuantizeLinear"), e.getMessage());
    }

    @Test
    void aQdqGraphWithAnOperatorTheImportDoesNotReadNamesThatOperatorNotItsQdqNodes() throws Exception {
        // MobileNet v3 written by exporters that spell hard-swish x * relu6(x + 3) / 6, quantized as QDQ.
        ModelProto p = activationsReplaced(v1(), "Div", 0);
        GraphProto.Builder g = p.getGraph().toBuilder();
        g.addNode(0, NodeProto.newBuilder().setName("w_DequantizeLinear").setOpType("DequantizeLinear")
                .addInput("w_q").addInput("s").addInput("z").addOutput("w"));
        ModelProto q = p.toBuilder().setGraph(g).build();
        BadInputException e = refused(q);
        assertTrue(e.getMessage().contains("(Div) is Div, which a MobileNet import does not support"), e.getMessage());
    }

    @Test
    void anLstmNodeIsRefusedByItsOperator() throws Exception {
        ModelProto p = v1();
        GraphProto.Builder g = p.getGraph().toBuilder();
        String pooled = g.getNodeList().stream().filter(n -> n.getOpType().equals("GlobalAveragePool")).findFirst()
                .orElseThrow().getOutput(0);
        g.addNode(NodeProto.newBuilder().setName("lstm_1").setOpType("LSTM").addInput(pooled).addInput("lstm.W")
                .addInput("lstm.R").addOutput("lstm.Y"));
        g.addOutput(ValueInfoProto.newBuilder().setName("lstm.Y"));
        ModelProto withLstm = p.toBuilder().setGraph(g).build();
        BadInputException e = refused(withLstm);
        int at = withLstm.getGraph().getNodeCount() - 1;
        assertTrue(e.getMessage().contains("node " + at + " 'lstm_1' (LSTM) is LSTM, which a MobileNet import does not"
                + " support ("), e.getMessage());
    }

    @Test
    void aGraphOfSupportedOperatorsInTheWrongPlaceKeepsItsPositionalMessage() throws Exception {
        // Only an unsupported operator changes the message: a misplaced Relu is still refused where it is.
        ModelProto p = v1();
        GraphProto.Builder g = p.getGraph().toBuilder();
        int softmax = indexOfFirst(p, "Softmax");
        NodeProto s = g.getNode(softmax);
        g.setNode(softmax, s.toBuilder().setOpType("Relu").clearAttribute());
        Path f = dir.resolve("relu-last.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertFalse(e.getMessage().contains("is not a supported ONNX MobileNet"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
