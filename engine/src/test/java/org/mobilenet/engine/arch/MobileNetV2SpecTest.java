package org.mobilenet.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MobileNetV2SpecTest {

    private static LayerSpec layer(LayerGraph g, String name) {
        return g.layer(name).orElseThrow(() -> new AssertionError("no layer " + name));
    }

    @Test
    void table2HasAStemSeventeenBottlenecksALastConvPoolFcAndSoftmax() {
        LayerGraph g = MobileNetV2Spec.paper().graph();
        assertEquals("v2", g.family());
        assertEquals(17, MobileNetV2Spec.blockCount());
        // conv1, block 0 (dw, project), 16 blocks of three convs, 10 adds, conv_last, pool, fc, softmax
        assertEquals(1 + 2 + 16 * 3 + 10 + 4, g.layers().size());
        assertEquals(52 + 1, g.weightedLayers().size());
        assertEquals(new Shape(112, 112, 32), layer(g, "conv1").out());
        assertEquals(new Shape(112, 112, 16), layer(g, "blocks.0.project").out());
        assertEquals(new Shape(56, 56, 24), layer(g, "blocks.1.project").out());
        assertEquals(new Shape(7, 7, 320), layer(g, "blocks.16.project").out());
        assertEquals(new Shape(7, 7, 1280), layer(g, "conv_last").out());
        assertEquals(1000, g.classes());
        assertTrue(g.hasSoftmax());
    }

    @Test
    void theFirstBlockHasNoExpansionAndTheOthersExpandSixTimes() {
        LayerGraph g = MobileNetV2Spec.paper().graph();
        assertTrue(g.layer("blocks.0.expand").isEmpty());
        assertEquals(new Shape(112, 112, 32), layer(g, "blocks.0.dw").in());
        assertEquals(new Shape(112, 112, 96), layer(g, "blocks.1.expand").out());
        assertEquals(2, layer(g, "blocks.1.dw").stride());
        assertEquals(new Shape(7, 7, 960), layer(g, "blocks.16.expand").out());
    }

    @Test
    void projectionsAreLinearAndEveryOtherConvIsReluSix() {
        for (LayerSpec l : MobileNetV2Spec.paper().graph().weightedLayers()) {
            Activation want = l.name().endsWith(".project") || l.kind() == LayerKind.FC ? Activation.NONE
                    : Activation.RELU6;
            assertEquals(want, l.activation(), l.name());
        }
    }

    @Test
    void residualAddsJoinStrideOneBlocksThatKeepTheirWidth() {
        LayerGraph g = MobileNetV2Spec.paper().graph();
        List<String> adds = g.layers().stream().filter(l -> l.kind() == LayerKind.ADD).map(LayerSpec::name).toList();
        assertEquals(List.of("blocks.2.add", "blocks.4.add", "blocks.5.add", "blocks.7.add", "blocks.8.add",
                "blocks.9.add", "blocks.11.add", "blocks.12.add", "blocks.14.add", "blocks.15.add"), adds);
        // Each adds the block's input: the previous block's last layer (its add when it had one).
        assertEquals("blocks.1.project", layer(g, "blocks.2.add").addend());
        assertEquals("blocks.4.add", layer(g, "blocks.5.add").addend());
        assertEquals("blocks.10.project", layer(g, "blocks.11.add").addend());
    }

    @Test
    void widthsAreRoundedToMultiplesOfEightAsTfSlimAndKerasDo() {
        assertEquals(16, MobileNetV2Spec.makeDivisible(32 * 0.35)); // 11.2 rounds to 8, < 90%: one step up
        assertEquals(8, MobileNetV2Spec.makeDivisible(16 * 0.35));
        assertEquals(32, MobileNetV2Spec.makeDivisible(24 * 1.4));
        assertEquals(24, MobileNetV2Spec.makeDivisible(16 * 1.3));
        assertEquals(72, MobileNetV2Spec.makeDivisible(96 * 0.75));
        assertEquals(1792, MobileNetV2Spec.makeDivisible(1280 * 1.4));
        assertEquals(112, MobileNetV2Spec.makeDivisible(320 * 0.35));
    }

    @Test
    void theLastConvStays1280WideUpToAlphaOne() {
        assertEquals(1280, new MobileNetV2Spec(0.35, Resolution.square(224), 1000, true).lastWidth());
        assertEquals(1280, MobileNetV2Spec.paper().lastWidth());
        assertEquals(1792, MobileNetV2Spec.paper().withAlpha(1.4).lastWidth());
    }

    @Test
    void aNarrowV2KeepsItsAddsWhereWidthsStillMatch() {
        LayerGraph g = MobileNetV2Spec.paper().withAlpha(0.35).graph();
        assertEquals(new Shape(112, 112, 16), layer(g, "conv1").out());
        assertEquals(new Shape(112, 112, 8), layer(g, "blocks.0.project").out());
        assertEquals(10, g.layers().stream().filter(l -> l.kind() == LayerKind.ADD).count());
    }

    @Test
    void aNonSquareInputUsesTensorflowSamePaddingOnBothSides() {
        LayerGraph g = MobileNetV2Spec.paper().withResolution(Resolution.parse("160x224")).graph();
        assertEquals(new Shape(160, 224, 3), g.input());
        assertEquals(new Pads(0, 0, 1, 1), layer(g, "conv1").pads());
        assertEquals(new Shape(5, 7, 1280), layer(g, "conv_last").out());
        assertEquals("MobileNet v2 (alpha 1.0, 160x224, 1000 classes)", MobileNetV2Spec.paper()
                .withResolution(Resolution.parse("160x224")).describe());
    }

    @Test
    void aHeadlessV2EndsAtThePooledFeatures() {
        LayerGraph g = MobileNetV2Spec.paper().withClasses(0).graph();
        assertEquals("pool", g.layers().get(g.layers().size() - 1).name());
        assertEquals(1280, g.outputSize());
        assertEquals(0, g.classes());
        assertFalse(g.hasSoftmax());
        assertFalse(MobileNetV2Spec.paper().withClasses(0).softmax());
    }

    @Test
    void invalidSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2Spec.paper().withAlpha(0));
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2Spec.paper().withAlpha(4.5));
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2Spec.paper().withClasses(-1));
        assertThrows(NullPointerException.class, () -> new MobileNetV2Spec(1, null, 1000, true));
    }
}
