package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.SeededInit;

/** The warm-up's shrunk copies of a network's layers: valid graphs whose layers take the same code paths. */
class ShrunkLayersTest {

    @Test
    void keepsEveryLayersKindKernelStridePadsChannelsAndActivation() {
        List<LayerSpec> full = SeededInit.create(new MobileNetV2Spec(0.35, new Resolution(96, 80), 13, true), 1)
                .graph().layers();
        List<LayerSpec> small = ShrunkLayers.of(full);
        new LayerGraph("v2", small.get(0).in(), small); // valid: shapes chain, adds match
        assertEquals(full.size(), small.size());
        // A quarter of each side (24 x 20) would leave 1-pixel maps that a stride-2 layer with the full
        // size's pads cannot read: the smallest valid size at or above a quarter.
        assertEquals(new Shape(32, 28, 3), small.get(0).in());
        for (int i = 0; i < full.size(); i++) {
            LayerSpec f = full.get(i);
            LayerSpec s = small.get(i);
            assertEquals(f.kind(), s.kind(), f.name());
            assertEquals(f.kernel(), s.kernel(), f.name());
            assertEquals(f.stride(), s.stride(), f.name());
            assertEquals(f.pads(), s.pads(), f.name());
            assertEquals(f.out().c(), s.out().c(), f.name());
            assertEquals(f.activation(), s.activation(), f.name());
            assertEquals(f.addend(), s.addend(), f.name());
        }
    }

    @Test
    void anOddInputShrinksToAQuarterRoundedUp() {
        List<LayerSpec> full = SeededInit.create(new ModelSpec(0.25, 35, 10, Variant.SEPARABLE, Padding.SYMMETRIC, false), 1)
                .graph().layers();
        List<LayerSpec> small = ShrunkLayers.of(full);
        new LayerGraph("v1", small.get(0).in(), small);
        assertEquals(new Shape(9, 9, 3), small.get(0).in());
        assertEquals(1, small.get(small.size() - 1).out().h());
    }

    @Test
    void layersWithNoOutputOnAnySmallerInputAreKept() {
        List<LayerSpec> full = List.of(LayerSpec.conv("c", LayerKind.CONV, 3, 1, Padding.SYMMETRIC, new Shape(1, 1, 3), 8,
                Activation.RELU6));
        assertEquals(full, ShrunkLayers.of(full));
    }
}
