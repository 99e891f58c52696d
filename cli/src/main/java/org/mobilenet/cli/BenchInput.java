package org.mobilenet.cli;

import java.util.SplittableRandom;

/** The input batch {@code bench} feeds both runtimes, in its own process and in {@code --cold}'s children. */
final class BenchInput {
    private BenchInput() {
    }

    /** Seeded pixels in [-1, 1), NHWC {@code [batch, r, r, 3]}. */
    static float[] images(int batch, int r) {
        return images(batch, r, r);
    }

    /** Seeded pixels in [-1, 1), NHWC {@code [batch, h, w, 3]}. */
    static float[] images(int batch, int h, int w) {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] v = new float[batch * h * w * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
