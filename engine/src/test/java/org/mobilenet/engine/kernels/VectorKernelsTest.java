package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.run.WorkerPool;

/** Every fast kernel against the scalar reference on odd shapes, serially and on two threads. */
class VectorKernelsTest {
    /** The activations the kernels' epilogues compute (the network applies the others after them). */
    private static final Activation[] CLAMPS = java.util.Arrays.stream(Activation.values()).filter(Activation::clamps)
            .toArray(Activation[]::new);

    private static final int[] CHANNELS = {3, 13, 37};
    private static final Pads[] PADS = {new Pads(1, 1, 1, 1), new Pads(0, 0, 1, 1), new Pads(2, 0, 0, 1), Pads.NONE};

    private final Kernels scalar = new ScalarKernels();
    private final VectorKernels vector = new VectorKernels();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Asserts |a - b| <= 1e-4 * (1 + |b|) everywhere, and that both have the expected length used. */
    private static void assertClose(float[] want, float[] got, int len, String what) {
        for (int i = 0; i < len; i++) {
            float tol = 1e-4f * (1 + Math.abs(want[i]));
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new AssertionError(what + ": value " + i + " expected " + want[i] + " but was " + got[i]);
            }
        }
    }

    @Test
    void pointwiseMatchesScalarOnOddSizesAndEveryActivationWithEachTile() {
        try (WorkerPool two = new WorkerPool(2)) {
            for (int pixels : new int[] {1, 5, 7, 9, 10, 35, 49, 103}) {
                for (int inC : CHANNELS) {
                    for (int outC : new int[] {3, 13, 37, 64, 71, 90, 96}) {
                        for (Activation act : CLAMPS) {
                            float[] in = random(pixels * inC, pixels + inC);
                            float[] w = random(inC * outC, outC);
                            float[] b = outC % 2 == 0 ? null : random(outC, 7);
                            float[] want = new float[pixels * outC];
                            scalar.pointwise(in, pixels, inC, outC, w, b, act, want);
                            for (VectorPointwise.Tile tile : VectorPointwise.Tile.values()) {
                                VectorPointwise pw = new VectorPointwise(inC, outC, w, b, act, tile);
                                for (Parallel par : new Parallel[] {Parallel.SERIAL, two}) {
                                    float[] got = new float[pixels * outC + 5];
                                    pw.run(in, pixels, got, par);
                                    String what = "pointwise " + tile + " " + pixels + "x" + inC + "->" + outC + " " + act
                                            + " threads " + par.threads();
                                    assertClose(want, got, want.length, what);
                                    for (int i = want.length; i < got.length; i++) {
                                        assertEquals(0f, got[i], what + " writes past its output");
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void depthwiseMatchesScalarForStridesOneToThreeAndAsymmetricPads() {
        try (WorkerPool two = new WorkerPool(2)) {
            for (int stride = 1; stride <= 3; stride++) {
                for (Pads pads : PADS) {
                    for (int c : new int[] {1, 3, 4, 8, 13, 16, 24, 29, 32, 37, 48}) {
                        for (int[] hw : new int[][] {{7, 5}, {5, 7}, {3, 3}, {12, 9}, {4, 23}, {5, 30}, {3, 41}, {4, 3}, {5, 4}}) {
                            int n = 2;
                            ConvShape s = new ConvShape(hw[0], hw[1], c, c, 3, stride, pads);
                            float[] in = random(n * s.inSize(), c * 31L + stride);
                            float[] w = random(9 * c, c);
                            float[] b = random(c, 3);
                            float[] want = new float[n * s.outSize()];
                            scalar.depthwise(in, n, s, w, b, Activation.RELU6, want);
                            VectorDepthwise dw = new VectorDepthwise(s, w, b, Activation.RELU6);
                            for (Parallel par : new Parallel[] {Parallel.SERIAL, two}) {
                                float[] got = new float[want.length];
                                dw.run(in, n, got, par);
                                assertClose(want, got, want.length, "depthwise " + s + " threads " + par.threads());
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void depthwiseWithOtherKernelSizesUsesTheCheckedPath() {
        ConvShape s = new ConvShape(7, 5, 13, 13, 5, 2, new Pads(2, 1, 2, 2));
        float[] in = random(s.inSize(), 1);
        float[] w = random(25 * 13, 2);
        float[] want = new float[s.outSize()];
        float[] got = new float[s.outSize()];
        scalar.depthwise(in, 1, s, w, null, Activation.NONE, want);
        vector.depthwise(in, 1, s, w, null, Activation.NONE, got);
        assertClose(want, got, want.length, "depthwise 5x5");
    }

    @Test
    void convMatchesScalarForBothStridesAndAsymmetricPads() {
        // 7x5 has no run of six interior pixels; 5x29 has several (the direct, un-gathered path).
        int[][] sizes = {{7, 5}, {5, 29}};
        try (WorkerPool two = new WorkerPool(2)) {
            for (int stride = 1; stride <= 2; stride++) {
                for (Pads pads : PADS) {
                    for (int inC : CHANNELS) {
                        for (int outC : new int[] {3, 8, 13, 16, 37, 40}) {
                            for (int[] hw : sizes) {
                                checkConv(new ConvShape(hw[0], hw[1], inC, outC, 3, stride, pads), two);
                            }
                        }
                    }
                }
            }
        }
    }

    private void checkConv(ConvShape s, Parallel two) {
        int n = 3;
        float[] in = random(n * s.inSize(), s.inC() + s.outC());
        float[] w = random(9 * s.inC() * s.outC(), s.outC());
        float[] b = random(s.outC(), 5);
        float[] want = new float[n * s.outSize()];
        scalar.conv(in, n, s, w, b, Activation.RELU6, want);
        VectorConv conv = new VectorConv(s, w, b, Activation.RELU6);
        for (Parallel par : new Parallel[] {Parallel.SERIAL, two}) {
            float[] got = new float[want.length];
            conv.run(in, n, got, par);
            assertClose(want, got, want.length, "conv " + s + " threads " + par.threads());
        }
    }

    @Test
    void fullyConnectedPoolAndSoftmaxMatchScalar() {
        int n = 3;
        int inC = 37;
        int outC = 1001;
        float[] in = random(n * inC, 1);
        float[] w = random(inC * outC, 2);
        float[] b = random(outC, 3);
        float[] want = new float[n * outC];
        float[] got = new float[n * outC];
        scalar.fullyConnected(in, n, inC, outC, w, b, want);
        vector.fullyConnected(in, n, inC, outC, w, b, got);
        assertClose(want, got, want.length, "fc");

        float[] map = random(n * 7 * 5 * 13, 4);
        float[] poolWant = new float[n * 13];
        float[] poolGot = new float[n * 13];
        scalar.averagePool(map, n, 7, 5, 13, poolWant);
        vector.averagePool(map, n, 7, 5, 13, poolGot);
        assertClose(poolWant, poolGot, poolWant.length, "pool");

        scalar.softmax(want, n, outC, poolWant = new float[n * outC]);
        vector.softmax(want, n, outC, got);
        assertClose(poolWant, got, got.length, "softmax");
        float sum = 0;
        for (int i = 0; i < outC; i++) {
            sum += got[i];
        }
        assertEquals(1f, sum, 1e-4f);
    }

    @Test
    void residualAddMatchesScalarOnOddSizesEveryActivationInPlaceAndOnTwoThreads() {
        try (WorkerPool two = new WorkerPool(2)) {
            // Sizes around the vector width and around VectorAdd's work chunk.
            for (int[] shape : new int[][] {{1, 1, 1}, {1, 3, 5}, {3, 7, 13}, {2, 19, 37}, {1, 129, 129}, {2, 45, 371}}) {
                Shape map = new Shape(shape[0], shape[1], shape[2]);
                int n = 3;
                int len = (int) (n * map.size());
                LayerSpec l = new LayerSpec("blocks.1.add", LayerKind.ADD, 1, 1, Pads.NONE, map, map, Activation.NONE,
                        "blocks.0.project");
                for (Activation act : CLAMPS) {
                    float[] in = random(len, len);
                    float[] addend = random(len, len + 1L);
                    for (int i = 0; i < len; i += 3) {
                        in[i] *= 8; // beyond ReLU6's bound
                    }
                    float[] want = new float[len];
                    scalar.add(in, addend, len, act, want);
                    float[] got = new float[len];
                    vector.add(in, addend, len, act, got);
                    assertClose(want, got, len, "add " + map + " " + act);
                    for (Parallel par : new Parallel[] {Parallel.SERIAL, two}) {
                        PreparedAdd prepared = (PreparedAdd) vector.prepare(l.withActivation(act), null, null, act);
                        float[] out = new float[len + 5];
                        prepared.run(in, addend, n, out, par);
                        assertClose(want, out, len, "prepared add " + map + " " + act + " on " + par.threads());
                        assertEquals(0f, out[len], "writes only n images");
                        float[] inPlace = in.clone();
                        prepared.run(inPlace, addend, n, inPlace, par);
                        assertClose(want, inPlace, len, "add in place " + map + " " + act);
                    }
                }
            }
        }
    }

    @Test
    void vectorWidthIsAPowerOfTwo() {
        int l = VectorKernels.lanes();
        assertTrue(l >= 1 && Integer.bitCount(l) == 1, "lanes " + l);
    }
}
