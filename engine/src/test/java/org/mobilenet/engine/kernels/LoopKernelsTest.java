package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

/** The cold-start loop kernels against the scalar reference on odd shapes and asymmetric pads. */
class LoopKernelsTest {
    /** The activations the kernels' epilogues compute (the network applies the others after them). */
    private static final Activation[] CLAMPS = java.util.Arrays.stream(Activation.values()).filter(Activation::clamps)
            .toArray(Activation[]::new);

    private static final Pads[] PADS = {new Pads(1, 1, 1, 1), new Pads(0, 0, 1, 1), new Pads(2, 0, 0, 1), Pads.NONE};

    private final Kernels scalar = new ScalarKernels();
    private final LoopKernels loops = new LoopKernels();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            float tol = 1e-4f * (1 + Math.abs(want[i]));
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new AssertionError(what + ": value " + i + " expected " + want[i] + " but was " + got[i]);
            }
        }
    }

    @Test
    void pointwiseMatchesScalarOnOddSizesAndEveryActivation() {
        for (int pixels : new int[] {1, 7, 35}) {
            for (int inC : new int[] {1, 3, 37}) {
                for (int outC : new int[] {1, 13, 64}) {
                    for (Activation act : CLAMPS) {
                        float[] in = random(pixels * inC, pixels + inC);
                        float[] w = random(inC * outC, outC);
                        float[] b = outC % 2 == 0 ? null : random(outC, 7);
                        float[] want = new float[pixels * outC];
                        float[] got = new float[pixels * outC];
                        scalar.pointwise(in, pixels, inC, outC, w, b, act, want);
                        loops.pointwise(in, pixels, inC, outC, w, b, act, got);
                        assertClose(want, got, "pointwise " + pixels + "x" + inC + "->" + outC + " " + act);
                    }
                }
            }
        }
    }

    @Test
    void depthwiseAndConvMatchScalarForBothStridesAndAsymmetricPads() {
        for (int stride = 1; stride <= 2; stride++) {
            for (Pads pads : PADS) {
                for (int[] hw : new int[][] {{7, 5}, {5, 7}, {3, 3}, {4, 23}}) {
                    for (int c : new int[] {3, 13}) {
                        int n = 2;
                        ConvShape d = new ConvShape(hw[0], hw[1], c, c, 3, stride, pads);
                        float[] in = random(n * d.inSize(), c * 31L + stride);
                        float[] w = random(9 * c, c);
                        float[] b = random(c, 3);
                        float[] want = new float[n * d.outSize()];
                        float[] got = new float[n * d.outSize()];
                        scalar.depthwise(in, n, d, w, b, Activation.RELU6, want);
                        loops.depthwise(in, n, d, w, b, Activation.RELU6, got);
                        assertClose(want, got, "depthwise " + d);

                        ConvShape s = new ConvShape(hw[0], hw[1], c, 11, 3, stride, pads);
                        float[] cw = random(9 * c * 11, c + 1);
                        want = new float[n * s.outSize()];
                        got = new float[n * s.outSize()];
                        scalar.conv(in, n, s, cw, null, Activation.RELU, want);
                        loops.conv(in, n, s, cw, null, Activation.RELU, got);
                        assertClose(want, got, "conv " + s);
                    }
                }
            }
        }
    }

    /**
     * Rows longer than a depthwise chunk (several chunks and a short last one, borders inside the
     * first and last), and a channel count above a chunk's values (one pixel a chunk).
     */
    @Test
    void depthwiseMatchesScalarOnRowsOfSeveralChunksAndOnWideChannels() {
        int[][] cases = {{3, 200, 3}, {4, 61, 16}, {3, 9, 517}};
        for (int[] hwc : cases) {
            for (int stride = 1; stride <= 3; stride++) {
                for (Pads pads : PADS) {
                    ConvShape d = new ConvShape(hwc[0], hwc[1], hwc[2], hwc[2], 3, stride, pads);
                    float[] in = random(2 * d.inSize(), hwc[1] + stride);
                    float[] w = random(9 * hwc[2], hwc[2]);
                    float[] b = random(hwc[2], 5);
                    float[] want = new float[2 * d.outSize()];
                    float[] got = new float[2 * d.outSize()];
                    scalar.depthwise(in, 2, d, w, b, Activation.NONE, want);
                    loops.depthwise(in, 2, d, w, b, Activation.NONE, got);
                    assertClose(want, got, "depthwise " + d);
                }
            }
        }
    }

    /**
     * Convolution rows of four-pixel groups and the pixels by the borders and row ends: every row
     * width from 3 to 20 (each remainder of four), strides 1 to 3, kernels 1 to 7 and pads on either
     * side, so that a group whose last tap falls just outside the row is caught.
     */
    @Test
    void convMatchesScalarOnEveryRowWidthStrideKernelAndPad() {
        Pads[] pads = {Pads.NONE, new Pads(1, 1, 1, 1), new Pads(0, 0, 0, 2), new Pads(1, 0, 2, 0), new Pads(0, 1, 3, 1)};
        for (int k = 1; k <= 7; k += 2) {
            for (int width = 3; width <= 20; width++) {
                for (int stride = 1; stride <= 3; stride++) {
                    for (Pads p : pads) {
                        if (width + p.left() + p.right() < k) {
                            continue;
                        }
                        ConvShape s = new ConvShape(7, width, 3, 5, k, stride, p);
                        float[] in = random(s.inSize(), width * 7L + stride);
                        float[] w = random(k * k * 3 * 5, k);
                        float[] b = random(5, 4);
                        float[] want = new float[s.outSize()];
                        float[] got = new float[s.outSize()];
                        scalar.conv(in, 1, s, w, b, Activation.RELU6, want);
                        loops.conv(in, 1, s, w, b, Activation.RELU6, got);
                        assertClose(want, got, "conv " + s);
                    }
                }
            }
        }
    }

    @Test
    void depthwiseWithAFiveByFiveKernel() {
        ConvShape s = new ConvShape(7, 5, 13, 13, 5, 2, new Pads(2, 1, 2, 2));
        float[] in = random(s.inSize(), 1);
        float[] w = random(25 * 13, 2);
        float[] want = new float[s.outSize()];
        float[] got = new float[s.outSize()];
        scalar.depthwise(in, 1, s, w, null, Activation.NONE, want);
        loops.depthwise(in, 1, s, w, null, Activation.NONE, got);
        assertClose(want, got, "depthwise 5x5");
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
        loops.fullyConnected(in, n, inC, outC, w, b, got);
        assertClose(want, got, "fc");

        float[] map = random(n * 7 * 5 * 13, 4);
        float[] poolWant = new float[n * 13];
        float[] poolGot = new float[n * 13];
        scalar.averagePool(map, n, 7, 5, 13, poolWant);
        loops.averagePool(map, n, 7, 5, 13, poolGot);
        assertClose(poolWant, poolGot, "pool");

        float[] smWant = new float[n * outC];
        scalar.softmax(want, n, outC, smWant);
        loops.softmax(want, n, outC, got);
        assertClose(smWant, got, "softmax");
    }

    @Test
    void residualAddMatchesScalarOnOddSizesAndEveryActivationAlsoPreparedAndInPlace() {
        for (int[] shape : new int[][] {{1, 1, 1}, {1, 3, 5}, {3, 7, 13}, {2, 19, 37}}) {
            Shape map = new Shape(shape[0], shape[1], shape[2]);
            int n = 2;
            int len = (int) (n * map.size());
            for (Activation act : CLAMPS) {
                float[] in = random(len, len);
                float[] addend = random(len, 3L * len);
                for (int i = 0; i < len; i += 2) {
                    in[i] *= 8;
                }
                float[] want = new float[len];
                scalar.add(in, addend, len, act, want);
                float[] got = new float[len];
                loops.add(in, addend, len, act, got);
                assertClose(want, got, "add " + map + " " + act);
                LayerSpec l = LayerSpec.add("blocks.1.add", map, "blocks.0.project").withActivation(act);
                PreparedAdd prepared = (PreparedAdd) loops.prepare(l, null, null, act);
                float[] inPlace = in.clone();
                prepared.run(inPlace, addend, n, inPlace, Parallel.SERIAL);
                assertClose(want, inPlace, "prepared add in place " + map + " " + act);
                PreparedAdd plain = (PreparedAdd) scalar.prepare(l, null, null, act);
                float[] viaPlain = new float[len];
                plain.run(in, addend, n, viaPlain, Parallel.SERIAL);
                assertClose(want, viaPlain, "plain prepared add " + map + " " + act);
            }
        }
    }

    @Test
    void aPreparedFullyConnectedLayerAppliesItsActivation() {
        Shape pooled = new Shape(1, 1, 37);
        Shape logits = new Shape(1, 1, 13);
        float[] in = random(3 * 37, 5);
        float[] w = random(37 * 13, 6);
        float[] b = random(13, 7);
        for (Activation act : CLAMPS) {
            LayerSpec fc = new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, pooled, logits, act, null);
            float[] want = new float[3 * 13];
            scalar.prepare(fc, w, b, act).run(in, 3, want, Parallel.SERIAL);
            float[] got = new float[3 * 13];
            loops.prepare(fc, w, b, act).run(in, 3, got, Parallel.SERIAL);
            assertClose(want, got, "fc " + act);
            float[] vector = new float[3 * 13];
            new VectorKernels().prepare(fc, w, b, act).run(in, 3, vector, Parallel.SERIAL);
            assertClose(want, vector, "vector fc " + act);
            if (act == Activation.RELU) {
                boolean clamped = false;
                for (float v : want) {
                    clamped |= v == 0f;
                }
                org.junit.jupiter.api.Assertions.assertTrue(clamped, "some logits were negative before the ReLU");
            }
        }
    }
}
