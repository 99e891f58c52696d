package org.mobilenet.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandardArchitecturesTest {

    /** The graph with every layer renamed layers.i (as an importer names what it has not recognized yet). */
    private static LayerGraph anonymous(LayerGraph g) {
        List<LayerSpec> out = new ArrayList<>();
        for (int i = 0; i < g.layers().size(); i++) {
            LayerSpec l = g.layers().get(i);
            String addend = l.addend() == null ? null : "layers." + g.indexOf(l.addend());
            out.add(new LayerSpec("layers." + i, l.kind(), l.kernel(), l.stride(), l.pads(), l.in(), l.out(),
                    l.activation(), addend));
        }
        return new LayerGraph("v1", g.input(), out);
    }

    @Test
    void everyV1VariantPaddingAndHeadIsRecognizedUnderAnyLayerNames() {
        for (Variant v : Variant.values()) {
            for (Padding p : Padding.values()) {
                for (int classes : new int[] {0, 1001}) {
                    ModelSpec spec = new ModelSpec(0.75, 192, classes, v, p, true);
                    Optional<StandardArchitectures.Match> m = StandardArchitectures.match(anonymous(spec.graph()));
                    assertEquals(Optional.of(new StandardArchitectures.Match(spec, false)), m, spec.toString());
                }
            }
        }
    }

    @Test
    void aV1WithPlainReluIsRecognizedAsSuch() {
        ModelSpec spec = new ModelSpec(0.5, 160, 10, Variant.SEPARABLE, Padding.SYMMETRIC, false);
        LayerGraph relu = StandardArchitectures.withRelu(spec.graph());
        assertEquals(Optional.of(new StandardArchitectures.Match(spec, true)), StandardArchitectures.match(anonymous(relu)));
    }

    @Test
    void v2IsRecognizedAtEveryPublishedAlphaAndAtOthers() {
        for (double a : new double[] {0.35, 0.5, 0.75, 1.0, 1.3, 1.4}) {
            MobileNetV2Spec spec = new MobileNetV2Spec(a, Resolution.square(224), 1001, true);
            assertEquals(Optional.of(new StandardArchitectures.Match(spec, false)),
                    StandardArchitectures.match(anonymous(spec.graph())), spec.toString());
        }
        // An alpha nobody publishes: recognized with one that gives the same widths.
        MobileNetV2Spec odd = new MobileNetV2Spec(0.6, new Resolution(160, 128), 0, false);
        Optional<StandardArchitectures.Match> m = StandardArchitectures.match(anonymous(odd.graph()));
        assertTrue(m.isPresent());
        MobileNetV2Spec found = (MobileNetV2Spec) m.get().architecture();
        assertTrue(found.graph().sameLayers(odd.graph()));
        assertEquals(odd.resolution(), found.resolution());
    }

    @Test
    void aGraphThatDiffersInOneLayerIsNotRecognized() {
        LayerGraph v2 = MobileNetV2Spec.paper().graph();
        List<LayerSpec> layers = new ArrayList<>(v2.layers());
        int i = v2.indexOf("blocks.3.project");
        layers.set(i, layers.get(i).withActivation(Activation.RELU6));
        assertFalse(StandardArchitectures.match(new LayerGraph("v2", v2.input(), layers)).isPresent());
        LayerGraph v1 = ModelSpec.paper().graph();
        List<LayerSpec> v1Layers = new ArrayList<>(v1.layers());
        v1Layers.set(1, v1Layers.get(1).withActivation(Activation.NONE));
        assertFalse(StandardArchitectures.match(new LayerGraph("v1", v1.input(), v1Layers)).isPresent());
    }

    @Test
    void sameLayersComparesAddsByPositionNotName() {
        LayerGraph v2 = new MobileNetV2Spec(0.35, Resolution.square(96), 10, true).graph();
        assertTrue(anonymous(v2).sameLayers(v2));
        List<LayerSpec> layers = new ArrayList<>(v2.layers());
        int i = v2.indexOf("blocks.5.add");
        LayerSpec add = layers.get(i);
        layers.set(i, LayerSpec.add(add.name(), add.out(), "blocks.3.project"));
        assertFalse(new LayerGraph("v2", v2.input(), layers).sameLayers(v2));
    }
}
