package org.mobilenet.cli.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.onnx.OnnxImporter;
import org.mobilenet.io.onnx.OnnxImport;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

class ExportStylesVerifyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} alpha {1} at {2}")
    @CsvSource({
        "PYTORCH, 0.25, 128", "TF2ONNX, 0.25, 128", "KERAS, 0.25, 128", "OPSET9, 0.25, 128",
        "PYTORCH, 1.0, 224", "TF2ONNX, 1.0, 224", "KERAS, 1.0, 224", "OPSET9, 1.0, 224",
    })
    void engineMatchesOnnxRuntimeForEveryExporterStyle(ExportStyles.Style style, double alpha, int res) throws Exception {
        Model m = ExportStyles.model(style, alpha, res, 11);
        Path f = dir.resolve(style + ".onnx");
        Files.write(f, ExportStyles.build(m, style, false).toByteArray());
        OnnxImport imp = OnnxImporter.read(f);
        assertEquals(m.spec(), imp.model().spec());
        // Per layer too: the softmax output alone would hide differences in the logits.
        VerifyReport r = Verifier.verify(f, new Verifier.Options(res == 224 ? 1 : 3, 5, 1e-4, 0, true, List.of()));
        assertTrue(r.pass(), () -> "max abs diff " + r.output().maxAbsDiff());
        assertNull(r.firstDivergentLayer(), () -> "diverges at " + r.firstDivergentLayer());
        assertEquals(m.spec().layers().size(), r.layers().size());
        assertEquals(1.0, r.top1Agreement());
        assertTrue(r.output().cosine() > 0.999999);
    }

    @ParameterizedTest(name = "v2 {0} alpha {1} at {2}")
    @CsvSource({"PYTORCH, 0.35, 96", "TF2ONNX, 0.35, 96", "PYTORCH, 1.0, 224", "TF2ONNX, 1.0, 224"})
    void aV2InEitherStyleImportsAndMatchesOnnxRuntime(ExportStyles.Style style, double alpha, int res) throws Exception {
        Model m = ExportStyles.v2Model(style, alpha, res, 12);
        Path f = dir.resolve("v2-" + style + ".onnx");
        ModelProto p = ExportStyles.build(m, style, false);
        assertEquals(10, p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Add")
                && !n.getName().startsWith("dense")).count());
        Files.write(f, p.toByteArray());
        OnnxImport imp = OnnxImporter.read(f);
        assertTrue(imp.model().graph().sameLayers(m.graph()), () -> imp.model().describe());
        if (style == ExportStyles.Style.TF2ONNX) {
            assertEquals(m.architecture(), imp.model().architecture());
        }
        VerifyReport r = Verifier.verify(f, new Verifier.Options(res == 224 ? 1 : 3, 5, 1e-4, 0, true, List.of()));
        assertTrue(r.pass(), () -> "max abs diff " + r.output().maxAbsDiff());
        assertNull(r.firstDivergentLayer(), () -> "diverges at " + r.firstDivergentLayer());
        assertEquals(m.graph().layers().size(), r.layers().size());
        assertEquals(1.0, r.top1Agreement());
    }

    @Test
    void plainReluGraphsRunWithReluAndPerLayerNamesTheFirstDivergence() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 128, 3);
        // Scale the stem so its outputs pass 6, where Relu and ReLU6 differ.
        var t = new java.util.LinkedHashMap<>(m.tensors());
        float[] w = m.tensor("conv1.weight").data();
        for (int i = 0; i < w.length; i++) {
            w[i] *= 40;
        }
        t.put("conv1.weight", new org.mobilenet.engine.model.Tensor(m.tensor("conv1.weight").shape(), w));
        Model big = new Model(m.spec(), t, m.bnEpsilon(), m.preprocessing());
        ModelProto p = ExportStyles.build(big, ExportStyles.Style.PYTORCH, true);
        Path f = dir.resolve("relu.onnx");
        Files.write(f, p.toByteArray());
        // Activations well above 6: the engine follows the graph's plain Relu, so nothing diverges...
        VerifyReport r = Verifier.verify(f, new Verifier.Options(1, 1, 1e-4, 0, true, List.of()));
        assertTrue(r.pass());
        assertNull(r.firstDivergentLayer());
        assertEquals(big.spec().layers().size(), r.layers().size());
        // ...and at an impossible tolerance the first layer that rounds differently is named.
        VerifyReport strict = Verifier.verify(f, new Verifier.Options(1, 1, 1e-12, 0, true, List.of()));
        assertFalse(strict.pass());
        assertNotNull(strict.firstDivergentLayer());
        assertEquals(strict.layers().stream().filter(l -> !l.diff().within()).findFirst().orElseThrow().layer(),
                strict.firstDivergentLayer().layer());
    }

    @Test
    void perLayerComparisonPassesOnAFaithfulModel() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.TF2ONNX, 0.25, 128, 4);
        assertEquals(Padding.TF_SAME, m.spec().padding());
        Path f = dir.resolve("tf.onnx");
        Files.write(f, ExportStyles.build(m, ExportStyles.Style.TF2ONNX, false).toByteArray());
        VerifyReport r = Verifier.verify(f, new Verifier.Options(2, 1, 1e-4, 0, true, List.of()));
        assertTrue(r.pass());
        assertNull(r.firstDivergentLayer());
        assertEquals("conv1", r.layers().get(0).layer());
        assertEquals("softmax", r.layers().get(r.layers().size() - 1).layer());
    }
}
