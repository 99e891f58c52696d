package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/**
 * A graph as ONNX Runtime's {@code quantize_dynamic} writes it (DynamicQuantizeLinear, ConvInteger or
 * MatMulInteger with 8-bit weights, Cast, Mul by the input's scale times the weights', a bias Add of a
 * reshaped constant) imports as the float graph it approximates. Built in code, with the input on the
 * grid DynamicQuantizeLinear picks for it, so that ONNX Runtime's integer convolution is exact and the
 * engine's float one must agree with it closely.
 */
class OnnxDynamicQuantizationTest {
    private static final int H = 8;
    private static final int C = 4;
    private static final int CLASSES = 5;

    private static TensorProto bytes(String name, int type, int[] dims, int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(b));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static int[] ints(SplittableRandom r, int n, int lo, int hi) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }

    /** One quantized layer: DynamicQuantizeLinear, the integer op, Cast, the scales' Mul and the output's, the bias Add. */
    private static void layer(GraphProto.Builder g, String p, String op, String x, String w, String wZero, float wScale,
            String bias, String out, boolean perChannelScale, NodeProto.Builder attrs) {
        g.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName(p + "_quant").addInput(x)
                .addOutput(p + "_xq").addOutput(p + "_xs").addOutput(p + "_xz"));
        g.addInitializer(perChannelScale
                ? OnnxExporter.tensor(p + "_ws", new int[] {C, 1, 1}, new float[] {wScale, wScale * 0.5f, wScale * 2, wScale})
                : OnnxExporter.tensor(p + "_ws", new int[0], new float[] {wScale}));
        g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(p + "_scales").addInput(p + "_xs").addInput(p + "_ws")
                .addOutput(p + "_s"));
        NodeProto.Builder n = (attrs == null ? NodeProto.newBuilder() : attrs).setOpType(op).setName(p + "_int")
                .addInput(p + "_xq").addInput(w).addInput(p + "_xz").addInput(wZero).addOutput(p + "_acc");
        g.addNode(n);
        g.addNode(NodeProto.newBuilder().setOpType("Cast").setName(p + "_cast").addInput(p + "_acc")
                .addOutput(p + "_accf").addAttribute(OnnxExporter.intAttr("to", 1)));
        g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(p + "_scaled").addInput(p + "_accf").addInput(p + "_s")
                .addOutput(p + "_y"));
        g.addNode(NodeProto.newBuilder().setOpType("Add").setName(p + "_bias_add").addInput(p + "_y").addInput(bias)
                .addOutput(out));
    }

    private static ModelProto graph(boolean perChannelScale) {
        SplittableRandom r = new SplittableRandom(3);
        GraphProto.Builder g = GraphProto.newBuilder().setName("dynamic");
        g.addInput(OnnxExporter.valueInfo("input", "N", 3, H, H));
        // conv: uint8 weights [C, 3, 3, 3] with zero point 128, its bias reshaped to [1, C, 1, 1] as the quantizer does
        g.addInitializer(bytes("conv_wq", TensorProto.DataType.UINT8_VALUE, new int[] {C, 3, 3, 3}, ints(r, C * 27, 100, 156)));
        g.addInitializer(bytes("conv_wz", TensorProto.DataType.UINT8_VALUE, new int[0], new int[] {128}));
        g.addInitializer(OnnxExporter.tensor("conv_b", new int[] {C}, new float[] {0.1f, -0.2f, 0.05f, 0f}));
        g.addInitializer(TensorProto.newBuilder().setName("conv_b_shape").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(4).addInt64Data(1).addInt64Data(C).addInt64Data(1).addInt64Data(1));
        g.addNode(NodeProto.newBuilder().setOpType("Reshape").setName("conv_b_reshape").addInput("conv_b")
                .addInput("conv_b_shape").addOutput("conv_b_r"));
        layer(g, "conv", "ConvInteger", "input", "conv_wq", "conv_wz", 0.02f, "conv_b_r", "conv_out", perChannelScale,
                NodeProto.newBuilder().addAttribute(OnnxExporter.ints("kernel_shape", 3, 3))
                        .addAttribute(OnnxExporter.ints("pads", 1, 1, 1, 1)).addAttribute(OnnxExporter.ints("strides", 1, 1))
                        .addAttribute(OnnxExporter.intAttr("group", 1)));
        g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("conv_out").addOutput("relu_out"));
        g.addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName("pool").addInput("relu_out")
                .addOutput("pooled"));
        g.addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("pooled").addOutput("flat"));
        // classifier: int8 weights [C, CLASSES], zero point 0, bias [CLASSES]
        g.addInitializer(bytes("fc_wq", TensorProto.DataType.INT8_VALUE, new int[] {C, CLASSES}, ints(r, C * CLASSES, -100, 100)));
        g.addInitializer(bytes("fc_wz", TensorProto.DataType.INT8_VALUE, new int[0], new int[] {0}));
        g.addInitializer(OnnxExporter.tensor("fc_b", new int[] {CLASSES}, new float[] {0.3f, -0.1f, 0f, 0.2f, -0.4f}));
        layer(g, "fc", "MatMulInteger", "flat", "fc_wq", "fc_wz", 0.01f, "fc_b", "logits", false, null);
        g.addOutput(OnnxExporter.valueInfo("logits", "N", CLASSES));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("onnx.quantize").setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
    }

    /** An NCHW input on DynamicQuantizeLinear's grid: (q - 128) * s for q in 0..255, both ends present. */
    private static float[] gridInput() {
        float s = 2f / 255;
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[3 * H * H];
        for (int i = 0; i < x.length; i++) {
            int q = i == 0 ? 0 : i == 1 ? 255 : r.nextInt(256);
            x[i] = (q - 128) * s;
        }
        return x;
    }

    @Test
    void aDynamicallyQuantizedGraphImportsAsTheFloatGraphItApproximates() throws Exception {
        for (boolean perChannel : new boolean[] {false, true}) {
            ModelProto p = graph(perChannel);
            OnnxImport imp = OnnxImporter.importModel(Path.of("dynamic.onnx"), p);
            Model m = imp.model();
            assertEquals("true", m.metadata().get(OnnxImport.DYNAMIC_QUANTIZATION));
            assertEquals(CLASSES, m.classes());
            assertTrue(m.graph().layers().stream().anyMatch(l -> l.kind() == org.mobilenet.engine.arch.LayerKind.CONV));
            float[] nchw = gridInput();
            float[] theirs = OrtRunner.run(p, nchw, new long[] {1, 3, H, H});
            float[] nhwc = new float[nchw.length];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < H; x++) {
                    for (int c = 0; c < 3; c++) {
                        nhwc[(y * H + x) * 3 + c] = nchw[(c * H + y) * H + x];
                    }
                }
            }
            float[] ours;
            try (Network net = Network.compile(m)) {
                ours = net.forward(nhwc, 1);
            }
            // The convolution is exact in ONNX Runtime (its input is on the grid); the classifier's input,
            // quantized at run time, is off by at most half its step, which the weights carry to the logits.
            for (int i = 0; i < CLASSES; i++) {
                assertEquals(theirs[i], ours[i], 5e-3, "per-channel " + perChannel + ", logit " + i);
            }
        }
    }
}
