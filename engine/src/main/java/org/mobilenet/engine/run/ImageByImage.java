package org.mobilenet.engine.run;

import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;
import org.mobilenet.engine.kernels.RangeTask;

/**
 * Runs the leading layers of a network (see {@link PerImagePrefix}) over a batch one image at a
 * time, in per-image buffers that stay in cache. With several threads, whole images go to
 * different workers, each with its own copy of the prepared layers and its own buffers, so no
 * layer waits for another thread; images left over when the batch does not divide evenly run one
 * after another with each layer split over all threads. Residual adds among the leading layers
 * work as in the whole network: each worker's buffers follow the same kind of {@link BufferPlan}.
 * input {@code [n, H, W, 3]} -> out {@code [n, last layer's output]}. Not thread-safe: one caller
 * at a time.
 */
final class ImageByImage implements RangeTask {
    /** {@code [worker][layer]}: each worker's prepared copies of the leading layers. */
    private final PreparedLayer[][] layers;
    /** The buffers of the leading layers, for one image. */
    private final BufferPlan plan;
    private final int inSize;
    private final int outSize;
    /** {@code [worker]}: one image of input, and the plan's buffers for one image. */
    private final float[][] images;
    private final float[][][] buffers;

    private float[] input;
    private float[] out;

    /**
     * layers: per worker, the prepared leading layers; plan: their buffers (per image); inSize: the
     * per-image values entering the first.
     */
    ImageByImage(PreparedLayer[][] layers, BufferPlan plan, int inSize) {
        this.layers = layers;
        this.plan = plan;
        this.inSize = inSize;
        this.outSize = (int) plan.outputSize();
        this.images = new float[layers.length][];
        this.buffers = new float[layers.length][][];
    }

    void run(float[] input, int n, float[] out, Parallel parallel) {
        int threads = Math.min(parallel.threads(), layers.length);
        for (int w = 0; w < threads; w++) {
            if (images[w] == null) {
                images[w] = new float[inSize];
                buffers[w] = plan.allocate(1);
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
        float[] image = images[worker];
        System.arraycopy(input, b * inSize, image, 0, inSize);
        float[] result = plan.run(layers[worker], 0, image, buffers[worker], 1, parallel, null, null);
        System.arraycopy(result, 0, out, b * outSize, outSize);
    }
}
