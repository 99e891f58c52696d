package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/**
 * A MobileNet quantized dynamically as ONNX Runtime's quantize_dynamic writes it (each Conv replaced by
 * DynamicQuantizeLinear, ConvInteger with uint8 weights, Cast, Mul by the scales, Add of the bias; done
 * here in code on our own export): info says so, classify runs it, and verify compares it with ONNX
 * Runtime, failing at the default tolerance with a note that says why, passing at a looser one.
 */
class DynamicQuantizationCommandsTest {
    @TempDir
    Path tmp;

    private static float[] floats(TensorProto t) {
        float[] v = new float[(int) t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b)];
        ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static TensorProto scalar(String name, int type, byte[] raw) {
        return TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw)).build();
    }

    /** quantize_dynamic's rewrite of every Conv: uint8 weights per tensor, the bias added after. */
    private static ModelProto quantizeDynamic(ModelProto p) {
        GraphProto g = p.getGraph();
        java.util.Map<String, TensorProto> inits = new java.util.HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        GraphProto.Builder out = g.toBuilder().clearNode();
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Conv")) {
                out.addNode(n);
                continue;
            }
            String p0 = n.getOutput(0);
            float[] w = floats(inits.get(n.getInput(1)));
            float lo = 0;
            float hi = 0;
            for (float v : w) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float scale = (hi - lo) / 255f;
            int zero = Math.round(-lo / scale);
            byte[] q = new byte[w.length];
            for (int i = 0; i < w.length; i++) {
                q[i] = (byte) Math.max(0, Math.min(255, Math.round(w[i] / scale) + zero));
            }
            TensorProto.Builder wq = TensorProto.newBuilder().setName(p0 + "_wq").setDataType(TensorProto.DataType.UINT8_VALUE)
                    .addAllDims(inits.get(n.getInput(1)).getDimsList()).setRawData(ByteString.copyFrom(q));
            out.addInitializer(wq);
            out.addInitializer(scalar(p0 + "_wz", TensorProto.DataType.UINT8_VALUE, new byte[] {(byte) zero}));
            out.addInitializer(scalar(p0 + "_ws", TensorProto.DataType.FLOAT_VALUE,
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scale).array()));
            out.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName(p0 + "_dq").addInput(n.getInput(0))
                    .addOutput(p0 + "_xq").addOutput(p0 + "_xs").addOutput(p0 + "_xz"));
            out.addNode(NodeProto.newBuilder().setOpType("Mul").setName(p0 + "_scales").addInput(p0 + "_xs")
                    .addInput(p0 + "_ws").addOutput(p0 + "_s"));
            out.addNode(NodeProto.newBuilder().setOpType("ConvInteger").setName(p0 + "_int").addInput(p0 + "_xq")
                    .addInput(p0 + "_wq").addInput(p0 + "_xz").addInput(p0 + "_wz").addOutput(p0 + "_acc")
                    .addAllAttribute(n.getAttributeList()));
            out.addNode(NodeProto.newBuilder().setOpType("Cast").setName(p0 + "_cast").addInput(p0 + "_acc")
                    .addOutput(p0 + "_accf").addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.newBuilder()
                            .setName("to").setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.INT).setI(1)));
            boolean bias = n.getInputCount() > 2;
            out.addNode(NodeProto.newBuilder().setOpType("Mul").setName(p0 + "_scaled").addInput(p0 + "_accf")
                    .addInput(p0 + "_s").addOutput(bias ? p0 + "_y" : p0));
            if (bias) {
                TensorProto b = inits.get(n.getInput(2));
                out.addInitializer(TensorProto.newBuilder().setName(p0 + "_shape").setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(4).addInt64Data(1).addInt64Data(b.getDims(0)).addInt64Data(1).addInt64Data(1));
                out.addNode(NodeProto.newBuilder().setOpType("Reshape").setName(p0 + "_b").addInput(n.getInput(2))
                        .addInput(p0 + "_shape").addOutput(p0 + "_br"));
                out.addNode(NodeProto.newBuilder().setOpType("Add").setName(p0 + "_bias").addInput(p0 + "_y")
                        .addInput(p0 + "_br").addOutput(p0));
            }
        }
        return p.toBuilder().setGraph(out).build();
    }

    @Test
    void aDynamicallyQuantizedOnnxFileRunsAndVerifiesWithANoteOnItsDifference() throws Exception {
        Path plain = tmp.resolve("plain.onnx");
        ModelFiles.save(SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 3)
                .foldBatchNorm(), plain, ModelFiles.SaveOptions.defaults());
        Path f = tmp.resolve("dynamic.onnx");
        Files.write(f, quantizeDynamic(ModelProto.parseFrom(Files.readAllBytes(plain))).toByteArray());
        CliRun info = CliRun.of("info", f.toString());
        assertEquals(ExitCode.OK, info.code(), info.err());
        assertTrue(info.out().contains("quantization   dynamic"), info.out());
        CliRun c = CliRun.of("classify", "-m", f.toString(), CliRun.shared("images/cat.bmp").toString());
        assertEquals(ExitCode.OK, c.code(), c.err());
        CliRun strict = CliRun.of("verify", "--count", "2", f.toString());
        assertEquals(ExitCode.CHECK_FAILED, strict.code(), strict.out());
        assertTrue(strict.out().contains("the file is quantized dynamically"), strict.out());
        CliRun loose = CliRun.of("verify", "--count", "2", "--atol", "0.05", f.toString());
        assertEquals(ExitCode.OK, loose.code(), loose.out());
    }
}
