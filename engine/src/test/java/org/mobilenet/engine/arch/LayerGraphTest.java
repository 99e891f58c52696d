package org.mobilenet.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerGraphTest {

    private static final Shape IN = new Shape(8, 8, 16);
    private static final Shape WIDE = new Shape(8, 8, 96);

    private static LayerSpec pw(String name, Shape in, Shape out, Activation a) {
        return new LayerSpec(name, LayerKind.POINTWISE, 1, 1, Pads.NONE, in, out, a, null);
    }

    /** An inverted residual block: expand, depthwise, linear projection, add the block's input. */
    private static List<LayerSpec> block(String addend) {
        return List.of(
                pw("expand", IN, WIDE, Activation.RELU6),
                new LayerSpec("dw", LayerKind.DEPTHWISE, 3, 1, new Pads(1, 1, 1, 1), WIDE, WIDE),
                pw("project", WIDE, IN, Activation.NONE),
                LayerSpec.add("add", IN, addend));
    }

    @Test
    void aResidualBlockAddingAnEarlierOutputOfItsShapeIsAGraph() {
        List<LayerSpec> layers = new java.util.ArrayList<>(List.of(pw("stem", IN, IN, Activation.RELU6)));
        layers.addAll(block("stem"));
        LayerGraph g = new LayerGraph("v2", IN, layers);
        assertEquals(5, g.layers().size());
        assertEquals(4, g.weightedLayers().size());
        assertEquals("stem", g.layer("add").orElseThrow().addend());
        assertTrue(g.layer("nothing").isEmpty());
        assertEquals(0, g.classes());
        assertFalse(g.hasSoftmax());
        assertEquals(8 * 8 * 16, g.outputSize());
        assertEquals(g, g.graph());
    }

    @Test
    void anAddMustNameAnEarlierLayer() {
        List<LayerSpec> layers = new java.util.ArrayList<>(List.of(pw("stem", IN, IN, Activation.RELU6)));
        layers.addAll(block("later"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v2", IN, layers));
        assertTrue(e.getMessage().contains("not an earlier layer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v2", IN, block("add")));
    }

    @Test
    void anAddMustAddAnOutputOfItsOwnShape() {
        List<LayerSpec> layers = List.of(
                pw("expand", IN, WIDE, Activation.RELU6),
                pw("project", WIDE, IN, Activation.NONE),
                LayerSpec.add("add", IN, "expand"));
        assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v2", IN, layers));
    }

    @Test
    void eachLayerMustReadThePreviousOutput() {
        assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v2", WIDE, block("x")));
        List<LayerSpec> broken = List.of(pw("a", IN, WIDE, Activation.RELU6), pw("b", IN, WIDE, Activation.RELU6));
        assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v2", IN, broken));
    }

    @Test
    void namesAreUnique() {
        List<LayerSpec> twice = List.of(pw("a", IN, IN, Activation.RELU6), pw("a", IN, IN, Activation.RELU6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v1", IN, twice));
        assertTrue(e.getMessage().contains("two layers are named 'a'"), e.getMessage());
    }

    @Test
    void anEmptyGraphIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LayerGraph("v1", IN, List.of()));
    }

    /** A body whose last block has squeeze-and-excite: pool, two dense layers, the scaling. */
    private static List<LayerSpec> squeezeExciteBody() {
        Shape pooled = new Shape(1, 1, 16);
        Shape squeezed = new Shape(1, 1, 8);
        return new java.util.ArrayList<>(List.of(
                pw("stem", IN, IN, Activation.HARD_SWISH),
                new LayerSpec("se.pool", LayerKind.AVG_POOL, 8, 1, Pads.NONE, IN, pooled),
                new LayerSpec("se.fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, squeezed, Activation.RELU, null),
                new LayerSpec("se.fc2", LayerKind.FC, 1, 1, Pads.NONE, squeezed, pooled, Activation.HARD_SIGMOID, null),
                new LayerSpec("se.scale", LayerKind.SCALE, 1, 1, Pads.NONE, pooled, IN, Activation.NONE, "stem")));
    }

    @Test
    void aHeadlessV3BodyHasNoClassesAndNoFeatureLayerInItsSqueezeAndExcite() {
        LayerGraph g = new LayerGraph("v3", IN, squeezeExciteBody());
        assertEquals(0, g.classes());
        assertEquals(null, g.featureLayer());
        assertEquals(8 * 8 * 16, g.featureWidth());
        assertEquals("v3", LayerGraph.familyOf(g.layers()));
    }

    @Test
    void aV3ClassifierHasTheClassesOfItsHeadAfterTheLastScaling() {
        List<LayerSpec> layers = squeezeExciteBody();
        Shape pooled = new Shape(1, 1, 16);
        layers.add(new LayerSpec("pool", LayerKind.AVG_POOL, 8, 1, Pads.NONE, IN, pooled));
        layers.add(new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 10), Activation.NONE, null));
        LayerGraph g = new LayerGraph("v3", IN, layers);
        assertEquals(10, g.classes());
        assertEquals("pool", g.featureLayer().name());
    }
}
