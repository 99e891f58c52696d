package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.Pads;

class ScalarKernelsTest {
    private final Kernels k = new ScalarKernels();

    private static float[] range(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    @Test
    void convWithOnesKernelSumsTheWindowIncludingZeroPadding() {
        // 3x3 input 1..9, one channel, 3x3 kernel of ones, pad 1: each output is its window's sum.
        ConvShape s = new ConvShape(3, 3, 1, 1, 3, 1, new Pads(1, 1, 1, 1));
        float[] out = new float[9];
        k.conv(range(9), 1, s, ones(9), null, Activation.NONE, out);
        assertArrayEquals(new float[] {12, 21, 16, 27, 45, 33, 24, 39, 28}, out);
    }

    @Test
    void strideTwoWithTensorFlowSamePadsOnlyBottomAndRight() {
        // 4x4 input 1..16, stride 2, pads (0, 0, 1, 1): windows start at rows/cols 0 and 2.
        ConvShape s = new ConvShape(4, 4, 1, 1, 3, 2, new Pads(0, 0, 1, 1));
        float[] out = new float[4];
        k.depthwise(range(16), 1, s, ones(9), null, Activation.NONE, out);
        assertArrayEquals(new float[] {54, 45, 72, 54}, out);
        k.conv(range(16), 1, s, ones(9), new float[] {-50}, Activation.RELU, out);
        assertArrayEquals(new float[] {4, 0, 22, 4}, out);
    }

    @Test
    void relu6ClampsToZeroAndSix() {
        float[] out = new float[4];
        k.pointwise(new float[] {-3, 2, 5, 9}, 4, 1, 1, new float[] {1}, null, Activation.RELU6, out);
        assertArrayEquals(new float[] {0, 2, 5, 6}, out);
    }

    @Test
    void pointwiseIsAMatrixProductPlusBias() {
        // two pixels, 2 -> 3 channels; weights [Cin, Cout].
        float[] in = {1, 2, 3, 4};
        float[] w = {1, 0, -1, 0, 1, 2};
        float[] out = new float[6];
        k.pointwise(in, 2, 2, 3, w, new float[] {10, 20, 30}, Activation.NONE, out);
        assertArrayEquals(new float[] {11, 22, 33, 13, 24, 35}, out);
    }

    @Test
    void averagePoolAndSoftmaxByHand() {
        float[] pooled = new float[2];
        k.averagePool(new float[] {1, 10, 3, 20, 5, 30, 7, 40}, 1, 2, 2, 2, pooled);
        assertArrayEquals(new float[] {4, 25}, pooled);
        float[] p = new float[3];
        k.softmax(new float[] {0, (float) Math.log(2), (float) Math.log(3)}, 1, 3, p);
        assertArrayEquals(new float[] {1 / 6f, 2 / 6f, 3 / 6f}, p, 1e-6f);
    }

    @Test
    void fullyConnectedMatchesPointwiseOnOnePixel() {
        float[] out = new float[2];
        k.fullyConnected(new float[] {1, 2, 3}, 1, 3, 2, new float[] {1, 2, 3, 4, 5, 6}, new float[] {0.5f, -0.5f}, out);
        assertArrayEquals(new float[] {22.5f, 27.5f}, out);
    }

    @Test
    void depthwiseEqualsAStandardConvWithBlockDiagonalWeights() {
        SplittableRandom r = new SplittableRandom(7);
        for (int stride = 1; stride <= 2; stride++) {
            ConvShape s = new ConvShape(7, 5, 3, 3, 3, stride, new Pads(0, 1, 2, 1));
            float[] in = random(r, 2 * s.inSize());
            float[] dw = random(r, 9 * 3);
            float[] full = new float[9 * 3 * 3];
            for (int t = 0; t < 9; t++) {
                for (int c = 0; c < 3; c++) {
                    full[(t * 3 + c) * 3 + c] = dw[t * 3 + c];
                }
            }
            float[] bias = random(r, 3);
            float[] a = new float[2 * s.outSize()];
            float[] b = new float[2 * s.outSize()];
            k.depthwise(in, 2, s, dw, bias, Activation.RELU6, a);
            k.conv(in, 2, s, full, bias, Activation.RELU6, b);
            assertArrayEquals(b, a, 1e-5f);
        }
    }

    @Test
    void separable6x6x3To4x4x5EqualsTheFactorizedStandardConv() {
        // A depthwise conv followed by a pointwise conv is a standard conv with weights dw[k,c] * pw[c,o].
        SplittableRandom r = new SplittableRandom(11);
        ConvShape full = new ConvShape(6, 6, 3, 5, 3, 1, Pads.NONE);
        ConvShape dwShape = new ConvShape(6, 6, 3, 3, 3, 1, Pads.NONE);
        float[] in = random(r, full.inSize());
        float[] dw = random(r, 9 * 3);
        float[] pw = random(r, 3 * 5);
        float[] wFull = new float[9 * 3 * 5];
        for (int t = 0; t < 9; t++) {
            for (int c = 0; c < 3; c++) {
                for (int o = 0; o < 5; o++) {
                    wFull[(t * 3 + c) * 5 + o] = dw[t * 3 + c] * pw[c * 5 + o];
                }
            }
        }
        float[] mid = new float[dwShape.outSize()];
        float[] sep = new float[full.outSize()];
        float[] ref = new float[full.outSize()];
        k.depthwise(in, 1, dwShape, dw, null, Activation.NONE, mid);
        k.pointwise(mid, 16, 3, 5, pw, null, Activation.NONE, sep);
        k.conv(in, 1, full, wFull, null, Activation.NONE, ref);
        assertEquals(80, sep.length);
        assertArrayEquals(ref, sep, 1e-5f);
    }

    static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
