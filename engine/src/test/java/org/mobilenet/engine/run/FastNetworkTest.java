package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.kernels.LoopKernels;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.kernels.VectorKernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

/** The whole network on the vector kernels against the scalar reference, and on one thread against two. */
class FastNetworkTest {
    private static final ModelSpec SMALL = new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, false);

    private static float[] images(int n, int res, long seed) {
        return images(n, res, res, seed);
    }

    private static float[] images(int n, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * h * w * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4f * (1 + Math.abs(want[i])),
                    what + ": value " + i + " expected " + want[i] + " but was " + got[i]);
        }
    }

    @Test
    void vectorNetworkMatchesScalarForEveryVariantAndPadding() {
        for (Variant v : Variant.values()) {
            for (Padding p : Padding.values()) {
                ModelSpec spec = new ModelSpec(0.5, 67, 13, v, p, false);
                Model m = SeededInit.create(spec, 11);
                float[] in = images(2, 67, 12);
                float[] want = Network.compile(m, new ScalarKernels()).forward(in, 2);
                try (Network fast = Network.compile(m, new VectorKernels(), 2)) {
                    assertClose(want, fast.forward(in, 2), v + " " + p);
                }
            }
        }
    }

    @Test
    void aNonSquareInputRunsOnEveryKernelSetAsOnTheScalarReference() {
        for (Padding p : Padding.values()) {
            ModelSpec spec = new ModelSpec(0.25, new Resolution(45, 67), 7, Variant.SEPARABLE, p, true);
            Model m = SeededInit.create(spec, 5);
            float[] in = images(2, 45, 67, 6);
            try (Network scalar = Network.compile(m, new ScalarKernels())) {
                assertEquals(45 * 67 * 3, scalar.inputSize());
                float[] want = scalar.forward(in, 2);
                try (Network loop = Network.compile(m, new LoopKernels(), 2);
                     Network vector = Network.compile(m, new VectorKernels(), 2)) {
                    assertClose(want, loop.forward(in, 2), "loop " + p);
                    assertClose(want, vector.forward(in, 2), "vector " + p);
                }
            }
        }
    }

    @Test
    void twoThreadsGiveExactlyTheSameResultAsOne() {
        Model m = SeededInit.create(SMALL.withClasses(1001).withSoftmax(true), 3);
        float[] in = images(3, 64, 4);
        try (Network one = Network.compile(m, new VectorKernels(), 1);
             Network two = Network.compile(m, new VectorKernels(), 2)) {
            float[] a = one.forward(in, 3);
            for (int run = 0; run < 3; run++) {
                assertArrayEquals(a, two.forward(in, 3), 0f);
            }
        }
    }

    @Test
    void aBatchRunImageByImageThroughTheEarlyLayersMatchesTheWholeBatchPathAndSingleImages() {
        Model m = SeededInit.create(SMALL.withClasses(1000), 8);
        int n = 3;
        float[] in = images(n, 64, 9);
        for (int threads = 1; threads <= 2; threads++) {
            try (Network net = Network.compile(m, new VectorKernels(), threads)) {
                int prefix = PerImagePrefix.length(net.spec().layers());
                assertTrue(prefix > 0 && prefix < net.spec().layers().size(), "image by image up to a batched classifier");
                float[] split = net.forward(in, n);
                // An observer needs whole-batch layer outputs, so it forces the batched path.
                float[] batched = net.forward(in, n, (layer, out, b) -> { });
                assertClose(batched, split, "threads " + threads + " batched vs image by image");
                for (int b = 0; b < n; b++) {
                    float[] one = net.forward(java.util.Arrays.copyOfRange(in, b * net.inputSize(), (b + 1) * net.inputSize()), 1);
                    float[] part = java.util.Arrays.copyOfRange(split, b * net.outputSize(), (b + 1) * net.outputSize());
                    assertClose(one, part, "threads " + threads + " image " + b);
                }
            }
        }
    }

    @Test
    void forwardIntoACallerBufferMatchesTheAllocatingForward() {
        try (Network net = Network.compile(SeededInit.create(SMALL, 5), new VectorKernels(), 2)) {
            float[] in = images(2, 64, 6);
            float[] out = new float[2 * net.outputSize() + 3];
            assertEquals(out, net.forward(in, 2, out));
            float[] want = net.forward(in, 2);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], out[i], 0f);
            }
            assertEquals(0f, out[out.length - 1]);
        }
    }

    @Test
    void defaultKernelsAreVectorWhenTheModuleIsPresentUnlessForcedScalar() {
        assertTrue(KernelChoice.vectorApiPresent(), "surefire runs with --add-modules=jdk.incubator.vector");
        String old = System.getProperty("mobilenet.kernels");
        try {
            System.clearProperty("mobilenet.kernels");
            if (System.getenv("MOBILENET_KERNELS") == null) {
                assertEquals("vector", KernelChoice.defaultKernels().name());
            }
            System.setProperty("mobilenet.kernels", "scalar");
            assertEquals("scalar", KernelChoice.defaultKernels().name());
        } finally {
            if (old == null) {
                System.clearProperty("mobilenet.kernels");
            } else {
                System.setProperty("mobilenet.kernels", old);
            }
        }
    }

    @Test
    void timeLayersGivesOneNonNegativeTimePerLayer() {
        try (Network net = Network.compile(SeededInit.create(SMALL, 5), new VectorKernels(), 1)) {
            long[] t = net.timeLayers(images(1, 64, 1), 1, 3);
            assertEquals(net.spec().layers().size(), t.length);
            long total = 0;
            for (long x : t) {
                assertTrue(x >= 0);
                total += x;
            }
            assertTrue(total > 0);
        }
    }
}
