package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

class OnnxRoundTripTest {
    @TempDir
    Path dir;

    private static Model seeded(double alpha, int res, Padding padding) {
        ModelSpec spec = new ModelSpec(alpha, res, 1000, Variant.SEPARABLE, padding, true);
        return SeededInit.create(spec, 42);
    }

    @Test
    void aGraphThatRescalesItsInputTakesRawPixelsAndAgreesWithOnnxRuntime() throws Exception {
        // As tf2onnx writes a Keras model with preprocess_input inside: Mul by 1/127.5, then Sub 1.
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 10, true), 5).foldBatchNorm();
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        org.mobilenet.io.onnx.proto.Onnx.GraphProto.Builder g = p.getGraph().toBuilder();
        String in = g.getInput(0).getName();
        for (int i = 0; i < g.getNodeCount(); i++) {
            org.mobilenet.io.onnx.proto.Onnx.NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(in)) {
                    n.setInput(k, "rescaled");
                }
            }
            g.setNode(i, n);
        }
        g.addInitializer(OnnxExporter.tensor("k.scale", new int[0], new float[] {1 / 127.5f}));
        g.addInitializer(OnnxExporter.tensor("k.one", new int[] {1}, new float[] {1f}));
        g.addNode(0, org.mobilenet.io.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("Mul").setName("rescale.mul")
                .addInput(in).addInput("k.scale").addOutput("scaled"));
        g.addNode(1, org.mobilenet.io.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("Sub").setName("rescale.sub")
                .addInput("scaled").addInput("k.one").addOutput("rescaled"));
        ModelProto rescaled = p.toBuilder().clearMetadataProps().setGraph(g).build();
        Path f = dir.resolve("rescaled.onnx");
        Files.write(f, rescaled.toByteArray());
        Model back = ModelFiles.load(f);
        assertEquals("float32", back.metadata().get(Model.PIXEL_INPUT_KEY));
        // The same with an NHWC input whose rescaling comes before its Transpose (the Keras layout), and
        // with the constant as the Mul's first input.
        org.mobilenet.io.onnx.proto.Onnx.GraphProto.Builder h = g.clone();
        h.setNode(0, h.getNode(0).toBuilder().clearInput().addInput("k.scale").addInput(in).build());
        h.setNode(1, h.getNode(1).toBuilder().setOutput(0, "rescaled.nhwc").build());
        h.addNode(2, org.mobilenet.io.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("Transpose").setName("to.nchw")
                .addInput("rescaled.nhwc").addOutput("rescaled").addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto
                        .newBuilder().setName("perm").setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.INTS)
                        .addInts(0).addInts(3).addInts(1).addInts(2)));
        org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto.Builder shape = h.getInputBuilder(0).getTypeBuilder()
                .getTensorTypeBuilder().getShapeBuilder();
        shape.setDim(1, org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(32));
        shape.setDim(3, org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3));
        Path fh = dir.resolve("rescaled-nhwc.onnx");
        Files.write(fh, p.toBuilder().clearMetadataProps().setGraph(h).build().toByteArray());
        Model nhwc = ModelFiles.load(fh);
        assertArrayEquals(back.preprocessing().mean(), nhwc.preprocessing().mean(), 1e-4f);
        assertArrayEquals(back.preprocessing().std(), nhwc.preprocessing().std(), 1e-4f);
        Preprocessing pre = back.preprocessing();
        for (int c = 0; c < 3; c++) {
            assertEquals(127.5f, pre.mean()[c], 1e-3f);
            assertEquals(127.5f, pre.std()[c], 1e-3f);
        }
        float[] pixels = new float[32 * 32 * 3];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextInt(256);
        }
        float[] x = new float[pixels.length];
        float[] nchw = new float[pixels.length];
        for (int y = 0; y < 32; y++) {
            for (int xx = 0; xx < 32; xx++) {
                for (int c = 0; c < 3; c++) {
                    int at = (y * 32 + xx) * 3 + c;
                    x[at] = (pixels[at] - pre.mean()[c]) / pre.std()[c];
                    nchw[(c * 32 + y) * 32 + xx] = pixels[at];
                }
            }
        }
        try (org.mobilenet.engine.run.Network net = org.mobilenet.engine.run.Network.compile(back)) {
            assertArrayEquals(OrtRunner.run(rescaled, nchw, new long[] {1, 3, 32, 32}), net.forward(x, 1), 1e-5f);
        }
    }

    @Test
    void aGraphWithFiveByFiveDepthwiseConvolutionsRoundTripsAndAgreesWithOnnxRuntime() throws Exception {
        // Later MobileNet variants (and converter outputs of them) use 5 x 5 depthwise kernels; the TFLite
        // import reads any square kernel, so the ONNX export of such a graph must read back too.
        LayerGraph v1 = new ModelSpec(0.25, 32, 5, Variant.SEPARABLE, Padding.SYMMETRIC, true).graph();
        List<LayerSpec> layers = new java.util.ArrayList<>(v1.layers());
        LayerSpec dw = layers.get(1);
        assertEquals(LayerKind.DEPTHWISE, dw.kind());
        layers.set(1, new LayerSpec(dw.name(), LayerKind.DEPTHWISE, 5, dw.stride(), new Pads(2, 2, 2, 2), dw.in(),
                dw.out(), dw.activation(), null));
        Model m = SeededInit.create(new LayerGraph(v1.family(), v1.input(), layers), 6);
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        Path f = dir.resolve("dw5.onnx");
        Files.write(f, p.toByteArray());
        Model back = ModelFiles.load(f);
        assertEquals(5, back.graph().layers().get(1).kernel());
        float[] x = OrtRunner.random(32 * 32 * 3, 3);
        float[] nchw = new float[x.length];
        for (int y = 0; y < 32; y++) {
            for (int xx = 0; xx < 32; xx++) {
                for (int c = 0; c < 3; c++) {
                    nchw[(c * 32 + y) * 32 + xx] = x[(y * 32 + xx) * 3 + c];
                }
            }
        }
        try (org.mobilenet.engine.run.Network net = org.mobilenet.engine.run.Network.compile(back)) {
            assertArrayEquals(OrtRunner.run(p, nchw, new long[] {1, 3, 32, 32}), net.forward(x, 1), 1e-5f);
        }
    }

    @Test
    void anOpset7GraphWithClipAttributesAndInitializersListedAsInputsImportsAndRunsAsOnnxRuntimeRunsIt()
            throws Exception {
        // As the ONNX model zoo's oldest files are written: IR 3, opset 7, every initializer also a graph
        // input, Clip's bounds as attributes.
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 10, true), 4).foldBatchNorm();
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        org.mobilenet.io.onnx.proto.Onnx.GraphProto.Builder g = p.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            org.mobilenet.io.onnx.proto.Onnx.NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Clip")) {
                g.setNode(i, n.toBuilder().clearInput().addInput(n.getInput(0))
                        .addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.newBuilder().setName("min")
                                .setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.FLOAT).setF(0f))
                        .addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.newBuilder().setName("max")
                                .setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.FLOAT).setF(6f)));
            } else if (n.getOpType().equals("Softmax")) {
                g.setNode(i, n.toBuilder().clearAttribute().addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto
                        .newBuilder().setName("axis").setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.INT)
                        .setI(1)));
            }
        }
        List<org.mobilenet.io.onnx.proto.Onnx.TensorProto> kept = g.getInitializerList().stream()
                .filter(t -> !t.getName().startsWith("relu6.")).toList();
        g.clearInitializer().addAllInitializer(kept);
        for (org.mobilenet.io.onnx.proto.Onnx.TensorProto t : kept) {
            org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto.Builder shape =
                    org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto.newBuilder();
            for (long d : t.getDimsList()) {
                shape.addDim(org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            g.addInput(org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto.newBuilder().setName(t.getName()).setType(
                    org.mobilenet.io.onnx.proto.Onnx.TypeProto.newBuilder().setTensorType(
                            org.mobilenet.io.onnx.proto.Onnx.TypeProto.Tensor.newBuilder().setElemType(t.getDataType())
                                    .setShape(shape))));
        }
        ModelProto old = p.toBuilder().setIrVersion(3).clearOpsetImport().addOpsetImport(
                org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(7)).setGraph(g).build();
        Path f = dir.resolve("opset7.onnx");
        Files.write(f, old.toByteArray());
        Model back = ModelFiles.load(f);
        assertEquals(m.architecture(), back.architecture());
        float[] x = OrtRunner.random(32 * 32 * 3, 2);
        float[] nchw = new float[x.length];
        for (int y = 0; y < 32; y++) {
            for (int xx = 0; xx < 32; xx++) {
                for (int c = 0; c < 3; c++) {
                    nchw[(c * 32 + y) * 32 + xx] = x[(y * 32 + xx) * 3 + c];
                }
            }
        }
        float[] theirs = OrtRunner.run(old, nchw, new long[] {1, 3, 32, 32});
        try (org.mobilenet.engine.run.Network net = org.mobilenet.engine.run.Network.compile(back)) {
            assertArrayEquals(theirs, net.forward(x, 1), 1e-5f);
        }
    }

    @Test
    void exportThenImportGivesTheFoldedTensorsExactly() throws Exception {
        Model m = seeded(0.25, 128, Padding.TF_SAME)
                .withLabels(java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "class " + i).toList())
                .withPreprocessing(Preprocessing.torchvision());
        Path f = dir.resolve("m.onnx");
        OnnxExporter.write(m, OnnxExportOptions.defaults(), f, false);
        OnnxImport imp = OnnxImporter.read(f);
        Model back = imp.model();
        assertEquals(m.spec(), back.spec());
        Model folded = m.foldBatchNorm();
        assertEquals(folded.tensors().keySet(), back.tensors().keySet());
        for (Map.Entry<String, Tensor> e : folded.tensors().entrySet()) {
            assertEquals(e.getValue(), back.tensor(e.getKey()), e.getKey());
        }
        assertEquals(m.preprocessing(), back.preprocessing());
        assertEquals(m.labels(), back.labels());
        assertEquals(13, imp.opset());
        assertEquals(Layout.NCHW, imp.inputLayout());
        assertEquals(List.of("N", "3", "128", "128"), imp.inputDims());
        assertEquals("probabilities", imp.outputName());
        assertEquals("blocks.12.pw", imp.layerValues().get("blocks.12.pw"));
    }

    @Test
    void aV2ExportThenImportGivesTheSameGraphAndFoldedTensors() throws Exception {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, Resolution.square(96), 10, true);
        Model m = SeededInit.create(spec, 7)
                .withLabels(java.util.stream.IntStream.range(0, 10).mapToObj(i -> "class " + i).toList());
        Path f = dir.resolve("v2.onnx");
        OnnxExporter.write(m, OnnxExportOptions.defaults(), f, false);
        ModelProto proto = OnnxFile.read(f);
        Map<String, String> md = new java.util.HashMap<>();
        proto.getMetadataPropsList().forEach(e -> md.put(e.getKey(), e.getValue()));
        assertEquals("v2", md.get("arch"));
        assertEquals("0.35", md.get("alpha"));
        assertEquals("96", md.get("height"));
        assertEquals("10", md.get("classes"));
        assertEquals(10, proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Add")).count());
        OnnxImport imp = OnnxImporter.read(f);
        Model back = imp.model();
        assertEquals(spec, back.architecture());
        assertTrue(back.graph().sameLayers(m.graph()));
        Model folded = m.foldBatchNorm();
        assertEquals(folded.tensors().keySet(), back.tensors().keySet());
        for (Map.Entry<String, Tensor> e : folded.tensors().entrySet()) {
            assertEquals(e.getValue(), back.tensor(e.getKey()), e.getKey());
        }
        assertEquals(m.labels(), back.labels());
        assertEquals("blocks.2.add", imp.layerValues().get("blocks.2.add"));
        // Without the softmax: ends at the logits, and imports as the spec without one.
        ModelProto logits = OnnxExporter.toProto(m, new OnnxExportOptions(13, false, false));
        Model noSoftmax = OnnxImporter.importModel(f, logits).model();
        assertEquals(spec.withSoftmax(false), noSoftmax.architecture());
    }

    @Test
    void aGenericGraphWithADenseHeadExportsAndImportsAsItsOwnGraph() throws Exception {
        LayerGraph v2 = new MobileNetV2Spec(0.35, new Resolution(64, 96), 0, false).graph();
        List<LayerSpec> layers = new java.util.ArrayList<>(v2.layers());
        Shape pooled = layers.get(layers.size() - 1).out();
        layers.add(new LayerSpec("dense", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 100),
                Activation.RELU, null));
        layers.add(new LayerSpec("head", LayerKind.FC, 1, 1, Pads.NONE, new Shape(1, 1, 100), new Shape(1, 1, 3),
                Activation.NONE, null));
        LayerGraph g = new LayerGraph("v2", v2.input(), layers);
        Model m = SeededInit.create(g, 3);
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        assertEquals(2, p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).count());
        assertEquals(List.of(64L, 96L), p.getGraph().getInput(0).getType().getTensorType().getShape().getDimList()
                .stream().skip(2).map(d -> d.getDimValue()).toList());
    }

    @Test
    void reExportedModelRunsInOrtAllOptLikeTheOriginal() throws Exception {
        for (Padding p : Padding.values()) {
            Model m = seeded(0.25, 128, p);
            ModelProto first = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
            Path f = dir.resolve("first-" + p + ".onnx");
            Files.write(f, first.toByteArray());
            Model imported = OnnxImporter.read(f).model();
            ModelProto second = OnnxExporter.toProto(imported, OnnxExportOptions.defaults().withOpset(17));
            float[] in = OrtRunner.random(2 * 3 * 128 * 128, 7);
            long[] shape = {2, 3, 128, 128};
            float[] a = OrtRunner.run(first, in, shape);
            float[] b = OrtRunner.run(second, in, shape);
            assertEquals(2000, a.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5, "output " + i);
            }
        }
    }

    @Test
    void everyOpsetFrom11To21LoadsInOrt() throws Exception {
        Model m = seeded(0.25, 128, Padding.SYMMETRIC);
        float[] in = OrtRunner.random(3 * 128 * 128, 3);
        float[] ref = null;
        for (int opset = 11; opset <= 21; opset += 2) {
            ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults().withOpset(opset).withSoftmax(false));
            float[] out = OrtRunner.run(p, in, new long[] {1, 3, 128, 128});
            if (ref == null) {
                ref = out;
            }
            assertArrayEquals(ref, out, 1e-6f, "opset " + opset);
        }
    }

    @Test
    void layerOutputsCanBeExposed() throws Exception {
        Model m = seeded(0.25, 128, Padding.TF_SAME);
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults().withLayerOutputs(true));
        assertEquals(m.spec().layers().size(), p.getGraph().getOutputCount());
        assertEquals("probabilities", p.getGraph().getOutput(0).getName());
        Path f = dir.resolve("exposed.onnx");
        Files.write(f, p.toByteArray());
        assertEquals(m.spec(), OnnxImporter.read(f).model().spec());
    }

    @Test
    void noSoftmaxOptionEndsAtLogits() throws Exception {
        Model m = seeded(0.25, 128, Padding.TF_SAME);
        Path f = dir.resolve("logits.onnx");
        ModelFiles.save(m, f, new ModelFiles.SaveOptions(OnnxExportOptions.defaults().withSoftmax(false), false));
        OnnxImport imp = OnnxImporter.read(f);
        assertFalse(imp.model().spec().softmax());
        assertEquals("logits", imp.outputName());
        assertTrue(imp.producer().startsWith("mobilenet"));
    }

    @Test
    void headlessAndOtherVariantsRoundTrip() throws Exception {
        for (Variant v : Variant.values()) {
            ModelSpec spec = new ModelSpec(0.5, 96, v == Variant.SEPARABLE ? 0 : 10, v, Padding.SYMMETRIC, false);
            Model m = SeededInit.create(spec, 5);
            Path f = dir.resolve(v.id() + ".onnx");
            ModelFiles.save(m, f, ModelFiles.SaveOptions.defaults());
            Model back = ModelFiles.load(f);
            // A logits model stays a logits model: export never adds a softmax the model does not have.
            assertEquals(spec, back.spec(), v.id());
        }
    }
}
