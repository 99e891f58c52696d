package org.mobilenet.engine.shrink;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Picks which output channels of a layer to keep, returned in ascending order. */
final class ChannelSelection {
    private ChannelSelection() {
    }

    /**
     * The {@code keep} channels with the highest score. weights {@code [Cout, per]} (row-major, one
     * row per output channel); ties keep the lower index.
     */
    static int[] select(float[] weights, int cout, int keep, Criterion criterion, SplittableRandom rnd) {
        if (keep > cout || keep < 1) {
            throw new IllegalArgumentException("cannot keep " + keep + " of " + cout + " channels");
        }
        int per = weights.length / cout;
        double[] score = new double[cout];
        for (int o = 0; o < cout; o++) {
            double s = 0;
            for (int i = 0; i < per; i++) {
                double w = weights[o * per + i];
                s += criterion == Criterion.L2 ? w * w : Math.abs(w);
            }
            score[o] = criterion == Criterion.RANDOM ? rnd.nextDouble() : s;
        }
        int[] kept = IntStream.range(0, cout).boxed()
                .sorted(Comparator.<Integer>comparingDouble(o -> -score[o]).thenComparingInt(o -> o))
                .limit(keep).mapToInt(Integer::intValue).toArray();
        Arrays.sort(kept);
        return kept;
    }

    /** All channels 0..n-1. */
    static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }
}
