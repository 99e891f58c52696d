package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;

/** The sigmoid head: hand-computed values, and every kernel set giving the same bits on a network ending in one. */
class SigmoidTest {
    @Test
    void sigmoidOfHandPickedValues() {
        float[] x = {0f, 2f, -2f, 40f, -40f, Float.NEGATIVE_INFINITY};
        float[] y = new float[x.length];
        Sigmoid.apply(x, x.length, y);
        assertEquals(0.5f, y[0]);
        assertEquals(0.880797f, y[1], 1e-6f);
        assertEquals(0.119203f, y[2], 1e-6f);
        assertEquals(1f, y[3]);
        assertEquals(4.248354e-18f, y[4], 1e-23f);
        assertEquals(0f, y[5]);
    }

    @Test
    void everyKernelSetGivesTheSameProbabilitiesThroughASigmoidHead() {
        LayerGraph body = new ModelSpec(0.25, 40, 3, Variant.SEPARABLE, Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        LayerSpec fc = layers.get(layers.size() - 1);
        layers.add(new LayerSpec("sigmoid", LayerKind.SIGMOID, 1, 1, Pads.NONE, fc.out(), fc.out(), Activation.NONE, null));
        Model m = SeededInit.create(new LayerGraph(body.family(), body.input(), layers), 2);
        Model logits = SeededInit.create(body, 2);
        float[] x = SeededInit.uniform(new SplittableRandom(1), 2 * 40 * 40 * 3, 1f);
        float[] z = Network.compile(logits, new ScalarKernels()).forward(x, 2);
        float[] want = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            want[i] = (float) (1 / (1 + Math.exp(-z[i])));
        }
        assertArrayEquals(want, Network.compile(m, new ScalarKernels()).forward(x, 2));
        assertArrayEquals(Network.compile(m, new ScalarKernels()).forward(x, 2),
                Network.compile(m, new LoopKernels()).forward(x, 2), 1e-6f);
        assertArrayEquals(Network.compile(m, new ScalarKernels()).forward(x, 2),
                Network.compile(m, new VectorKernels()).forward(x, 2), 1e-6f);
    }
}
