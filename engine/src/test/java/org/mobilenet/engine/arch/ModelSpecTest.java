package org.mobilenet.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void table1HasAStemThirteenSeparableBlocksPoolFcAndSoftmax() {
        List<LayerSpec> l = ModelSpec.paper().layers();
        assertEquals(1 + 26 + 3, l.size());
        assertEquals(new Shape(112, 112, 32), l.get(0).out());
        assertEquals(new Shape(7, 7, 1024), l.get(26).out());
        // The last depthwise conv has stride 1 (Table 1's "s2" there is a known error).
        assertEquals(1, l.get(25).stride());
        assertEquals(new Shape(7, 7, 1024), l.get(25).in());
    }

    @Test
    void widthRuleRoundsDownWithAFloorOfEight() {
        assertEquals(24, ModelSpec.width(32, 0.75));
        assertEquals(8, ModelSpec.width(32, 0.25));
        assertEquals(8, ModelSpec.width(16, 0.1));
        assertEquals(96, ModelSpec.width(320, 0.3));
        assertEquals(716, ModelSpec.width(1024, 0.7));
    }

    @Test
    void tensorflowSamePaddingPutsTheExtraRowAtTheBottom() {
        assertEquals(new Pads(0, 0, 1, 1), Padding.TF_SAME.pads(224, 224, 3, 2));
        assertEquals(new Pads(1, 1, 1, 1), Padding.TF_SAME.pads(7, 7, 3, 2));
        assertEquals(new Pads(1, 1, 1, 1), Padding.TF_SAME.pads(14, 14, 3, 1));
        assertEquals(new Pads(1, 1, 1, 1), Padding.SYMMETRIC.pads(224, 224, 3, 2));
    }

    @Test
    void oddResolutionsKeepTensorflowOutputSizes() {
        ModelSpec s = ModelSpec.paper().withResolution(225);
        assertEquals(new Shape(113, 113, 32), s.layers().get(0).out());
        assertEquals(new Shape(8, 8, 1024), s.layers().get(26).out());
    }

    @Test
    void alphaIsInferredFromChannelCounts() {
        for (double a : new double[] {0.25, 0.5, 0.75, 1.0}) {
            ModelSpec s = ModelSpec.paper().withAlpha(a);
            int[] widths = s.weightedLayers().stream().filter(l -> l.kind() != LayerKind.FC)
                    .mapToInt(LayerSpec::outChannels).toArray();
            assertEquals(a, ModelSpec.inferAlpha(Variant.SEPARABLE, widths).orElseThrow(), 1e-12);
        }
        assertEquals(true, ModelSpec.inferAlpha(Variant.SEPARABLE, new int[] {3, 3, 5}).isEmpty());
    }

    @Test
    void aStatedAlphaIsPreferredWhenItGivesTheSameWidths() {
        int[] widths = ModelSpec.paper().withAlpha(0.3).weightedLayers().stream()
                .filter(l -> l.kind() != LayerKind.FC).mapToInt(LayerSpec::outChannels).toArray();
        // 0.3 * 1024 = 307 channels, so the widths alone say 307 / 1024.
        assertEquals(307 / 1024.0, ModelSpec.inferAlpha(Variant.SEPARABLE, widths).orElseThrow(), 1e-12);
        assertEquals(0.3, ModelSpec.alphaOf(Variant.SEPARABLE, widths, 0.3).orElseThrow(), 1e-12);
        assertEquals(307 / 1024.0, ModelSpec.alphaOf(Variant.SEPARABLE, widths, Double.NaN).orElseThrow(), 1e-12);
        // A stated alpha whose widths differ is ignored in favour of the widths.
        assertEquals(307 / 1024.0, ModelSpec.alphaOf(Variant.SEPARABLE, widths, 0.5).orElseThrow(), 1e-12);
        assertTrue(ModelSpec.widthsMatch(0.3, Variant.SEPARABLE, widths));
        assertEquals(false, ModelSpec.widthsMatch(0.25, Variant.SEPARABLE, widths));
    }

    @Test
    void theVariantFollowsFromTheConvCountAndDepthwiseConvs() {
        for (Variant v : Variant.values()) {
            ModelSpec s = ModelSpec.paper().withVariant(v);
            List<LayerSpec> convs = s.weightedLayers().stream().filter(l -> l.kind() != LayerKind.FC).toList();
            boolean dw = convs.stream().anyMatch(l -> l.kind() == LayerKind.DEPTHWISE);
            assertEquals(v, ModelSpec.variantOf(convs.size(), dw).orElseThrow());
        }
        assertEquals(27, 1 + 2 * ModelSpec.blocks(Variant.SEPARABLE).size());
        assertTrue(ModelSpec.variantOf(27, false).isEmpty());
        assertTrue(ModelSpec.variantOf(14, true).isEmpty());
        assertTrue(ModelSpec.variantOf(26, true).isEmpty());
    }

    @Test
    void invalidSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.paper().withResolution(31));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.paper().withAlpha(0));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.paper().withClasses(-1));
    }

    @Test
    void theGraphOfAV1SpecIsItsLayersAsAChainWithoutAdds() {
        ModelSpec s = ModelSpec.paper();
        LayerGraph g = s.graph();
        assertEquals("v1", g.family());
        assertEquals(new Shape(224, 224, 3), g.input());
        assertEquals(s.layers(), g.layers());
        assertEquals(1000, g.classes());
        assertTrue(g.hasSoftmax());
        assertEquals(1000, g.outputSize());
        assertTrue(g.layers().stream().noneMatch(l -> l.kind() == LayerKind.ADD));
        assertTrue(g.layers().stream().filter(l -> l.kind().hasWeights() && l.kind() != LayerKind.FC)
                .allMatch(l -> l.activation() == Activation.RELU6));
        assertEquals(Activation.NONE, g.layer("fc").orElseThrow().activation());
    }

    @Test
    void aNonSquareInputKeepsHeightAndWidthApartThroughTheNetwork() {
        ModelSpec s = ModelSpec.paper().withResolution(Resolution.parse("160x224"));
        assertEquals(160, s.inputHeight());
        assertEquals(224, s.inputWidth());
        List<LayerSpec> l = s.layers();
        assertEquals(new Shape(160, 224, 3), l.get(0).in());
        assertEquals(new Shape(80, 112, 32), l.get(0).out());
        assertEquals(new Shape(5, 7, 1024), l.get(26).out());
        assertEquals(new Pads(0, 0, 1, 1), l.get(0).pads());
        assertEquals("MobileNet v1 (alpha 1.0, 160x224, 1000 classes, separable)", s.describe());
    }

    @Test
    void theSquareSideOfANonSquareSpecIsRefusedNotGuessed() {
        ModelSpec s = ModelSpec.paper().withResolution(new Resolution(160, 224));
        assertThrows(IllegalStateException.class, s::resolution);
        assertEquals(224, ModelSpec.paper().resolution());
        assertEquals(ModelSpec.paper(), ModelSpec.paper().withResolution(Resolution.square(224)));
    }
}
