package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.SharedData;

/**
 * TFLite graphs beyond MobileNet v1's chain: MobileNet v2 (residual ADDs, linear projections) written
 * in code and the Coral file are recognized as {@link MobileNetV2Spec}; other graphs import as a
 * generic graph that runs; unsupported operators and activations are refused by name, never as
 * malformed.
 */
class TfliteGraphImportTest {
    @TempDir
    Path tmp;

    private Path file(byte[] bytes) throws Exception {
        Path f = tmp.resolve("graph.tflite");
        Files.write(f, bytes);
        return f;
    }

    private static float[] input(Model m, long seed) {
        return SeededInit.uniform(new SplittableRandom(seed), m.inputHeight() * m.inputWidth() * 3, 1f);
    }

    private static void assertSameModel(Model want, Model got) {
        assertEquals(want.tensors().keySet(), got.tensors().keySet());
        for (String name : want.tensors().keySet()) {
            assertEquals(want.tensor(name), got.tensor(name), name);
        }
        float[] x = input(want, 5);
        assertArrayEquals(Network.compile(want).forward(x, 1), Network.compile(got).forward(x, 1));
    }

    @Test
    void aFloatV2IsRecognizedWithItsAlphaAndImportsExactly() throws Exception {
        for (MobileNetV2Spec spec : new MobileNetV2Spec[] {
                new MobileNetV2Spec(0.35, Resolution.square(96), 10, true),
                new MobileNetV2Spec(0.5, Resolution.square(64), 0, false)}) {
            Model m = SeededInit.create(spec, 3).foldBatchNorm();
            for (boolean addendFirst : new boolean[] {false, true}) {
                byte[] bytes = addendFirst ? TfliteTestModels.writeAddendFirst(m) : TfliteTestModels.write(m, false);
                Model back = TfliteImporter.load(file(bytes));
                assertEquals(spec, back.architecture(), "addend first " + addendFirst);
                assertSameModel(m, back);
                assertTrue(back.tensors().containsKey("blocks.1.expand.weight"));
                assertThrows(UnsupportedModelException.class, back::spec);
            }
        }
    }

    @Test
    void anInt8V2IsRecognizedToo() throws Exception {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, Resolution.square(64), 5, true);
        Model back = TfliteImporter.load(file(TfliteTestModels.write(SeededInit.create(spec, 4).foldBatchNorm(), true)));
        assertEquals(spec, back.architecture());
    }

    @Test
    void aGraphThatIsNeitherV1NorV2ImportsAsAGenericGraphThatRuns() throws Exception {
        // v2 whose last projection keeps a ReLU6: not Table 2's linear bottleneck, so no MobileNetV2Spec.
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, Resolution.square(64), 6, true);
        LayerGraph g = spec.graph();
        LayerGraph odd = new LayerGraph(g.family(), g.input(), g.layers().stream()
                .map(l -> l.name().equals("blocks.16.project") ? l.withActivation(Activation.RELU6) : l).toList());
        Model m = SeededInit.create(odd, 6).foldBatchNorm();
        Model back = TfliteImporter.load(file(TfliteTestModels.write(m, false)));
        assertTrue(back.architecture() instanceof LayerGraph, back.describe());
        assertTrue(back.graph().sameLayers(odd));
        assertEquals("v2", back.graph().family());
        assertTrue(back.tensors().containsKey("layers.0.weight"), back.tensors().keySet().toString());
        float[] x = input(m, 7);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> back.requireV1("exported to ONNX"));
        assertTrue(e.getMessage().contains("custom layer graph"), e.getMessage());
    }

    @Test
    void aV1WithPlainReluIsAV1WithTheReluMetadata() throws Exception {
        ModelSpec spec = new ModelSpec(0.25, 32, 7, Variant.SEPARABLE, Padding.TF_SAME, true);
        Model relu = SeededInit.create(spec, 8).foldBatchNorm().withMetadata(Map.of(Model.ACTIVATION_KEY, "relu"));
        Model back = TfliteImporter.load(file(TfliteTestModels.write(relu, false)));
        assertEquals(spec, back.spec());
        assertTrue(back.plainRelu());
        assertSameModel(relu, back);
    }

    @Test
    void aV1WithLinearPointwiseConvsIsAGenericGraph() throws Exception {
        ModelSpec spec = new ModelSpec(0.25, 32, 7, Variant.SEPARABLE, Padding.TF_SAME, true);
        LayerGraph g = spec.graph();
        LayerGraph linear = new LayerGraph(g.family(), g.input(), g.layers().stream()
                .map(l -> l.kind() == LayerKind.POINTWISE ? l.withActivation(Activation.NONE) : l).toList());
        Model m = SeededInit.create(linear, 9).foldBatchNorm();
        Model back = TfliteImporter.load(file(TfliteTestModels.write(m, false)));
        assertFalse(back.isV1());
        assertEquals("v1", back.graph().family());
        float[] x = input(m, 10);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1));
    }

    private void assertRefusedAsUnsupported(byte[] bytes, String... parts) throws Exception {
        Path f = file(bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().contains("not a supported TFLite MobileNet"), e.getMessage());
        assertFalse(e.getMessage().contains("malformed"), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage());
        }
    }

    @Test
    void aFlattenWhoseShapeIsComputedAtRunTimeImportsAsThePooledVector() throws Exception {
        // TF2's Keras Flatten with an unknown batch: SHAPE -> STRIDED_SLICE -> PACK(-1) -> RESHAPE after pooling.
        Model m = SeededInit.create(new ModelSpec(0.25, 32, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 12)
                .foldBatchNorm();
        Path plain = tmp.resolve("plain.tflite");
        Path dynamic = tmp.resolve("dynamic.tflite");
        Files.write(plain, TfliteTestModels.write(m, false));
        Files.write(dynamic, TfliteTestModels.writeDynamicFlatten(m));
        Model a = TfliteImporter.load(plain);
        Model b = TfliteImporter.load(dynamic);
        assertEquals(a.graph(), b.graph());
        float[] x = SeededInit.uniform(new java.util.SplittableRandom(3), 32 * 32 * 3, 1f);
        assertArrayEquals(org.mobilenet.engine.run.Network.compile(a, new org.mobilenet.engine.kernels.ScalarKernels())
                .forward(x, 1), org.mobilenet.engine.run.Network.compile(b, new org.mobilenet.engine.kernels.ScalarKernels())
                .forward(x, 1));
    }

    @Test
    void aPooledVectorDeclaredAsSeveralRowsIsRefused() throws Exception {
        // [2, C/2] holds C values, but a SOFTMAX or FULLY_CONNECTED after it would work on each row.
        Model m = SeededInit.create(new ModelSpec(0.25, 32, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 12)
                .foldBatchNorm();
        Path f = tmp.resolve("rows.tflite");
        Files.write(f, TfliteTestModels.writeTwoRowPool(m));
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().contains("declares output") && e.getMessage().contains("[2, 128]"), e.getMessage());
    }

    @Test
    void unsupportedOperatorsAreRefusedByWhatTheyAre() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.25, 32, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 11)
                .foldBatchNorm();
        int last = m.graph().layers().size() - 1;
        // HARD_SWISH after the classifier is MobileNet v3's activation of that dense layer: read as such.
        Path hs = tmp.resolve("hard_swish.tflite");
        Files.write(hs, TfliteTestModels.writeWithLastOp(m, 117));
        LayerSpec fc = TfliteImporter.load(hs).graph().layers().stream().filter(l -> l.kind() == LayerKind.FC)
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(org.mobilenet.engine.arch.Activation.HARD_SWISH, fc.activation());
        assertRefusedAsUnsupported(TfliteTestModels.writeWithLastOp(m, 16), "operator " + last + " is LSTM");
        assertRefusedAsUnsupported(TfliteTestModels.writeWithLastOp(m, 56), "operator " + last + " is ARG_MAX");
        // Every code of the schema has its name: SHAPE, as TF2 writes it before a Keras head's RESHAPE;
        // STABLEHLO's and a code past the schema's end.
        assertRefusedAsUnsupported(TfliteTestModels.writeWithLastOp(m, 77), "operator " + last + " is SHAPE");
        assertRefusedAsUnsupported(TfliteTestModels.writeWithLastOp(m, 126), "operator " + last + " is BATCH_MATMUL");
        assertRefusedAsUnsupported(TfliteTestModels.writeWithLastOp(m, 171), "operator " + last + " is STABLEHLO_CONVOLUTION");
        assertRefusedAsUnsupported(TfliteTestModels.writeWithLastOp(m, 240), "operator " + last + " is builtin operator #240");
    }

    @Test
    void theCoralV2HasMoreThan64OperatorsAndIsAMobileNetV2() throws Exception {
        Path f = SharedData.model("mobilenet_v2_1.0_224_quant.tflite");
        TfliteFile file = TfliteFile.read(f);
        assertEquals(66, file.operatorCount());
        Model m = TfliteImporter.load(f);
        assertEquals(new MobileNetV2Spec(1.0, Resolution.square(224), 1001, true), m.architecture());
        assertEquals("MobileNet v2 (alpha 1.0, 224x224, 1001 classes)", m.describe());
        assertEquals(1001, m.labels().size());
        assertEquals(10, m.graph().layers().stream().filter(l -> l.kind() == LayerKind.ADD).count());
        // Folded BN: every conv has its bias, none has BN tensors.
        assertFalse(m.hasBatchNorm());
        assertTrue(m.has("blocks.16.project.bias") && m.has("conv_last.weight") && m.has("fc.bias"));
        assertArrayEquals(new int[] {1280, 320, 1, 1}, m.tensor("conv_last.weight").shape());
    }
}
