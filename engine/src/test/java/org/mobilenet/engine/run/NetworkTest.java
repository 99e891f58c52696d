package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

class NetworkTest {
    private static final ModelSpec SMALL = new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, true);

    private static float[] images(int n, int res, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * res * res * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Test
    void batchProbabilitiesSumToOneAndMatchEachImageRunAlone() {
        // Explicit kernels: with the defaults the warm-up may hand over between two passes, and the
        // loop and vector kernels agree only within rounding.
        Network net = Network.compile(SeededInit.create(SMALL, 1), KernelChoice.defaultKernels(), 1);
        int n = 3;
        float[] in = images(n, 64, 2);
        float[] batch = net.forward(in, n);
        int per = 64 * 64 * 3;
        for (int b = 0; b < n; b++) {
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                sum += batch[b * 10 + c];
            }
            assertEquals(1.0, sum, 1e-5);
            float[] one = new float[per];
            System.arraycopy(in, b * per, one, 0, per);
            float[] alone = net.forward(one, 1);
            float[] slice = new float[10];
            System.arraycopy(batch, b * 10, slice, 0, 10);
            assertArrayEquals(alone, slice, 0f);
        }
    }

    @Test
    void differentImagesGiveDifferentOutputs() {
        Network net = Network.compile(SeededInit.create(SMALL, 1));
        float[] out = net.forward(images(2, 64, 3), 2);
        float maxDiff = 0;
        for (int c = 0; c < 10; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(out[c] - out[10 + c]));
        }
        assertNotEquals(0f, maxDiff);
    }

    @Test
    void foldedBatchNormGivesTheSameOutputs() {
        Model m = SeededInit.create(SMALL.withSoftmax(false), 5);
        float[] in = images(1, 64, 6);
        float[] unfolded = Network.compile(m).forward(in, 1);
        float[] folded = Network.compile(m.foldBatchNorm()).forward(in, 1);
        assertArrayEquals(unfolded, folded, 1e-4f);
    }

    @Test
    void headlessModelOutputsThePooledFeatures() {
        ModelSpec body = SMALL.withClasses(0);
        Network net = Network.compile(SeededInit.create(body, 1));
        assertEquals(256, net.outputSize());
        float[] features = net.forward(images(1, 64, 4), 1);
        assertEquals(256, features.length);
        for (float f : features) {
            assertEquals(true, f >= 0 && f <= 6, "pooled ReLU6 features lie in [0, 6]");
        }
    }

    @Test
    void observerSeesEveryLayerInOrder() {
        for (Variant v : Variant.values()) {
            ModelSpec spec = SMALL.withVariant(v);
            List<String> seen = new ArrayList<>();
            Network.compile(SeededInit.create(spec, 1)).forward(images(1, 64, 4), 1, (l, out, n) -> seen.add(l.name()));
            assertEquals(spec.layers().stream().map(l -> l.name()).toList(), seen);
        }
    }
}
