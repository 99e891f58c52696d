package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;

/**
 * Standard convolution (the stem, and every block of the conv variant) as a small matrix product
 * with the packed weights, bias and activation fused. Each work item is one output row. Runs of
 * {@link VectorGemm#MR} pixels whose windows lie inside the input read it directly through an
 * offset table ({@link IndirectGemm}); the other pixels (borders, row ends) have their windows
 * gathered into a per-worker scratch block ({@code [MR, k*k*inC]}, zeros for padding) first. in {@code [n, inH, inW, inC]}, weights HWIO
 * {@code [k, k, inC, outC]}, out {@code [n, outH, outW, outC]}. Not thread-safe: one caller at a time.
 */
public final class VectorConv implements RangeTask {
    private final ConvShape s;
    private final int depth;
    private final int oh;
    private final int ow;
    /** Output channels per packed panel: one vector when they all fit one ({@link NarrowGemm}), else two. */
    private final int nr;
    private final int panels;
    private final float[] packed;
    private final float[] bias;
    private final float lo;
    private final float hi;
    /** Offsets of the window's (ky, kx, ic) values from its top-left input value. */
    private final int[] off;
    /** Output columns [oxLo, oxHi) whose windows lie inside the input horizontally. */
    private final int oxLo;
    private final int oxHi;
    private float[][] cols = new float[0][];
    private float[][] tmp = new float[0][];

    private float[] in;
    private float[] out;

    public VectorConv(ConvShape s, float[] weights, float[] bias, Activation act) {
        this.s = s;
        this.depth = s.kernel() * s.kernel() * s.inC();
        if (weights.length != depth * s.outC() || (bias != null && bias.length != s.outC())) {
            throw new IllegalArgumentException("conv weights for " + s + " have the wrong size");
        }
        this.oh = s.outH();
        this.ow = s.outW();
        this.nr = NarrowGemm.preferred(s.outC()) ? NarrowGemm.NR : VectorGemm.NR;
        this.panels = Panels.count(s.outC(), nr);
        this.packed = Panels.pack(weights, depth, s.outC(), nr);
        this.bias = Panels.padBias(bias, s.outC(), nr);
        this.lo = VectorGemm.low(act);
        this.hi = VectorGemm.high(act);
        int k = s.kernel();
        this.off = new int[depth];
        for (int ky = 0, t = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                for (int ic = 0; ic < s.inC(); ic++) {
                    off[t++] = (ky * s.inW() + kx) * s.inC() + ic;
                }
            }
        }
        int st = s.stride();
        int pl = s.pads().left();
        int last = s.inW() - k + pl;
        this.oxLo = Math.min(ow, (pl + st - 1) / st);
        this.oxHi = Math.max(oxLo, last < 0 ? 0 : Math.min(ow, last / st + 1));
    }

    public ConvShape shape() {
        return s;
    }

    /** in {@code [n, inH, inW, inC]} -> out {@code [n, outH, outW, outC]}. */
    public void run(float[] in, int n, float[] out, Parallel parallel) {
        if (cols.length < parallel.threads()) {
            float[][] c = new float[parallel.threads()][];
            float[][] t = new float[parallel.threads()][];
            for (int i = 0; i < c.length; i++) {
                c[i] = new float[VectorGemm.MR * depth];
                t[i] = new float[VectorGemm.MR * nr];
            }
            cols = c;
            tmp = t;
        }
        this.in = in;
        this.out = out;
        parallel.run(n * oh, this);
        this.in = null;
        this.out = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        float[] col = cols[worker];
        float[] t = tmp[worker];
        int mr = VectorGemm.MR;
        for (int row = from; row < to; row++) {
            int b = row / oh;
            int oy = row % oh;
            int iy0 = oy * s.stride() - s.pads().top();
            int p0 = row * ow;
            if (iy0 < 0 || iy0 + s.kernel() > s.inH()) {
                gathered(p0, 0, ow, col, t);
                continue;
            }
            gathered(p0, 0, oxLo, col, t);
            int ox = oxLo;
            int rowBase = (b * s.inH() + iy0) * s.inW();
            for (; ox + mr <= oxHi; ox += mr) {
                direct((rowBase + ox * s.stride() - s.pads().left()) * s.inC(), p0 + ox, p0 + ow, t);
            }
            gathered(p0, ox, ow, col, t);
        }
    }

    /**
     * Six interior pixels starting at output pixel p, whose first window starts at in[base]; the
     * row's pixels end before output pixel rowEnd.
     */
    private void direct(int base, int p, int rowEnd, float[] t) {
        int outC = s.outC();
        int step = s.stride() * s.inC();
        int l = VectorGemm.L;
        for (int panel = 0; panel < panels; panel++) {
            int c0 = panel * nr;
            int cols = Math.min(nr, outC - c0);
            int bOff = Panels.START + panel * depth * nr;
            int o = p * outC + c0;
            if (cols == nr && nr == VectorGemm.NR) {
                IndirectGemm.wide6(in, base, step, off, packed, bOff, depth, bias, c0, out, o, outC);
                VectorGemm.clamp(out, o, outC, VectorGemm.MR, 2, lo, hi);
            } else if (cols == l) {
                IndirectGemm.narrow6(in, base, step, off, packed, bOff, nr, depth, bias, c0, out, o, outC);
                VectorGemm.clamp(out, o, outC, VectorGemm.MR, 1, lo, hi);
            } else if (cols < l && cols == outC && spillFits(o, rowEnd * outC)) {
                // All channels in less than a vector (a stem of 8 on 16 lanes): each pixel's vector is
                // stored in place in order, its lanes past the pixel landing on the next pixels of the
                // row, which this row's later tiles overwrite; no copy from a scratch tile.
                IndirectGemm.narrow6(in, base, step, off, packed, bOff, nr, depth, bias, c0, out, o, outC);
                VectorGemm.clamp(out, o, l, (VectorGemm.MR * outC + l - 1) / l, 1, lo, hi);
            } else if (cols < l) {
                // Fewer columns than a vector: computed into the scratch tile, the valid ones copied.
                IndirectGemm.narrow6(in, base, step, off, packed, bOff, nr, depth, bias, c0, t, 0, l);
                VectorGemm.clamp(t, 0, l, VectorGemm.MR, 1, lo, hi);
                for (int i = 0; i < VectorGemm.MR; i++) {
                    System.arraycopy(t, i * l, out, o + i * outC, cols);
                }
            } else {
                IndirectGemm.wide6(in, base, step, off, packed, bOff, depth, bias, c0, t, 0, nr);
                VectorGemm.clamp(t, 0, nr, VectorGemm.MR, 2, lo, hi);
                for (int i = 0; i < VectorGemm.MR; i++) {
                    System.arraycopy(t, i * nr, out, o + i * outC, cols);
                }
            }
        }
    }

    /**
     * True when a tile of MR pixels of fewer channels than a vector, stored one full vector per pixel
     * from out[o] (and clamped in whole vectors), stays before out[end]: the row's later pixels.
     */
    private boolean spillFits(int o, int end) {
        int l = VectorGemm.L;
        int mr = VectorGemm.MR;
        int stores = o + (mr - 1) * s.outC() + l;
        int clamped = o + (mr * s.outC() + l - 1) / l * l;
        return Math.max(stores, clamped) <= end;
    }

    /** Output pixels [p0 + oxFrom, p0 + oxTo) of one row via gathered windows, MR at a time. */
    private void gathered(int p0, int oxFrom, int oxTo, float[] col, float[] t) {
        int outC = s.outC();
        for (int ox = oxFrom; ox < oxTo; ox += VectorGemm.MR) {
            int rows = Math.min(VectorGemm.MR, oxTo - ox);
            int p = p0 + ox;
            for (int r = 0; r < rows; r++) {
                gather(p + r, col, r * depth);
            }
            for (int panel = 0; panel < panels; panel++) {
                int c0 = panel * nr;
                if (nr == NarrowGemm.NR) {
                    NarrowGemm.panel(col, 0, depth, rows, packed, Panels.START + panel * depth * nr, depth,
                            bias, c0, lo, hi, out, p * outC + c0, outC, Math.min(nr, outC - c0), t);
                } else {
                    VectorGemm.panel(col, 0, depth, rows, packed, Panels.START + panel * depth * nr, depth,
                            bias, c0, lo, hi, out, p * outC + c0, outC, Math.min(nr, outC - c0), t);
                }
            }
        }
    }

    /** Copies output pixel p's window, HWC order, into col at off (zeros where it hangs over the edge). */
    private void gather(int p, float[] col, int off) {
        int b = p / (oh * ow);
        int rem = p % (oh * ow);
        int oy = rem / ow;
        int ox = rem % ow;
        int k = s.kernel();
        int inC = s.inC();
        int iy0 = oy * s.stride() - s.pads().top();
        int ix0 = ox * s.stride() - s.pads().left();
        for (int ky = 0; ky < k; ky++) {
            int iy = iy0 + ky;
            int dst = off + ky * k * inC;
            if (iy < 0 || iy >= s.inH()) {
                java.util.Arrays.fill(col, dst, dst + k * inC, 0f);
                continue;
            }
            int rowBase = (b * s.inH() + iy) * s.inW();
            int kxLo = Math.min(k, Math.max(0, -ix0));
            int kxHi = Math.min(k, s.inW() - ix0);
            if (kxLo > 0) {
                java.util.Arrays.fill(col, dst, dst + kxLo * inC, 0f);
            }
            if (kxHi > kxLo) {
                int from = (rowBase + ix0 + kxLo) * inC;
                int to = dst + kxLo * inC;
                int len = (kxHi - kxLo) * inC;
                if (len < 32) {
                    for (int i = 0; i < len; i++) {
                        col[to + i] = in[from + i];
                    }
                } else {
                    System.arraycopy(in, from, col, to, len);
                }
            }
            if (kxHi < k) {
                java.util.Arrays.fill(col, dst + Math.max(kxHi, kxLo) * inC, dst + k * inC, 0f);
            }
        }
    }
}
