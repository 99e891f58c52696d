package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.mobilenet.engine.arch.Activation;

/**
 * The residual add with the Vector API: {@code out = act(in + addend)} over whole arrays, cut into
 * chunks of {@link #CHUNK} values that the workers share (an add streams three arrays through
 * memory and does one addition per value, so it only needs to be split when large). Allocation-free;
 * not thread-safe: one caller at a time.
 */
final class VectorAdd implements PreparedAdd, RangeTask {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;
    /** Values per work item: 16k floats, 64 KiB per array. */
    static final int CHUNK = 16 * 1024;

    private final int size;
    private final float lo;
    private final float hi;
    private float[] in;
    private float[] addend;
    private float[] out;
    private int len;

    /** size: values per image. */
    VectorAdd(int size, Activation act) {
        this.size = size;
        this.lo = VectorGemm.low(act);
        this.hi = VectorGemm.high(act);
    }

    @Override
    public void run(float[] in, float[] addend, int n, float[] out, Parallel parallel) {
        this.in = in;
        this.addend = addend;
        this.out = out;
        this.len = n * size;
        parallel.run((len + CHUNK - 1) / CHUNK, this);
        this.in = null;
        this.addend = null;
        this.out = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        add(in, addend, from * CHUNK, Math.min(len, to * CHUNK), lo, hi, out);
    }

    /** out[i] = clamp(in[i] + addend[i], lo, hi) for i in [from, to). */
    static void add(float[] in, float[] addend, int from, int to, float lo, float hi, float[] out) {
        int i = from;
        for (int end = from + (to - from) / L * L; i < end; i += L) {
            FloatVector.fromArray(S, in, i).add(FloatVector.fromArray(S, addend, i)).max(lo).min(hi).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = Math.min(Math.max(in[i] + addend[i], lo), hi);
        }
    }
}
