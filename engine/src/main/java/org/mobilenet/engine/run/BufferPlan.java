package org.mobilenet.engine.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedAdd;
import org.mobilenet.engine.kernels.PreparedLayer;

/**
 * Which activation buffer each layer of a chain with residual adds writes, computed once when a
 * network is compiled. A layer's output lives until the last layer that reads it: the next layer,
 * and for an output that a residual add names, that add (MobileNet v2 keeps each block's input
 * until the block's add). Layers are assigned in order to a free buffer (one whose value nobody
 * reads any more), best fit by size, or a new one: a plain chain (v1) gets the two ping-pong
 * buffers it always had, an inverted residual block three. Sizes are per image; a network
 * allocates {@code n} times them for a batch of {@code n}.
 *
 * <p>A layer never writes a buffer it reads: the kernels read their input while they write.
 */
final class BufferPlan {
    /** The layer reads the network's (or the image-by-image prefix's) input, not a buffer. */
    static final int INPUT = -1;
    /** The layer has no second input. */
    static final int NONE = -2;

    private final List<LayerSpec> layers;
    /** Per layer: the buffer it writes. */
    private final int[] out;
    /** Per layer: the buffer of its addend (an ADD's second input), or {@link #NONE}. */
    private final int[] addend;
    /** Per buffer: the largest per-image output assigned to it, in floats. */
    private final long[] sizes;

    private BufferPlan(List<LayerSpec> layers, int[] out, int[] addend, long[] sizes) {
        this.layers = layers;
        this.out = out;
        this.addend = addend;
        this.sizes = sizes;
    }

    /**
     * The plan for {@code layers}, the first reading the input; every add must name one of these
     * layers, and the last layer's output stays until the end.
     */
    static BufferPlan of(List<LayerSpec> layers) {
        int count = layers.size();
        int[] lastUse = new int[count];
        int[] addendLayer = new int[count];
        Arrays.fill(addendLayer, -1);
        for (int i = 0; i < count; i++) {
            lastUse[i] = i + 1 < count ? i + 1 : count;
            LayerSpec l = layers.get(i);
            if (l.addend() != null) { // an add's, or a squeeze-and-excite scaling's map
                int a = indexBefore(layers, l.addend(), i);
                addendLayer[i] = a;
                lastUse[a] = Math.max(lastUse[a], i);
            }
        }
        int[] out = new int[count];
        int[] addend = new int[count];
        List<long[]> buffers = new ArrayList<>(); // {size, layer whose output it holds}
        for (int i = 0; i < count; i++) {
            long need = layers.get(i).out().size();
            int best = -1;
            for (int b = 0; b < buffers.size(); b++) {
                long[] buf = buffers.get(b);
                if (lastUse[(int) buf[1]] >= i) {
                    continue; // still read by layer i or later
                }
                if (best < 0 || better(buf[0], buffers.get(best)[0], need)) {
                    best = b;
                }
            }
            if (best < 0) {
                buffers.add(new long[] {need, i});
                best = buffers.size() - 1;
            } else {
                long[] buf = buffers.get(best);
                buf[0] = Math.max(buf[0], need);
                buf[1] = i;
            }
            out[i] = best;
            addend[i] = addendLayer[i] < 0 ? NONE : out[addendLayer[i]];
        }
        long[] sizes = new long[buffers.size()];
        for (int b = 0; b < sizes.length; b++) {
            sizes[b] = buffers.get(b)[0];
        }
        return new BufferPlan(List.copyOf(layers), out, addend, sizes);
    }

    /** Best fit: the smallest buffer that holds {@code need}, else the largest (it grows least). */
    private static boolean better(long candidate, long current, long need) {
        boolean fits = candidate >= need;
        boolean currentFits = current >= need;
        if (fits != currentFits) {
            return fits;
        }
        return fits ? candidate < current : candidate > current;
    }

    private static int indexBefore(List<LayerSpec> layers, String name, int before) {
        for (int j = before - 1; j >= 0; j--) {
            if (layers.get(j).name().equals(name)) {
                return j;
            }
        }
        throw new IllegalArgumentException(layers.get(before).name() + " adds '" + name
                + "', which is not an earlier layer of this part of the network");
    }

    /** Number of buffers. */
    int buffers() {
        return sizes.length;
    }

    /** Per-image floats of buffer {@code b}. */
    long size(int b) {
        return sizes[b];
    }

    /** The buffer layer {@code i} writes. */
    int out(int i) {
        return out[i];
    }

    /** The buffer holding layer {@code i}'s addend, or {@link #NONE}. */
    int addend(int i) {
        return addend[i];
    }

    /** The buffer layer {@code i} reads, or {@link #INPUT} for the first. */
    int in(int i) {
        return i == 0 ? INPUT : out[i - 1];
    }

    /** Per-image floats of the last layer's output. */
    long outputSize() {
        return layers.get(layers.size() - 1).out().size();
    }

    /** Per-image floats of all buffers together. */
    long totalSize() {
        long t = 0;
        for (long s : sizes) {
            t += s;
        }
        return t;
    }

    /** The largest buffer, per image. */
    long maxSize() {
        long m = 0;
        for (long s : sizes) {
            m = Math.max(m, s);
        }
        return m;
    }

    /** Buffers for a batch of {@code n}. */
    float[][] allocate(int n) {
        float[][] b = new float[sizes.length][];
        for (int i = 0; i < b.length; i++) {
            b[i] = new float[Math.toIntExact(sizes[i] * n)];
        }
        return b;
    }

    /** The buffer holding the output of layer {@code i} after a run. */
    float[] output(float[][] buffers, int i) {
        return buffers[out[i]];
    }

    /**
     * Runs {@code steps[from .. layers)} (prepared from this plan's layers) on a batch of {@code n}:
     * layer {@code from} reads {@code input} when it is the first layer, else the buffer of the layer
     * before it. observer (may be null) sees each output; lap (may be null) receives each layer's
     * nanoseconds. Returns the buffer holding the last layer's output.
     */
    float[] run(PreparedLayer[] steps, int from, float[] input, float[][] buffers, int n, Parallel parallel,
            LayerObserver observer, long[] lap) {
        long t0 = lap == null ? 0 : System.nanoTime();
        float[] result = input;
        for (int i = from; i < steps.length; i++) {
            int src = in(i);
            float[] cur = src == INPUT ? input : buffers[src];
            float[] dst = buffers[out[i]];
            if (addend[i] == NONE) {
                steps[i].run(cur, n, dst, parallel);
            } else {
                ((PreparedAdd) steps[i]).run(cur, buffers[addend[i]], n, dst, parallel);
            }
            if (lap != null) {
                long t1 = System.nanoTime();
                lap[i] = t1 - t0;
                t0 = t1;
            }
            if (observer != null) {
                observer.onLayer(layers.get(i), dst, n);
            }
            result = dst;
        }
        return result;
    }
}
