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
        return images(batch, h, w, 3);
    }

    /** Seeded pixels in [-1, 1), NHWC {@code [batch, h, w, channels]} (3, or 1 for a gray model). */
    static float[] images(int batch, int h, int w, int channels) {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] v = new float[batch * h * w * channels];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
