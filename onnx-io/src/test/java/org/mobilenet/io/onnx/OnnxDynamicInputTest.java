package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * ONNX graphs exported for any image size (the input's height and width symbolic, as PyTorch writes
 * them with dynamic axes) import at 224 unless asked for another size, and then compute what ONNX
 * Runtime computes at that size; a graph that fixes its size keeps it.
 */
class OnnxDynamicInputTest {
    @TempDir
    Path dir;

    /** {@code p} with its input's height and width symbolic (named {@code h} and {@code w}; null: no name). */
    private static ModelProto dynamic(ModelProto p, String h, String w) {
        GraphProto.Builder g = p.getGraph().toBuilder();
        ValueInfoProto.Builder in = g.getInput(0).toBuilder();
        TensorShapeProto.Builder s = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        s.setDim(2, h == null ? TensorShapeProto.Dimension.newBuilder().build()
                : TensorShapeProto.Dimension.newBuilder().setDimParam(h).build());
        s.setDim(3, w == null ? TensorShapeProto.Dimension.newBuilder().build()
                : TensorShapeProto.Dimension.newBuilder().setDimParam(w).build());
        g.setInput(0, in);
        g.clearValueInfo();
        return p.toBuilder().setGraph(g).build();
    }

    private Path write(String name, ModelProto p) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, p.toByteArray());
        return f;
    }

    /** NHWC (the engine's input) to NCHW (the graph's). */
    private static float[] nchw(float[] x, int h, int w) {
        float[] out = new float[x.length];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                for (int c = 0; c < 3; c++) {
                    out[(c * h + y) * w + xx] = x[(y * w + xx) * 3 + c];
                }
            }
        }
        return out;
    }

    @Test
    void aGraphWithASymbolicHeightAndWidthImportsAt224AndAtTheAskedSizeComputingWhatOnnxRuntimeDoes()
            throws Exception {
        for (Architecture a : new Architecture[] {
                new MobileNetV2Spec(0.35, Resolution.square(64), 10, true),
                new ModelSpec(0.25, 64, 7, Variant.SEPARABLE, Padding.SYMMETRIC, true)}) {
            Model m = SeededInit.create(a, 3).foldBatchNorm();
            ModelProto p = dynamic(OnnxExporter.toProto(m, OnnxExportOptions.defaults()), "height", "width");
            Path f = write("dynamic.onnx", p);
            OnnxImport imp = OnnxImporter.read(f);
            assertEquals(224, imp.model().inputHeight(), a.describe());
            assertEquals(224, imp.model().inputWidth(), a.describe());
            assertEquals("224x224", imp.model().metadata().get(OnnxImport.DYNAMIC_INPUT));
            assertEquals(java.util.List.of("N", "3", "height", "width"), imp.inputDims());
            for (int size : new int[] {96, 97}) {
                Model at = ModelFiles.atInputSize(ModelFiles.load(f), f, size);
                assertEquals(size, at.inputHeight());
                assertEquals(size, at.inputWidth());
                assertEquals(m.graph().family(), at.graph().family());
                float[] x = OrtRunner.random(size * size * 3, size);
                float[] ours = Network.compile(at).forward(x, 1);
                float[] theirs = OrtRunner.run(p, nchw(x, size, size), new long[] {1, 3, size, size});
                assertEquals(theirs.length, ours.length);
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(theirs[i], ours[i], 1e-5, a.describe() + " at " + size + ", output " + i);
                }
            }
        }
    }

    @Test
    void aGraphThatFitsOnlyTheAskedSizeImportsAtItThoughNotAt224() throws Exception {
        // Pooled by AveragePool over 3 x 3: the map of a 96 x 96 input, not of 224's 7 x 7.
        Model m = SeededInit.create(new ModelSpec(0.25, 96, 7, Variant.SEPARABLE, Padding.SYMMETRIC, true), 3)
                .foldBatchNorm();
        ModelProto p = dynamic(OnnxExporter.toProto(m, OnnxExportOptions.defaults()), "h", "w");
        GraphProto.Builder g = p.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("GlobalAveragePool")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("AveragePool").addAttribute(
                        org.mobilenet.io.onnx.proto.Onnx.AttributeProto.newBuilder().setName("kernel_shape")
                                .setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.INTS)
                                .addInts(3).addInts(3)));
            }
        }
        Path f = write("pool3.onnx", p.toBuilder().setGraph(g).build());
        BadInputException at224 = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(at224.getMessage().contains("its input size is symbolic and was taken as 224 x 224"),
                at224.getMessage());
        // The library offers another size as a remedy; naming an option is the caller's business.
        assertEquals(BadInputException.Remedy.INPUT_SIZE, at224.remedy());
        assertTrue(!at224.getMessage().contains("--"), at224.getMessage());
        Model at96 = ModelFiles.load(f, null, 96);
        assertEquals(96, at96.inputHeight());
        float[] x = OrtRunner.random(96 * 96 * 3, 1);
        try (Network net = Network.compile(at96)) {
            float[] ours = net.forward(x, 1);
            float[] theirs = OrtRunner.run(p.toBuilder().setGraph(g).build(), nchw(x, 96, 96), new long[] {1, 3, 96, 96});
            for (int i = 0; i < ours.length; i++) {
                assertEquals(theirs[i], ours[i], 1e-5, "output " + i);
            }
        }
    }

    @Test
    void aSideWithNeitherValueNorNameCountsAsSymbolic() throws Exception {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 10, true), 3).foldBatchNorm();
        Path f = write("unnamed.onnx", dynamic(OnnxExporter.toProto(m, OnnxExportOptions.defaults()), null, null));
        assertEquals(160, OnnxImporter.read(f, 160).model().inputHeight());
    }

    @Test
    void anInputSizeIsRefusedForAGraphThatFixesItsSize() throws Exception {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 10, true), 3).foldBatchNorm();
        Path f = write("fixed.onnx", OnnxExporter.toProto(m, OnnxExportOptions.defaults()));
        Model loaded = ModelFiles.load(f);
        assertFalse(loaded.metadata().containsKey(OnnxImport.DYNAMIC_INPUT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.atInputSize(loaded, f, 96));
        assertTrue(e.getMessage().contains("gives 64x64"), e.getMessage());
        // The size a file fixes is the file's, whatever the importer is asked.
        assertEquals(64, OnnxImporter.read(f, 96).model().inputHeight());
    }

    @Test
    void aFixedSideOfZeroIsRefusedAsAShapeNotTakenForSymbolic() throws Exception {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 10, true), 3).foldBatchNorm();
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        GraphProto.Builder g = p.getGraph().toBuilder();
        ValueInfoProto.Builder in = g.getInput(0).toBuilder();
        in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .setDim(2, TensorShapeProto.Dimension.newBuilder().setDimValue(0).build());
        g.setInput(0, in);
        Path f = write("zero.onnx", p.toBuilder().setGraph(g).build());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("fixed and positive, or symbolic"), e.getMessage());
    }
}
