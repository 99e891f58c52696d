package org.mobilenet.engine.kernels;

/**
 * Standard convolution (the stem, and every block of the conv variant) as a small matrix product:
 * each work item gathers the windows of {@link VectorGemm#MR} output pixels into a per-worker
 * scratch row block ({@code [MR, k*k*inC]}, zeros for padding) and multiplies it by the packed
 * weights, bias and activation fused. in {@code [n, inH, inW, inC]}, weights HWIO
 * {@code [k, k, inC, outC]}, out {@code [n, outH, outW, outC]}. Not thread-safe: one caller at a time.
 */
public final class VectorConv implements RangeTask {
    private final ConvShape s;
    private final int depth;
    private final int oh;
    private final int ow;
    private final int panels;
    private final float[] packed;
    private final float[] bias;
    private final float lo;
    private final float hi;
    private float[][] cols = new float[0][];
    private float[][] tmp = new float[0][];

    private float[] in;
    private float[] out;
    private int pixels;

    public VectorConv(ConvShape s, float[] weights, float[] bias, Activation act) {
        this.s = s;
        this.depth = s.kernel() * s.kernel() * s.inC();
        if (weights.length != depth * s.outC() || (bias != null && bias.length != s.outC())) {
            throw new IllegalArgumentException("conv weights for " + s + " have the wrong size");
        }
        this.oh = s.outH();
        this.ow = s.outW();
        this.panels = VectorGemm.panels(s.outC());
        this.packed = VectorGemm.pack(weights, depth, s.outC());
        this.bias = VectorGemm.padBias(bias, s.outC());
        this.lo = VectorGemm.low(act);
        this.hi = VectorGemm.high(act);
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
                t[i] = new float[VectorGemm.MR * VectorGemm.NR];
            }
            cols = c;
            tmp = t;
        }
        this.in = in;
        this.out = out;
        this.pixels = n * oh * ow;
        parallel.run((pixels + VectorGemm.MR - 1) / VectorGemm.MR, this);
        this.in = null;
        this.out = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        float[] col = cols[worker];
        float[] t = tmp[worker];
        int outC = s.outC();
        for (int tile = from; tile < to; tile++) {
            int p0 = tile * VectorGemm.MR;
            int rows = Math.min(VectorGemm.MR, pixels - p0);
            for (int r = 0; r < rows; r++) {
                gather(p0 + r, col, r * depth);
            }
            for (int panel = 0; panel < panels; panel++) {
                int c0 = panel * VectorGemm.NR;
                VectorGemm.panel(col, 0, depth, rows, packed, panel * depth * VectorGemm.NR, depth,
                        bias, c0, lo, hi, out, p0 * outC + c0, outC, Math.min(VectorGemm.NR, outC - c0), t);
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
