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

    /**
     * The classifier as the model zoo's int8 files have it: QLinearMatMul (int8 weights [C, classes],
     * per-column scales) then a QLinearAdd of a uint8 bias, the bias first. Written here as QDQ MatMul
     * and Add and fused by ONNX Runtime's optimizer; imported, the integer path runs it within a step
     * of ONNX Runtime (which requantizes the product before adding the bias).
     */
    @Test
    void aQLinearMatMulClassifierWithAQuantizedBiasRunsOnTheIntegerPathWithinAStepOfOnnxRuntime() throws Exception {
        Model coral = ModelFiles.load(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        ModelProto qdq = OnnxQdqExporter.toProto(coral, OnnxExportOptions.defaults());
        GraphProto.Builder g = qdq.getGraph().toBuilder().clearNode();
        Map<String, org.mobilenet.io.onnx.proto.Onnx.TensorProto> inits = new TreeMap<>();
        qdq.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        String fc = coral.graph().layers().stream().filter(l -> l.kind() == org.mobilenet.engine.arch.LayerKind.FC)
                .findFirst().orElseThrow().name();
        org.mobilenet.engine.model.QuantizedTensor w = coral.quantization().orElseThrow()
                .tensor(org.mobilenet.engine.model.TensorNames.weight(fc));
        org.mobilenet.engine.model.QuantParams out = coral.quantization().orElseThrow().output(fc);
        float[] bias = coral.foldBatchNorm().tensor(org.mobilenet.engine.model.TensorNames.bias(fc)).data();
        int classes = w.shape()[0];
        int c = w.shape()[1];
        for (NodeProto n : qdq.getGraph().getNodeList()) {
            if (!(n.getOpType().equals("Gemm") && n.getName().equals(fc))) {
                g.addNode(n);
                continue;
            }
            // Weights [C, classes] with per-column scales (axis 1).
            int[] t = new int[w.values().length];
            for (int r = 0; r < classes; r++) {
                for (int k = 0; k < c; k++) {
                    t[k * classes + r] = w.values()[r * c + k];
                }
            }
            // Per column, as the zoo has them (the Coral model's one scale repeated for each).
            org.mobilenet.engine.model.QuantParams wq = w.quant();
            float[] scales = new float[classes];
            int[] zps = new int[classes];
            for (int k = 0; k < classes; k++) {
                scales[k] = wq.scale(wq.perChannel() ? k : 0);
                zps[k] = wq.zeroPoint(wq.perChannel() ? k : 0);
            }
            g.addInitializer(OnnxQdqExporter.integers("mm.w.q", new int[] {c, classes}, t, wq.type()));
            g.addInitializer(OnnxExporter.tensor("mm.w.scale", new int[] {classes}, scales));
            g.addInitializer(OnnxQdqExporter.integers("mm.w.zp", new int[] {classes}, zps, wq.type()));
            g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName("mm.w.dq").addInput("mm.w.q")
                    .addInput("mm.w.scale").addInput("mm.w.zp").addOutput("mm.w")
                    .addAttribute(OnnxExporter.intAttr("axis", 1)));
            g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput(n.getInput(0)).addInput("mm.w")
                    .addOutput("mm.out"));
            g.addInitializer(OnnxExporter.tensor("mm.scale", new int[0], new float[] {out.scale()}));
            g.addInitializer(OnnxQdqExporter.integers("mm.zp", new int[0], new int[] {out.zeroPoint()}, out.type()));
            g.addNode(NodeProto.newBuilder().setOpType("QuantizeLinear").setName("mm.q").addInput("mm.out")
                    .addInput("mm.scale").addInput("mm.zp").addOutput("mm.out.q"));
            g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName("mm.dq").addInput("mm.out.q")
                    .addInput("mm.scale").addInput("mm.zp").addOutput("mm.out.f"));
            // The bias as uint8 with a scale of its own, first in the Add.
            float max = 0;
            for (float b : bias) {
                max = Math.max(max, Math.abs(b));
            }
            float bs = max / 127;
            int[] bq = new int[bias.length];
            for (int i = 0; i < bias.length; i++) {
                bq[i] = Math.round(bias[i] / bs) + 128;
            }
            g.addInitializer(OnnxQdqExporter.integers("bias.q", new int[] {classes}, bq,
                    org.mobilenet.engine.model.QuantType.UINT8));
            g.addInitializer(OnnxExporter.tensor("bias.scale", new int[0], new float[] {bs}));
            g.addInitializer(OnnxQdqExporter.integers("bias.zp", new int[0], new int[] {128},
                    org.mobilenet.engine.model.QuantType.UINT8));
            g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName("bias.dq").addInput("bias.q")
                    .addInput("bias.scale").addInput("bias.zp").addOutput("bias.f"));
            g.addNode(NodeProto.newBuilder().setOpType("Add").setName(fc + ".add").addInput("bias.f").addInput("mm.out.f")
                    .addOutput(n.getOutput(0)));
        }
        ModelProto matmul = qdq.toBuilder().setGraph(g).build();
        Path qop = optimized(matmul, "matmul.onnx");
        Map<String, Integer> ops = ops(qop);
        assertTrue(ops.containsKey("QLinearMatMul") && ops.containsKey("QLinearAdd"), ops.toString());

        Model got = ModelFiles.load(qop);
        assertTrue(got.isQuantized(), "the integer path is kept");
        QuantizedNetwork net = QuantizedNetwork.compile(got);
        int r = got.inputHeight();
        float[] x = OrtRunner.random(r * r * 3, 6);
        float[] ours = net.dequantize(net.forward(net.quantizeInput(x), 1));
        float[] theirs = OrtRunner.run(ModelProto.parseFrom(Files.readAllBytes(qop)), OrtRunner.nchw(x, r, r, 3),
                new long[] {1, 3, r, r});
        assertEquals(theirs.length, ours.length);
        float step = net.output().scale();
        for (int i = 0; i < ours.length; i++) {
            assertTrue(Math.abs(ours[i] - theirs[i]) <= step * 1.0001f, i + ": " + ours[i] + " vs " + theirs[i]);
        }
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
