package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;

class BufferPlanTest {

    /** No layer writes a buffer it reads, and no buffer is overwritten while a later layer still needs it. */
    private static void assertSound(List<LayerSpec> layers, BufferPlan plan) {
        int count = layers.size();
        for (int i = 0; i < count; i++) {
            LayerSpec l = layers.get(i);
            assertTrue(plan.size(plan.out(i)) >= l.out().size(), l.name() + " fits its buffer");
            assertNotEquals(plan.in(i), plan.out(i), l.name() + " writes what it reads");
            // The value each layer reads is still the one its producer wrote.
            for (int producer : producers(layers, i)) {
                for (int k = producer + 1; k < i; k++) {
                    assertNotEquals(plan.out(producer), plan.out(k), layers.get(k).name() + " overwrites "
                            + layers.get(producer).name() + " before " + l.name() + " reads it");
                }
            }
            if (l.kind() == LayerKind.ADD) {
                assertEquals(plan.out(indexOf(layers, l.addend())), plan.addend(i));
            } else {
                assertEquals(BufferPlan.NONE, plan.addend(i));
            }
        }
    }

    private static List<Integer> producers(List<LayerSpec> layers, int i) {
        List<Integer> p = new ArrayList<>();
        if (i > 0) {
            p.add(i - 1);
        }
        if (layers.get(i).kind() == LayerKind.ADD) {
            p.add(indexOf(layers, layers.get(i).addend()));
        }
        return p;
    }

    private static int indexOf(List<LayerSpec> layers, String name) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void aPlainChainPingPongsBetweenTwoBuffers() {
        List<LayerSpec> layers = ModelSpec.paper().layers();
        BufferPlan plan = BufferPlan.of(layers);
        assertSound(layers, plan);
        assertEquals(2, plan.buffers());
        assertEquals(BufferPlan.INPUT, plan.in(0));
        // Never more than the two largest activations the two ping-pong buffers used to take.
        assertTrue(plan.totalSize() <= 2 * 112 * 112 * 64);
    }

    @Test
    void invertedResidualBlocksKeepTheirInputInAThirdBuffer() {
        for (MobileNetV2Spec spec : new MobileNetV2Spec[] {MobileNetV2Spec.paper(),
                new MobileNetV2Spec(0.35, new Resolution(72, 56), 0, false)}) {
            LayerGraph g = spec.graph();
            BufferPlan plan = BufferPlan.of(g.layers());
            assertSound(g.layers(), plan);
            assertEquals(3, plan.buffers(), spec.toString());
        }
    }

    @Test
    void anAddReachingBackOverManyLayersKeepsItsAddendAlive() {
        // blocks.5.add adds blocks.3.project, two blocks back (not a MobileNet, but a valid graph).
        LayerGraph v2 = new MobileNetV2Spec(1.0, Resolution.square(96), 0, false).graph();
        List<LayerSpec> layers = new ArrayList<>(v2.layers());
        int add = indexOf(layers, "blocks.5.add");
        LayerSpec original = layers.get(add);
        layers.set(add, LayerSpec.add(original.name(), original.out(), "blocks.3.project"));
        LayerGraph g = new LayerGraph("v2", v2.input(), layers);
        BufferPlan plan = BufferPlan.of(g.layers());
        assertSound(g.layers(), plan);
        assertTrue(plan.buffers() >= 3);
    }
}
