package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;
import org.mobilenet.io.onnx.OnnxImporter;
import org.mobilenet.io.onnx.OnnxQdqExporter;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * A Teachable-Machine-style TFLite classifier written in code (MobileNet v1 body, MEAN, two
 * FULLY_CONNECTED with a fused RELU on the first, SOFTMAX) imports as a graph with that head and
 * computes the model's outputs; so does the same head written as TF-slim writes it.
 */
class TfliteDenseHeadTest {
    @TempDir
    Path tmp;

    static LayerGraph denseHead(int hidden, int classes) {
        LayerGraph body = new ModelSpec(0.25, 32, 0, Variant.SEPARABLE, Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        addHead(layers, layers.get(layers.size() - 1).out(), hidden, classes);
        return new LayerGraph(ModelSpec.FAMILY, body.input(), layers);
    }

    /** Dense(hidden, ReLU) reading {@code from}, Dense(classes), softmax. */
    private static void addHead(List<LayerSpec> layers, Shape from, int hidden, int classes) {
        Shape h = new Shape(1, 1, hidden);
        Shape logits = new Shape(1, 1, classes);
        layers.add(new LayerSpec("head.0", LayerKind.FC, 1, 1, Pads.NONE, from, h, Activation.RELU, null));
        layers.add(new LayerSpec("head.1", LayerKind.FC, 1, 1, Pads.NONE, h, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
    }

    @Test
    void twoDenseLayersImportAndComputeTheSameOutputs() throws Exception {
        Model m = SeededInit.create(denseHead(100, 3), 5).foldBatchNorm();
        Path f = tmp.resolve("tm.tflite");
        Files.write(f, TfliteTestModels.write(m, false));
        Model back = TfliteImporter.load(f);
        assertEquals(3, back.classes());
        List<LayerSpec> fcs = back.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).toList();
        assertEquals(2, fcs.size());
        assertEquals(Activation.RELU, fcs.get(0).activation());
        assertEquals(100, fcs.get(0).outChannels());
        assertEquals(Activation.NONE, fcs.get(1).activation());
        float[] x = SeededInit.uniform(new SplittableRandom(3), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1), 1e-6f);
    }

    @Test
    void aSeparateReluOperatorBetweenTheDenseLayersIsTheFirstOnesActivation() throws Exception {
        Model m = SeededInit.create(denseHead(16, 4), 6).foldBatchNorm();
        Path f = tmp.resolve("sep.tflite");
        Files.write(f, TfliteTestModels.writeSeparateFcActivations(m));
        Model back = TfliteImporter.load(f);
        assertEquals(4, back.classes());
        List<LayerSpec> fcs = back.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).toList();
        assertEquals(Activation.RELU, fcs.get(0).activation());
        float[] x = SeededInit.uniform(new SplittableRandom(4), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1), 1e-6f);
    }

    /**
     * TF-slim's heads (TF's MobileNet v3 files): each dense layer a 1x1 CONV_2D, the pooled map pooled
     * again before the logits, a hidden layer's ReLU left to its output range. The file imports as the
     * same graph as one written with FULLY_CONNECTED operators, and its integer path computes what the
     * real TFLite runtime does.
     */
    @Test
    void aSlimHeadOfOneByOneConvolutionsImportsAsDenseLayersAndMatchesTheTfliteRuntime() throws Exception {
        Model m = SeededInit.create(denseHead(24, 5), 9).foldBatchNorm();
        Path slim = tmp.resolve("slim.tflite");
        Path plain = tmp.resolve("plain.tflite");
        Files.write(slim, QuantizedTfliteWriter.writeSlimHead(m, 9));
        Files.write(plain, QuantizedTfliteWriter.write(m, false, false, 9));
        Model a = TfliteImporter.load(slim);
        Model b = TfliteImporter.load(plain);
        List<LayerSpec> fcs = a.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).toList();
        assertEquals(2, fcs.size());
        // ReLU, or ReLU6 where the range ends by 6, as the file with the fused RELU imports too.
        assertNotEquals(Activation.NONE, fcs.get(0).activation(), "the hidden layer's ReLU from its range");
        assertEquals(b.graph(), a.graph());
        float[] x = SeededInit.uniform(new SplittableRandom(7), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(b).forward(x, 1), Network.compile(a).forward(x, 1), 1e-6f);

        int batch = 2;
        int n = 32 * 32 * 3 * batch;
        int[] q = new int[n];
        SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            q[i] = rnd.nextInt(256) - 128;
        }
        int[] ours = QuantizedNetwork.compile(a).forward(q, batch);
        NpyArray theirs = TfliteRuntime.run(List.of(new TfliteRuntime.Job(slim,
                NpyArray.ofInts(NpyDtype.INT8, new int[] {batch, 32, 32, 3}, q))), tmp).get(0);
        float[] t = theirs.floats();
        assertEquals(t.length, ours.length);
        for (int i = 0; i < ours.length; i++) {
            assertEquals(t[i], ours[i], 1e-6f, "output " + i);
        }
    }

    /**
     * The same quantized head through ONNX: its QDQ file with the hidden layer's Relu or Clip removed
     * (ONNX Runtime's quantizer drops one that the quantized range clamps as well) imports with that
     * activation put back from the range; and two dense layers with nothing between them (a linear
     * chain, as a float export of a range-clamped hidden layer reads) import as two layers.
     */
    @Test
    void aHiddenDenseLayersActivationLeftToItsQdqRangeIsPutBackAndALinearChainImports() throws Exception {
        Model m = SeededInit.create(denseHead(24, 5), 9).foldBatchNorm();
        Path slim = tmp.resolve("slim.tflite");
        Files.write(slim, QuantizedTfliteWriter.writeSlimHead(m, 9));
        Model q = TfliteImporter.load(slim);
        LayerSpec hidden = q.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).findFirst()
                .orElseThrow();
        ModelProto withAct = OnnxQdqExporter.toProto(q, OnnxExportOptions.defaults());
        ModelProto noAct = withoutNode(withAct, hidden.name() + ".activation");
        Path f = tmp.resolve("qdq.onnx");
        Model a = OnnxImporter.importModel(f, withAct).model();
        Model b = OnnxImporter.importModel(f, noAct).model();
        assertEquals(hidden.activation(), b.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).findFirst()
                .orElseThrow().activation());
        float[] x = SeededInit.uniform(new SplittableRandom(7), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(a).forward(x, 1), Network.compile(b).forward(x, 1), 1e-6f);

        // Float: the first dense layer linear, its Gemm read by the next Gemm directly.
        LayerGraph g = denseHead(24, 5);
        List<LayerSpec> layers = new ArrayList<>(g.layers());
        int at = g.indexOf("head.0");
        layers.set(at, layers.get(at).withActivation(Activation.NONE));
        Model linear = SeededInit.create(new LayerGraph(g.family(), g.input(), layers), 4).foldBatchNorm();
        Model back = OnnxImporter.importModel(f, OnnxExporter.toProto(linear, OnnxExportOptions.defaults())).model();
        assertEquals(2, back.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).count());
        assertArrayEquals(Network.compile(linear).forward(x, 1), Network.compile(back).forward(x, 1), 1e-5f);
    }

    /** The graph without the node of that name, its consumers reading its input instead. */
    private static ModelProto withoutNode(ModelProto p, String name) {
        NodeProto gone = p.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
        GraphProto.Builder g = p.getGraph().toBuilder().clearNode();
        for (NodeProto n : p.getGraph().getNodeList()) {
            if (n == gone) {
                continue;
            }
            NodeProto.Builder nb = n.toBuilder().clearInput();
            for (String in : n.getInputList()) {
                nb.addInput(in.equals(gone.getOutput(0)) ? gone.getInput(0) : in);
            }
            g.addNode(nb);
        }
        return p.toBuilder().setGraph(g).build();
    }

    /**
     * A v1 body at 64 x 96 (a 2 x 3 map) whose head reads the map unpooled: a dense layer over it
     * flattened, another, a softmax; with {@code pixels}, a pointwise layer before them.
     */
    static LayerGraph flattenedHead(boolean pixels) {
        LayerGraph body = new ModelSpec(0.25, new org.mobilenet.engine.arch.Resolution(64, 96), 0, Variant.SEPARABLE,
                Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        layers.remove(layers.size() - 1); // the pooling
        Shape map = layers.get(layers.size() - 1).out();
        if (pixels) {
            Shape rows = new Shape(map.h(), map.w(), 8);
            layers.add(new LayerSpec("pixels", LayerKind.POINTWISE, 1, 1, Pads.NONE, map, rows, Activation.RELU, null));
            map = rows;
        }
        addHead(layers, map, 12, 3);
        return new LayerGraph(ModelSpec.FAMILY, body.input(), layers);
    }

    /**
     * Heads that read the map unpooled, as Teachable Machine's embedded models (FULLY_CONNECTED on the
     * 4-D map) and Edge Impulse's (RESHAPE to rows of pixels, FULLY_CONNECTED on each, RESHAPE to one
     * vector, FULLY_CONNECTED) have them: imported as the graph they were written from, the integer path
     * bit-exact to the real TFLite runtime, and through ONNX (a Transpose to NHWC and a Flatten before
     * the Gemm) the same float outputs.
     */
    @Test
    void headsReadingTheUnpooledMapImportAndMatchTheTfliteRuntime() throws Exception {
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<int[]> ours = new ArrayList<>();
        int batch = 2;
        int n = 64 * 96 * 3 * batch;
        int[] q = new int[n];
        SplittableRandom rnd = new SplittableRandom(12);
        for (int i = 0; i < n; i++) {
            q[i] = rnd.nextInt(256) - 128;
        }
        for (boolean pixels : new boolean[] {false, true}) {
            Model m = SeededInit.create(flattenedHead(pixels), 13).foldBatchNorm();
            Path f = tmp.resolve("flattened" + pixels + ".tflite");
            Files.write(f, pixels ? QuantizedTfliteWriter.writePixelRows(m, 13) : QuantizedTfliteWriter.write(m, false,
                    false, 13));
            Model back = TfliteImporter.load(f);
            assertTrue(m.graph().sameLayers(back.graph()), back.graph().layers().toString());
            assertEquals(3, back.classes());
            float[] x = SeededInit.uniform(new SplittableRandom(14), 64 * 96 * 3, 1f);
            Model fromOnnx = OnnxImporter.importModel(tmp.resolve("f.onnx"),
                    OnnxExporter.toProto(back, OnnxExportOptions.defaults())).model();
            assertArrayEquals(Network.compile(back).forward(x, 1), Network.compile(fromOnnx).forward(x, 1), 1e-5f);
            ours.add(QuantizedNetwork.compile(back).forward(q, batch));
            jobs.add(new TfliteRuntime.Job(f, NpyArray.ofInts(NpyDtype.INT8, new int[] {batch, 64, 96, 3}, q)));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, tmp);
        for (int k = 0; k < jobs.size(); k++) {
            float[] t = theirs.get(k).floats();
            int[] o = ours.get(k);
            assertEquals(t.length, o.length);
            for (int i = 0; i < o.length; i++) {
                assertEquals(t[i], o[i], 1e-6f, "case " + k + " output " + i);
            }
        }
    }

    @Test
    void aDenseLayerWhoseWeightsFitNeitherTheFlattenedMapNorItsPooledChannelsIsRefusedNamingBoth() throws Exception {
        // The dense head's weights [16, 256] on the 2x2x256 map of a 64x64 input: neither the map (1024) nor a pixel.
        LayerGraph g = new ModelSpec(0.25, 64, 0, Variant.SEPARABLE, Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(g.layers());
        Shape pooled = layers.get(layers.size() - 1).out();
        layers.add(new LayerSpec("head", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 16), Activation.NONE,
                null));
        Model m = SeededInit.create(new LayerGraph(ModelSpec.FAMILY, g.input(), layers), 6).foldBatchNorm();
        Path f = tmp.resolve("unpooled.tflite");
        Files.write(f, QuantizedTfliteWriter.writeUnpooled(m, 6));
        org.mobilenet.io.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.mobilenet.io.BadInputException.class, () -> TfliteImporter.load(f));
        Shape map = m.graph().layers().get(m.graph().indexOf("pool")).in();
        assertTrue(e.getMessage().contains("reads the " + map + " feature map unpooled")
                && e.getMessage().contains("expected [units, " + map.size() + "] (the map flattened)"), e.getMessage());
    }

    @Test
    void labelsNextToTheModelAreKeptForAnyClassCount() throws Exception {
        Model m = SeededInit.create(denseHead(16, 3), 6).foldBatchNorm();
        Path f = tmp.resolve("tm.tflite");
        Files.write(f, TfliteTestModels.write(m, false));
        Files.writeString(tmp.resolve("labels.txt"), "rock\npaper\nscissors\n");
        assertEquals(List.of("rock", "paper", "scissors"), TfliteImporter.load(f).labels());
    }

    @Test
    void aV1At64x96ImportsAsThatSpec() throws Exception {
        ModelSpec spec = new ModelSpec(0.25, new org.mobilenet.engine.arch.Resolution(64, 96), 5, Variant.SEPARABLE,
                Padding.TF_SAME, true);
        Model m = SeededInit.create(spec, 8).foldBatchNorm();
        Path f = tmp.resolve("wide.tflite");
        Files.write(f, TfliteTestModels.write(m, false));
        Model back = TfliteImporter.load(f);
        assertEquals(64, back.inputHeight());
        assertEquals(96, back.inputWidth());
        float[] x = SeededInit.uniform(new SplittableRandom(5), 64 * 96 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1), 1e-6f);
    }
}
