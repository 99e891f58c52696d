package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/**
 * A dense layer reading the unpooled map (Flatten then Dense): the export transposes the map to NHWC
 * before its Flatten, so the weights keep the engine's order, and ONNX Runtime computes what the
 * engine does; a graph flattening NCHW directly, as PyTorch's {@code torch.flatten(x, 1)} exports,
 * imports with its weight columns reordered and agrees with ONNX Runtime too.
 */
class OnnxFlattenHeadTest {
    private static final Path FILE = Path.of("flatten.onnx");
    private static final int H = 64;
    private static final int W = 96;

    /** A v1 body whose 2 x 3 map a dense layer reads whole, then a second one and a softmax. */
    private static Model model() {
        LayerGraph body = new ModelSpec(0.25, new Resolution(H, W), 0, Variant.SEPARABLE, Padding.SYMMETRIC, false)
                .graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        layers.remove(layers.size() - 1);
        Shape map = layers.get(layers.size() - 1).out();
        Shape hidden = new Shape(1, 1, 12);
        Shape logits = new Shape(1, 1, 5);
        layers.add(new LayerSpec("dense", LayerKind.FC, 1, 1, Pads.NONE, map, hidden, Activation.RELU, null));
        layers.add(new LayerSpec("head", LayerKind.FC, 1, 1, Pads.NONE, hidden, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
        return SeededInit.create(new LayerGraph(ModelSpec.FAMILY, body.input(), layers), 41).foldBatchNorm();
    }

    private static float[] nchw(float[] nhwc) {
        return OrtRunner.nchw(nhwc, H, W, 3);
    }

    @Test
    void theExportTransposesToNhwcBeforeItsFlattenAndOnnxRuntimeAgrees() throws Exception {
        Model m = model();
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        List<String> ops = p.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        int gemm = ops.indexOf("Gemm");
        assertEquals(List.of("Transpose", "Flatten"), ops.subList(gemm - 2, gemm), ops.toString());
        float[] x = OrtRunner.random(H * W * 3, 2);
        float[] ours = Network.compile(m).forward(x, 1);
        assertArrayEquals(OrtRunner.run(p, nchw(x), new long[] {1, 3, H, W}), ours, 1e-5f);
        Model back = OnnxImporter.importModel(FILE, p).model();
        assertTrue(m.graph().sameLayers(back.graph()));
        assertArrayEquals(ours, Network.compile(back).forward(x, 1), 1e-5f);
        assertEquals(2 * 3 * 256, back.featureWidth());
    }

    @Test
    void aChannelMajorFlattenAsPyTorchExportsItImportsWithItsColumnsReordered() throws Exception {
        Model m = model();
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        // PyTorch's graph: no Transpose, the Gemm's columns in (c, y, x) order of the NCHW map.
        int c = 256;
        int h = 2;
        int w = 3;
        float[] nhwc = m.tensor(TensorNames.weight("dense")).data();
        float[] chw = new float[nhwc.length];
        for (int o = 0; o < 12; o++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        chw[o * c * h * w + (ch * h + y) * w + x] = nhwc[o * c * h * w + (y * w + x) * c + ch];
                    }
                }
            }
        }
        GraphProto.Builder g = p.getGraph().toBuilder().clearNode().clearInitializer();
        NodeProto transpose = p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Transpose"))
                .findFirst().orElseThrow();
        for (NodeProto n : p.getGraph().getNodeList()) {
            if (n == transpose) {
                continue;
            }
            NodeProto.Builder b = n.toBuilder().clearInput();
            for (String in : n.getInputList()) {
                b.addInput(in.equals(transpose.getOutput(0)) ? transpose.getInput(0) : in);
            }
            g.addNode(b);
        }
        for (TensorProto t : p.getGraph().getInitializerList()) {
            g.addInitializer(t.getName().equals(TensorNames.weight("dense"))
                    ? OnnxExporter.tensor(t.getName(), new int[] {12, c * h * w}, chw) : t);
        }
        ModelProto torch = p.toBuilder().setGraph(g).build();
        float[] x = OrtRunner.random(H * W * 3, 3);
        float[] ours = Network.compile(m).forward(x, 1);
        assertArrayEquals(OrtRunner.run(torch, nchw(x), new long[] {1, 3, H, W}), ours, 1e-5f);
        Model back = OnnxImporter.importModel(FILE, torch).model();
        assertArrayEquals(ours, Network.compile(back).forward(x, 1), 1e-5f);
        assertArrayEquals(nhwc, back.tensor(back.graph().layers().stream().filter(LayerSpec::flattens).findFirst()
                .map(l -> TensorNames.weight(l.name())).orElseThrow()).data(), 0f);
    }
}
