package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Models quantized in ONNX Runtime's QOperator format (QLinearConv, QLinearAdd,
 * QLinearGlobalAveragePool, QGemm or QLinearMatMul, as the ONNX model zoo's int8 files are), written
 * by ONNX Runtime itself: its optimizer fuses the QDQ groups of our export into those integer
 * operators and saves the graph. Imported, each is the model the QDQ file is: the same layers, float
 * weights and quantization, so the same outputs on both paths.
 */
class QOperatorImportTest {
    @TempDir
    Path dir;

    /** ONNX Runtime's optimized graph of {@code qdq}, at the level that fuses QDQ groups but keeps NCHW. */
    private Path optimized(ModelProto qdq, String name) throws Exception {
        Path out = dir.resolve(name);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            opts.setOptimizedModelFilePath(out.toString());
            OrtEnvironment.getEnvironment().createSession(qdq.toByteArray(), opts).close();
        }
        return out;
    }

    private static Map<String, Integer> ops(Path f) throws Exception {
        Map<String, Integer> count = new TreeMap<>();
        for (NodeProto n : ModelProto.parseFrom(Files.readAllBytes(f)).getGraph().getNodeList()) {
            count.merge(n.getOpType(), 1, Integer::sum);
        }
        return count;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v1_0.25_128_quant.tflite", "mobilenet_v2_1.0_224_quant.tflite"})
    void aQOperatorGraphOnnxRuntimeWroteImportsAsTheQdqModelItCameFrom(String name) throws Exception {
        Model coral = ModelFiles.load(SharedData.model(name));
        ModelProto qdq = OnnxQdqExporter.toProto(coral, OnnxExportOptions.defaults());
        Path qdqFile = dir.resolve("qdq.onnx");
        Files.write(qdqFile, qdq.toByteArray());
        Path qop = optimized(qdq, "qoperator.onnx");
        Map<String, Integer> ops = ops(qop);
        assertTrue(ops.getOrDefault("QLinearConv", 0) > 10, ops.toString());
        assertEquals(0, ops.getOrDefault("Conv", 0), ops.toString());
        if (name.contains("v2")) {
            assertTrue(ops.containsKey("QLinearAdd"), ops.toString());
        }

        Model want = ModelFiles.load(qdqFile);
        Model got = ModelFiles.load(qop);
        assertTrue(want.graph().sameLayers(got.graph()), got.graph().toString());
        assertTrue(got.isQuantized(), "the integer path is kept");
        int r = want.inputHeight();
        float[] x = OrtRunner.random(r * r * 3, 4);
        try (Network a = Network.compile(want); Network b = Network.compile(got)) {
            assertArrayEquals(a.forward(x, 1), b.forward(x, 1), 1e-6f);
        }
        QuantizedNetwork qa = QuantizedNetwork.compile(want);
        QuantizedNetwork qb = QuantizedNetwork.compile(got);
        assertArrayEquals(qa.forward(qa.quantizeInput(x), 1), qb.forward(qb.quantizeInput(x), 1));
    }

    @Test
    void aNodeReadingIntegersThatTheRewriteDoesNotKnowIsRefusedNamingIt() throws Exception {
        Model coral = ModelFiles.load(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        Path qop = optimized(OnnxQdqExporter.toProto(coral, OnnxExportOptions.defaults()), "qoperator.onnx");
        ModelProto p = ModelProto.parseFrom(Files.readAllBytes(qop));
        GraphProto.Builder g = p.getGraph().toBuilder();
        // An Abs on the first QLinearConv's integer output, read by nothing: an operator on integers it does not know.
        NodeProto conv = g.getNodeList().stream().filter(n -> n.getOpType().equals("QLinearConv")).findFirst()
                .orElseThrow();
        g.addNode(NodeProto.newBuilder().setOpType("Abs").setName("abs").addInput(conv.getOutput(0)).addOutput("abs_out"));
        Path f = dir.resolve("abs.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("node 'abs' (Abs) reads an integer value of a graph quantized in the QOperator"
                + " format"), e.getMessage());
    }
}
