package org.mobilenet.engine.run;

import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;
import org.mobilenet.engine.kernels.RangeTask;

/**
 * Runs the leading layers of a network (see {@link PerImagePrefix}) over a batch one image at a
 * time, in per-image buffers that stay in cache. With several threads, whole images go to
 * different workers, each with its own copy of the prepared layers and its own buffers, so no
 * layer waits for another thread; images left over when the batch does not divide evenly run one
 * after another with each layer split over all threads. input {@code [n, R, R, 3]} -> out
 * {@code [n, last layer's output]}. Not thread-safe: one caller at a time.
 */
final class ImageByImage implements RangeTask {
    /** {@code [worker][layer]}: each worker's prepared copies of the leading layers. */
    private final PreparedLayer[][] layers;
    private final int inSize;
    private final int outSize;
    private final int maxSize;
    private final float[][] bufA;
    private final float[][] bufB;

    private float[] input;
    private float[] out;

    /**
     * layers: per worker, the prepared leading layers; inSize, outSize: per-image values entering
     * the first and leaving the last; maxSize: the largest per-image activation among them.
     */
    ImageByImage(PreparedLayer[][] layers, int inSize, int outSize, int maxSize) {
        this.layers = layers;
        this.inSize = inSize;
        this.outSize = outSize;
        this.maxSize = maxSize;
        this.bufA = new float[layers.length][];
        this.bufB = new float[layers.length][];
    }

    void run(float[] input, int n, float[] out, Parallel parallel) {
        int threads = Math.min(parallel.threads(), layers.length);
        for (int w = 0; w < threads; w++) {
            if (bufA[w] == null) {
                bufA[w] = new float[maxSize];
                bufB[w] = new float[maxSize];
            }
        }
        int whole = n - n % threads;
        this.input = input;
        this.out = out;
        if (threads > 1 && whole > 0) {
            parallel.run(whole, this);
        } else {
            whole = 0;
        }
        for (int b = whole; b < n; b++) {
            image(b, 0, parallel);
        }
        this.input = null;
        this.out = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        for (int b = from; b < to; b++) {
            image(b, worker, Parallel.SERIAL);
        }
    }

    private void image(int b, int worker, Parallel parallel) {
        float[] cur = bufA[worker];
        float[] next = bufB[worker];
        System.arraycopy(input, b * inSize, cur, 0, inSize);
        for (PreparedLayer layer : layers[worker]) {
            layer.run(cur, 1, next, parallel);
            float[] t = cur;
            cur = next;
            next = t;
        }
        System.arraycopy(cur, 0, out, b * outSize, outSize);
    }
}
