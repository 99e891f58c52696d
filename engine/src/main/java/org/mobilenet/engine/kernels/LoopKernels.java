package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * Plain-Java float kernels for a cold JVM. Every hot loop is a tiny static method over one row of
 * channels ({@link #axpy}, {@link #multiplyAdd}, {@link #clamp}) called many thousand times per
 * layer, so the JIT compiles it with C1 and then C2 within the first milliseconds of a pass; the
 * Vector API kernels instead run dozens of times slower than this until C2 has compiled their
 * large methods, which takes hundreds of passes of a small model. A fresh {@code Network} runs
 * these first (see {@code WarmUp}); in steady state they are several times slower than
 * {@link VectorKernels}.
 *
 * <p>Every row those methods touch starts at index 0 of its own array: weights are split into one
 * array per row at preparation, outputs are accumulated in a scratch row and copied into place, and
 * a depthwise tap's input pixel is copied to a scratch row first. C2 (JDK 17 to 25) auto-vectorizes
 * {@code acc[j] += a * w[j]} but not the same loop with a variable offset into either array
 * (measured: 7 against 1.5 G elements/s), and the copies ({@link System#arraycopy}) are vectorized
 * intrinsics. Sums are in float, in the same order on every JVM; shapes as in {@link Kernels}.
 * Prepared layers are single-threaded (they ignore the {@link Parallel} given) and allocation-free.
 */
public final class LoopKernels implements Kernels {

    @Override
    public String name() {
        return "loops";
    }

    /** acc[0 .. len) += a * w[0 .. len). */
    static void axpy(float a, float[] w, float[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += a * w[j];
        }
    }

    /** acc_k[0 .. len) += a_k * w[0 .. len) for four rows k: w is loaded once for four multiply-adds. */
    static void axpy4(float a0, float a1, float a2, float a3, float[] w,
                      float[] acc0, float[] acc1, float[] acc2, float[] acc3, int len) {
        for (int j = 0; j < len; j++) {
            float x = w[j];
            acc0[j] += a0 * x;
            acc1[j] += a1 * x;
            acc2[j] += a2 * x;
            acc3[j] += a3 * x;
        }
    }

    /** acc[0 .. len) += x[0 .. len) * w[0 .. len): one depthwise tap over a pixel's channels. */
    static void multiplyAdd(float[] x, float[] w, float[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += x[j] * w[j];
        }
    }

    /** Clamps acc[0 .. len) to [lo, hi]. */
    static void clamp(float[] acc, int len, float lo, float hi) {
        for (int j = 0; j < len; j++) {
            acc[j] = Math.min(Math.max(acc[j], lo), hi);
        }
    }

    /** out[0 .. len) = a[0 .. len) + b[0 .. len): a residual add, one pass over whole arrays. */
    static void sum(float[] a, float[] b, float[] out, int len) {
        for (int j = 0; j < len; j++) {
            out[j] = a[j] + b[j];
        }
    }

    /** Applies {@code act} to v[0 .. len) in place. */
    static void activate(float[] v, int len, Activation act) {
        switch (act) {
            case NONE -> {
            }
            case RELU -> clamp(v, len, 0f, Float.POSITIVE_INFINITY);
            case RELU6 -> clamp(v, len, 0f, 6f);
        }
    }

    /** w {@code [rows, cols]} row-major as one array per row. */
    static float[][] rows(float[] w, int rows, int cols) {
        float[][] r = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(w, i * cols, r[i], 0, cols);
        }
        return r;
    }

    /** The bias, or zeros for none. */
    static float[] biasOrZero(float[] bias, int len) {
        return bias == null ? new float[len] : bias.clone();
    }

    /** Applies {@code act} to acc and copies it to out at {@code o}. */
    static void store(float[] acc, Activation act, float[] out, int o, int len) {
        activate(acc, len, act);
        System.arraycopy(acc, 0, out, o, len);
    }

    @Override
    public void conv(float[] in, int n, ConvShape s, float[] w, float[] bias, Activation act, float[] out) {
        new Conv(s, w, bias, act).run(in, n, out, Parallel.SERIAL);
    }

    @Override
    public void depthwise(float[] in, int n, ConvShape s, float[] w, float[] bias, Activation act, float[] out) {
        new Depthwise(s, w, bias, act).run(in, n, out, Parallel.SERIAL);
    }

    @Override
    public void pointwise(float[] in, int pixels, int inC, int outC, float[] w, float[] bias, Activation act, float[] out) {
        new Pointwise(inC, outC, w, bias, act).run(in, pixels, out, Parallel.SERIAL);
    }

    /** Sums each channel over the pixels in a scratch row (a pixel's channels are copied to a row first). */
    @Override
    public void averagePool(float[] in, int n, int h, int w, int c, float[] out) {
        float[] acc = new float[c];
        float[] x = new float[c];
        averagePool(in, n, h * w, c, out, acc, x);
    }

    /**
     * The pooling layer of {@code l} on the scratch rows of {@link #averagePool(float[], int, int,
     * int, float[], float[], float[])}, allocated once here. Also {@link VectorKernels}' pooling: C2
     * vectorizes its loop, and a Vector API version cost the JIT more (20-30 ms of C2 time in a
     * fresh JVM, compiled three times) than it ever ran (a few microseconds a pass).
     */
    static PreparedLayer averagePool(LayerSpec l) {
        int c = l.inChannels();
        float[] acc = new float[c];
        float[] x = new float[c];
        int hw = l.in().h() * l.in().w();
        return (in, n, out, par) -> averagePool(in, n, hw, c, out, acc, x);
    }

    /** Sums each channel over the pixels in acc (each pixel's channels copied to x first), then scales. */
    static void averagePool(float[] in, int n, int hw, int c, float[] out, float[] acc, float[] x) {
        float scale = 1f / hw;
        for (int b = 0; b < n; b++) {
            java.util.Arrays.fill(acc, 0f);
            for (int p = 0; p < hw; p++) {
                System.arraycopy(in, (b * hw + p) * c, x, 0, c);
                axpy(1f, x, acc, c);
            }
            for (int ch = 0; ch < c; ch++) {
                out[b * c + ch] = acc[ch] * scale;
            }
        }
    }

    @Override
    public void fullyConnected(float[] in, int n, int inC, int outC, float[] w, float[] bias, float[] out) {
        pointwise(in, n, inC, outC, w, bias, Activation.NONE, out);
    }

    @Override
    public void softmax(float[] in, int n, int c, float[] out) {
        Softmax.rows(in, n, c, out);
    }

    /** Adds whole arrays in one loop (the same index into all three, which C2 vectorizes), then the activation. */
    @Override
    public void add(float[] in, float[] addend, int len, Activation act, float[] out) {
        sum(in, addend, out, len);
        activate(out, len, act);
    }

    @Override
    public PreparedLayer prepare(LayerSpec l, float[] weights, float[] bias, Activation act) {
        return switch (l.kind()) {
            case CONV -> new Conv(PlainLayers.shape(l), weights, bias, act);
            case DEPTHWISE -> new Depthwise(PlainLayers.shape(l), weights, bias, act);
            case POINTWISE -> {
                Pointwise pw = new Pointwise(l.inChannels(), l.outChannels(), weights, bias, act);
                int hw = l.in().h() * l.in().w();
                yield (in, n, out, par) -> pw.run(in, n * hw, out, par);
            }
            case FC -> new Pointwise(l.inChannels(), l.outChannels(), weights, bias, act);
            case AVG_POOL -> averagePool(l);
            case SOFTMAX -> (in, n, out, par) -> softmax(in, n, l.outChannels(), out);
            case SIGMOID -> (in, n, out, par) -> Sigmoid.apply(in, n * l.outChannels(), out);
            case ADD -> {
                int size = (int) l.out().size();
                yield (PreparedAdd) (in, addend, n, out, par) -> add(in, addend, n * size, act, out);
            }
            case SCALE -> PlainLayers.scale(l);
        };
    }

    /**
     * Standard convolution: four output pixels of a row at a time where all their taps fall inside the
     * row (one {@link #axpy4} of a weight row per tap and input channel), the others (by the borders,
     * a row's last ones) one by one; each pixel's sum in the same order either way. in
     * {@code [n, inH, inW, inC]}, weights HWIO, out {@code [n, outH, outW, outC]}.
     */
    private static final class Conv implements PreparedLayer {
        private final ConvShape s;
        /** {@code [k * k * inC][outC]}. */
        private final float[][] w;
        private final float[] bias;
        private final Activation act;
        private final float[] acc;
        private final float[] acc1;
        private final float[] acc2;
        private final float[] acc3;

        Conv(ConvShape s, float[] weights, float[] bias, Activation act) {
            this.s = s;
            this.w = rows(weights, s.kernel() * s.kernel() * s.inC(), s.outC());
            this.bias = biasOrZero(bias, s.outC());
            this.act = act;
            this.acc = new float[s.outC()];
            this.acc1 = new float[s.outC()];
            this.acc2 = new float[s.outC()];
            this.acc3 = new float[s.outC()];
        }

        @Override
        public void run(float[] in, int n, float[] out, Parallel parallel) {
            int oh = s.outH();
            int ow = s.outW();
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ) {
                        if (ox + 4 <= ow && inside(ox, ox + 3)) {
                            quad(in, b, oy, ox, out);
                            ox += 4;
                        } else {
                            pixel(in, b, oy, ox, out);
                            ox++;
                        }
                    }
                }
            }
        }

        /** Whether every tap of output pixels first .. last of a row falls inside the input row. */
        private boolean inside(int first, int last) {
            return first * s.stride() - s.pads().left() >= 0
                    && last * s.stride() + s.kernel() - 1 - s.pads().left() < s.inW();
        }

        /**
         * Four output pixels from (oy, ox), all taps inside the row: each weight row is loaded once
         * for the four. A method of its own, called once per four pixels, so the JIT compiles it by its
         * call count within the first rows of a cold first pass (the same loops inline in {@link #run}
         * ran interpreted until compiled on the stack, a third of the way through 0.5/160's stem).
         */
        private void quad(float[] in, int b, int oy, int ox, float[] out) {
            int k = s.kernel();
            int inC = s.inC();
            int outC = s.outC();
            int step = s.stride() * inC;
            System.arraycopy(bias, 0, acc, 0, outC);
            System.arraycopy(bias, 0, acc1, 0, outC);
            System.arraycopy(bias, 0, acc2, 0, outC);
            System.arraycopy(bias, 0, acc3, 0, outC);
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * s.stride() + ky - s.pads().top();
                if (iy < 0 || iy >= s.inH()) {
                    continue;
                }
                for (int kx = 0; kx < k; kx++) {
                    int i = ((b * s.inH() + iy) * s.inW() + ox * s.stride() + kx - s.pads().left()) * inC;
                    int row = (ky * k + kx) * inC;
                    for (int ic = 0; ic < inC; ic++, i++) {
                        axpy4(in[i], in[i + step], in[i + 2 * step], in[i + 3 * step], w[row + ic],
                                acc, acc1, acc2, acc3, outC);
                    }
                }
            }
            int o = ((b * s.outH() + oy) * s.outW() + ox) * outC;
            store(acc, act, out, o, outC);
            store(acc1, act, out, o + outC, outC);
            store(acc2, act, out, o + 2 * outC, outC);
            store(acc3, act, out, o + 3 * outC, outC);
        }

        /** One output pixel. */
        private void pixel(float[] in, int b, int oy, int ox, float[] out) {
            int k = s.kernel();
            int inC = s.inC();
            int outC = s.outC();
            System.arraycopy(bias, 0, acc, 0, outC);
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * s.stride() + ky - s.pads().top();
                if (iy < 0 || iy >= s.inH()) {
                    continue;
                }
                for (int kx = 0; kx < k; kx++) {
                    int ix = ox * s.stride() + kx - s.pads().left();
                    if (ix < 0 || ix >= s.inW()) {
                        continue;
                    }
                    int i = ((b * s.inH() + iy) * s.inW() + ix) * inC;
                    int row = (ky * k + kx) * inC;
                    for (int ic = 0; ic < inC; ic++) {
                        axpy(in[i + ic], w[row + ic], acc, outC);
                    }
                }
            }
            store(acc, act, out, ((b * s.outH() + oy) * s.outW() + ox) * outC, outC);
        }
    }

    /**
     * Depthwise convolution, output pixel by output pixel: each tap inside the input copies that
     * input pixel's channels to a scratch row and multiply-adds it with the tap's weight row.
     * in {@code [n, inH, inW, C]}, weights {@code [k, k, C]}, out {@code [n, outH, outW, C]}.
     */
    private static final class Depthwise implements PreparedLayer {
        private final ConvShape s;
        /** {@code [k * k][C]}. */
        private final float[][] w;
        private final float[] bias;
        private final Activation act;
        private final float[] acc;
        private final float[] x;

        Depthwise(ConvShape s, float[] weights, float[] bias, Activation act) {
            if (s.inC() != s.outC()) {
                throw new IllegalArgumentException("depthwise conv keeps its channels: " + s);
            }
            this.s = s;
            this.w = rows(weights, s.kernel() * s.kernel(), s.inC());
            this.bias = biasOrZero(bias, s.inC());
            this.act = act;
            this.acc = new float[s.inC()];
            this.x = new float[s.inC()];
        }

        @Override
        public void run(float[] in, int n, float[] out, Parallel parallel) {
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < s.outH(); oy++) {
                    for (int ox = 0; ox < s.outW(); ox++) {
                        pixel(in, b, oy, ox, out);
                    }
                }
            }
        }

        /** One output pixel, a method of its own for the JIT's sake (see {@link Conv}). */
        private void pixel(float[] in, int b, int oy, int ox, float[] out) {
            int c = s.inC();
            int k = s.kernel();
            System.arraycopy(bias, 0, acc, 0, c);
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * s.stride() + ky - s.pads().top();
                if (iy < 0 || iy >= s.inH()) {
                    continue;
                }
                for (int kx = 0; kx < k; kx++) {
                    int ix = ox * s.stride() + kx - s.pads().left();
                    if (ix >= 0 && ix < s.inW()) {
                        System.arraycopy(in, ((b * s.inH() + iy) * s.inW() + ix) * c, x, 0, c);
                        multiplyAdd(x, w[ky * k + kx], acc, c);
                    }
                }
            }
            store(acc, act, out, ((b * s.outH() + oy) * s.outW() + ox) * c, c);
        }
    }

    /**
     * Pointwise convolution and fully connected layers, pixel (row) by pixel: the scratch row starts
     * at the bias and gets one axpy of a weight row per input channel. in {@code [pixels, inC]},
     * weights {@code [inC, outC]}, out {@code [pixels, outC]}.
     */
    private static final class Pointwise implements PreparedLayer {
        private final int inC;
        private final int outC;
        /** {@code [inC][outC]}. */
        private final float[][] w;
        private final float[] bias;
        private final Activation act;
        private final float[] acc;
        private final float[] acc1;
        private final float[] acc2;
        private final float[] acc3;

        Pointwise(int inC, int outC, float[] weights, float[] bias, Activation act) {
            this.inC = inC;
            this.outC = outC;
            this.w = rows(weights, inC, outC);
            this.bias = biasOrZero(bias, outC);
            this.act = act;
            this.acc = new float[outC];
            this.acc1 = new float[outC];
            this.acc2 = new float[outC];
            this.acc3 = new float[outC];
        }

        /** {@code pixels} rows, four at a time (each weight row loaded once for four pixels), then one by one. */
        @Override
        public void run(float[] in, int pixels, float[] out, Parallel parallel) {
            int p = 0;
            for (; p + 4 <= pixels; p += 4) {
                quad(in, p, out);
            }
            for (; p < pixels; p++) {
                System.arraycopy(bias, 0, acc, 0, outC);
                int i = p * inC;
                for (int ic = 0; ic < inC; ic++) {
                    axpy(in[i + ic], w[ic], acc, outC);
                }
                store(acc, act, out, p * outC, outC);
            }
        }

        /** Four rows from row p, a method of its own for the JIT's sake (see {@link Conv}). */
        private void quad(float[] in, int p, float[] out) {
            System.arraycopy(bias, 0, acc, 0, outC);
            System.arraycopy(bias, 0, acc1, 0, outC);
            System.arraycopy(bias, 0, acc2, 0, outC);
            System.arraycopy(bias, 0, acc3, 0, outC);
            int i = p * inC;
            for (int ic = 0; ic < inC; ic++) {
                axpy4(in[i + ic], in[i + inC + ic], in[i + 2 * inC + ic], in[i + 3 * inC + ic], w[ic],
                        acc, acc1, acc2, acc3, outC);
            }
            store(acc, act, out, p * outC, outC);
            store(acc1, act, out, (p + 1) * outC, outC);
            store(acc2, act, out, (p + 2) * outC, outC);
            store(acc3, act, out, (p + 3) * outC, outC);
        }
    }
}
