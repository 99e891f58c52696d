package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.mobilenet.engine.arch.Activation;

/**
 * Depthwise convolution vectorized over channels, bias and activation fused. in
 * {@code [n, inH, inW, C]}, weights {@code [k, k, C]}, out {@code [n, outH, outW, C]}.
 *
 * <p>Each work item is one output row. For 3x3 windows that lie wholly inside the input (the
 * interior) the nine weight vectors of a channel block stay in registers while the row is swept
 * without padding checks ({@link #sweepPairs} for stride 1, {@link #sweep} for any other stride);
 * border pixels (padding, any stride, any kernel size) take a checked path. Channels past the last
 * whole vector are done in scalar code, except at stride 1, where the interior is one flat run of
 * floats that {@link Depthwise3x3Flat} sweeps in whole vectors whatever the channel count. Not
 * thread-safe: one caller at a time.
 */
public final class VectorDepthwise implements RangeTask {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;

    private final ConvShape s;
    private final int c;
    private final int cVec;
    private final int oh;
    private final int ow;
    private final float[] w;
    private final float[] bias;
    private final float lo;
    private final float hi;
    /** Weights and bias tiled for {@link Depthwise3x3Flat}, or null when it does not apply. */
    private final float[] flatW;
    private final float[] flatBias;
    /** Weights and bias tiled for {@link Depthwise3x3Flat#sweepAny}, or null when it does not apply. */
    private final float[] anyW;
    private final float[] anyBias;
    /** Interior output columns [oxLo, oxHi) for 3x3 windows. */
    private final int oxLo;
    private final int oxHi;

    private float[] in;
    private float[] out;

    public ConvShape shape() {
        return s;
    }

    public VectorDepthwise(ConvShape s, float[] weights, float[] bias, Activation act) {
        if (s.inC() != s.outC()) {
            throw new IllegalArgumentException("depthwise conv keeps its channels: " + s);
        }
        if (weights.length != s.kernel() * s.kernel() * s.inC() || (bias != null && bias.length != s.inC())) {
            throw new IllegalArgumentException("depthwise weights for " + s + " have the wrong size");
        }
        this.s = s;
        this.c = s.inC();
        this.cVec = c / L * L;
        this.oh = s.outH();
        this.ow = s.outW();
        this.w = weights.clone();
        this.bias = bias == null ? new float[c] : bias.clone();
        this.lo = VectorGemm.low(act);
        this.hi = VectorGemm.high(act);
        int st = s.stride();
        int pl = s.pads().left();
        int lo3 = (pl + st - 1) / st;
        int last = s.inW() - 3 + pl; // ox * st <= last
        int hi3 = last < 0 ? 0 : Math.min(ow, last / st + 1);
        this.oxLo = Math.min(lo3, ow);
        this.oxHi = Math.max(oxLo, hi3);
        boolean flat = Depthwise3x3Flat.applies(c, s.kernel(), st);
        this.flatW = flat ? Depthwise3x3Flat.tile(w, 9, c) : null;
        this.flatBias = flat ? Depthwise3x3Flat.tile(this.bias, 1, c) : null;
        boolean any = Depthwise3x3Flat.appliesAny(c, s.kernel(), st);
        this.anyW = any ? Depthwise3x3Flat.tileAny(w, 9, c) : null;
        this.anyBias = any ? Depthwise3x3Flat.tileAny(this.bias, 1, c) : null;
    }

    /** in {@code [n, inH, inW, C]} -> out {@code [n, outH, outW, C]}. */
    public void run(float[] in, int n, float[] out, Parallel parallel) {
        this.in = in;
        this.out = out;
        parallel.run(n * oh, this);
        this.in = null;
        this.out = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        for (int row = from; row < to; row++) {
            int b = row / oh;
            int oy = row % oh;
            int iy0 = oy * s.stride() - s.pads().top();
            if (s.kernel() == 3 && iy0 >= 0 && iy0 + 3 <= s.inH() && oxLo < oxHi) {
                border(b, oy, 0, oxLo);
                interior3(b, oy, iy0);
                border(b, oy, oxHi, ow);
            } else {
                border(b, oy, 0, ow);
            }
        }
    }

    private void interior3(int b, int oy, int iy0) {
        final float[] in = this.in;
        final float[] out = this.out;
        final int c = this.c;
        final int st = s.stride();
        final int rs = s.inW() * c;
        final int inRow = ((b * s.inH() + iy0) * s.inW() - s.pads().left()) * c;
        final int outRow = (b * oh + oy) * ow * c;
        if (anyW != null
                && Depthwise3x3Flat.sweepAny(in, inRow, rs, c, anyW, anyBias, lo, hi, out, outRow, oxLo, oxHi) == oxHi) {
            return; // every channel of the interior, none left to the scalar loop below
        }
        if (st == 1 && oxHi - oxLo >= 2) {
            sweepPairs(in, inRow, rs, c, cVec, w, bias, lo, hi, out, outRow, oxLo, oxHi);
        } else {
            sweep(in, inRow, rs, c, cVec, st, w, bias, lo, hi, out, outRow, oxLo, oxHi);
        }
        // Few channels (then cVec is 0): whole vectors of neighbouring pixels, the rest below in scalar code.
        final int oxTail = flatW != null
                ? Depthwise3x3Flat.sweep(in, inRow, rs, c, flatW, flatBias, lo, hi, out, outRow, oxLo, oxHi)
                : oxLo;
        for (int ch = cVec; ch < c; ch++) {
            for (int ox = oxTail; ox < oxHi; ox++) {
                int p = inRow + ox * st * c + ch;
                float acc = bias[ch];
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        acc += in[p + ky * rs + kx * c] * w[(ky * 3 + kx) * c + ch];
                    }
                }
                out[outRow + ox * c + ch] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }

    /**
     * The interior {@code [oxLo, oxHi)} of one output row, channels {@code [0, cVec)}: for each
     * channel vector its nine weights and bias stay in registers while the row is swept one pixel
     * at a time, nine loads and nine FMAs in three chains. Any stride (stride 1 takes
     * {@link #sweepPairs}). inRow: the offset of input pixel (row iy0, column -padLeft), channel 0;
     * rs: floats per input row; outRow: the offset of output pixel (row, column 0).
     *
     * <p>Small loops, not pixels in groups of four sharing their loads with one method per stride as
     * before the eighth session: on its Xeon those were no faster in the network and cost the JIT
     * about twice the work of these two, which every cold command pays for.
     */
    private static void sweep(float[] in, int inRow, int rs, int c, int cVec, int st, float[] w, float[] bias,
                              float lo, float hi, float[] out, int outRow, int oxLo, int oxHi) {
        int step = st * c;
        for (int cb = 0; cb < cVec; cb += L) {
            FloatVector w0 = FloatVector.fromArray(S, w, cb);
            FloatVector w1 = FloatVector.fromArray(S, w, c + cb);
            FloatVector w2 = FloatVector.fromArray(S, w, 2 * c + cb);
            FloatVector w3 = FloatVector.fromArray(S, w, 3 * c + cb);
            FloatVector w4 = FloatVector.fromArray(S, w, 4 * c + cb);
            FloatVector w5 = FloatVector.fromArray(S, w, 5 * c + cb);
            FloatVector w6 = FloatVector.fromArray(S, w, 6 * c + cb);
            FloatVector w7 = FloatVector.fromArray(S, w, 7 * c + cb);
            FloatVector w8 = FloatVector.fromArray(S, w, 8 * c + cb);
            FloatVector bv = FloatVector.fromArray(S, bias, cb);
            int p = inRow + oxLo * step + cb;
            int o = outRow + oxLo * c + cb;
            for (int ox = oxLo; ox < oxHi; ox++, p += step, o += c) {
                FloatVector a = FloatVector.fromArray(S, in, p).fma(w0, bv);
                FloatVector m = FloatVector.fromArray(S, in, p + rs).mul(w3);
                FloatVector z = FloatVector.fromArray(S, in, p + 2 * rs).mul(w6);
                a = FloatVector.fromArray(S, in, p + c).fma(w1, a);
                m = FloatVector.fromArray(S, in, p + rs + c).fma(w4, m);
                z = FloatVector.fromArray(S, in, p + 2 * rs + c).fma(w7, z);
                a = FloatVector.fromArray(S, in, p + 2 * c).fma(w2, a);
                m = FloatVector.fromArray(S, in, p + rs + 2 * c).fma(w5, m);
                z = FloatVector.fromArray(S, in, p + 2 * rs + 2 * c).fma(w8, z);
                a.add(m).add(z).max(lo).min(hi).intoArray(out, o);
            }
        }
    }

    /**
     * {@link #sweep} for stride 1, two pixels a step: neighbouring windows share two of their three
     * columns, so each row takes four loads for two pixels instead of six. At least two pixels; with
     * an odd count the last pair overlaps the one before (one pixel computed twice, the same value).
     * In the network on the eighth session's Xeon the depthwise layers took 0.28-0.31 ms an image
     * this way against 0.34 one pixel at a time (0.31 with the four-pixel groups that came before).
     * Its weight loads repeat {@link #sweep}'s on purpose: vectors handed between methods C2 may box.
     */
    private static void sweepPairs(float[] in, int inRow, int rs, int c, int cVec, float[] w, float[] bias,
                                   float lo, float hi, float[] out, int outRow, int oxLo, int oxHi) {
        for (int cb = 0; cb < cVec; cb += L) {
            FloatVector w0 = FloatVector.fromArray(S, w, cb);
            FloatVector w1 = FloatVector.fromArray(S, w, c + cb);
            FloatVector w2 = FloatVector.fromArray(S, w, 2 * c + cb);
            FloatVector w3 = FloatVector.fromArray(S, w, 3 * c + cb);
            FloatVector w4 = FloatVector.fromArray(S, w, 4 * c + cb);
            FloatVector w5 = FloatVector.fromArray(S, w, 5 * c + cb);
            FloatVector w6 = FloatVector.fromArray(S, w, 6 * c + cb);
            FloatVector w7 = FloatVector.fromArray(S, w, 7 * c + cb);
            FloatVector w8 = FloatVector.fromArray(S, w, 8 * c + cb);
            FloatVector bv = FloatVector.fromArray(S, bias, cb);
            for (int ox = oxLo; ox < oxHi; ox += 2) {
                int x = Math.min(ox, oxHi - 2); // an odd count: the last pair overlaps the one before
                int p = inRow + x * c + cb;
                int o = outRow + x * c + cb;
                FloatVector x0 = FloatVector.fromArray(S, in, p);
                FloatVector x1 = FloatVector.fromArray(S, in, p + c);
                FloatVector x2 = FloatVector.fromArray(S, in, p + 2 * c);
                FloatVector x3 = FloatVector.fromArray(S, in, p + 3 * c);
                FloatVector a0 = x0.fma(w0, bv);
                FloatVector a1 = x1.fma(w0, bv);
                a0 = x1.fma(w1, a0);
                a1 = x2.fma(w1, a1);
                a0 = x2.fma(w2, a0);
                a1 = x3.fma(w2, a1);
                int q = p + rs;
                x0 = FloatVector.fromArray(S, in, q);
                x1 = FloatVector.fromArray(S, in, q + c);
                x2 = FloatVector.fromArray(S, in, q + 2 * c);
                x3 = FloatVector.fromArray(S, in, q + 3 * c);
                FloatVector m0 = x0.mul(w3);
                FloatVector m1 = x1.mul(w3);
                m0 = x1.fma(w4, m0);
                m1 = x2.fma(w4, m1);
                m0 = x2.fma(w5, m0);
                m1 = x3.fma(w5, m1);
                q += rs;
                x0 = FloatVector.fromArray(S, in, q);
                x1 = FloatVector.fromArray(S, in, q + c);
                x2 = FloatVector.fromArray(S, in, q + 2 * c);
                x3 = FloatVector.fromArray(S, in, q + 3 * c);
                FloatVector z0 = x0.mul(w6);
                FloatVector z1 = x1.mul(w6);
                z0 = x1.fma(w7, z0);
                z1 = x2.fma(w7, z1);
                z0 = x2.fma(w8, z0);
                z1 = x3.fma(w8, z1);
                a0.add(m0).add(z0).max(lo).min(hi).intoArray(out, o);
                a1.add(m1).add(z1).max(lo).min(hi).intoArray(out, o + c);
            }
        }
    }

    /** Output pixels [oxFrom, oxTo) of one row with every tap bounds-checked; any kernel size. */
    private void border(int b, int oy, int oxFrom, int oxTo) {
        final float[] in = this.in;
        final float[] out = this.out;
        final int k = s.kernel();
        final int c = this.c;
        for (int ox = oxFrom; ox < oxTo; ox++) {
            int outBase = ((b * oh + oy) * ow + ox) * c;
            int iy0 = oy * s.stride() - s.pads().top();
            int ix0 = ox * s.stride() - s.pads().left();
            // Accumulates in out itself: no vector is carried around a loop, so nothing is boxed.
            for (int cb = 0; cb < cVec; cb += L) {
                FloatVector.fromArray(S, bias, cb).intoArray(out, outBase + cb);
            }
            for (int ky = 0; ky < k; ky++) {
                int iy = iy0 + ky;
                if (iy < 0 || iy >= s.inH()) {
                    continue;
                }
                for (int kx = 0; kx < k; kx++) {
                    int ix = ix0 + kx;
                    if (ix < 0 || ix >= s.inW()) {
                        continue;
                    }
                    int inBase = ((b * s.inH() + iy) * s.inW() + ix) * c;
                    int wBase = (ky * k + kx) * c;
                    for (int cb = 0; cb < cVec; cb += L) {
                        FloatVector.fromArray(S, in, inBase + cb)
                                .fma(FloatVector.fromArray(S, w, wBase + cb), FloatVector.fromArray(S, out, outBase + cb))
                                .intoArray(out, outBase + cb);
                    }
                }
            }
            for (int cb = 0; cb < cVec; cb += L) {
                FloatVector.fromArray(S, out, outBase + cb).max(lo).min(hi).intoArray(out, outBase + cb);
            }
            if (cVec < c) {
                // The channels past the last whole vector (all of them when there are fewer than a
                // vector's lanes), tap by tap with the channels inner: the window's bounds and
                // offsets once per tap, not once per channel and tap. Same sums in the same order.
                System.arraycopy(bias, cVec, out, outBase + cVec, c - cVec);
                for (int ky = 0; ky < k; ky++) {
                    int iy = iy0 + ky;
                    if (iy < 0 || iy >= s.inH()) {
                        continue;
                    }
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ix0 + kx;
                        if (ix < 0 || ix >= s.inW()) {
                            continue;
                        }
                        int inBase = ((b * s.inH() + iy) * s.inW() + ix) * c;
                        int wBase = (ky * k + kx) * c;
                        for (int ch = cVec; ch < c; ch++) {
                            out[outBase + ch] += in[inBase + ch] * w[wBase + ch];
                        }
                    }
                }
                for (int ch = cVec; ch < c; ch++) {
                    out[outBase + ch] = Math.min(Math.max(out[outBase + ch], lo), hi);
                }
            }
        }
    }
}
