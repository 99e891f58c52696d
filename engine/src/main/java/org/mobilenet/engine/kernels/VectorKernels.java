package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * The fast kernels, written with the Vector API ({@code jdk.incubator.vector}) for whatever vector
 * width the CPU prefers: {@link VectorConv}, {@link VectorDepthwise}, {@link VectorPointwise}
 * (also used for the fully connected layer), {@link VectorAdd} for residual adds, plus vectorized
 * pooling and an allocation-free softmax.
 * Use {@link #prepare} for repeated runs; the plain methods repack the weights on every call.
 * Only instantiate this class when the module {@code jdk.incubator.vector} is in the boot layer.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;

    @Override
    public String name() {
        return "vector";
    }

    /** The vector width in floats (8 on AVX2, 16 with AVX-512; see {@link VectorWidth}). */
    public static int lanes() {
        return L;
    }

    @Override
    public void conv(float[] in, int n, ConvShape s, float[] weights, float[] bias, Activation act, float[] out) {
        new VectorConv(s, weights, bias, act).run(in, n, out, Parallel.SERIAL);
    }

    @Override
    public void depthwise(float[] in, int n, ConvShape s, float[] weights, float[] bias, Activation act, float[] out) {
        new VectorDepthwise(s, weights, bias, act).run(in, n, out, Parallel.SERIAL);
    }

    @Override
    public void pointwise(float[] in, int pixels, int inC, int outC, float[] weights, float[] bias, Activation act, float[] out) {
        new VectorPointwise(inC, outC, weights, bias, act).run(in, pixels, out, Parallel.SERIAL);
    }

    @Override
    public void averagePool(float[] in, int n, int h, int w, int c, float[] out) {
        int cVec = c / L * L;
        int hw = h * w;
        float scale = 1f / hw;
        for (int b = 0; b < n; b++) {
            int base = b * hw * c;
            for (int cb = 0; cb < cVec; cb += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < hw; i++) {
                    acc = acc.add(FloatVector.fromArray(S, in, base + i * c + cb));
                }
                acc.mul(scale).intoArray(out, b * c + cb);
            }
            for (int ch = cVec; ch < c; ch++) {
                float acc = 0;
                for (int i = 0; i < hw; i++) {
                    acc += in[base + i * c + ch];
                }
                out[b * c + ch] = acc * scale;
            }
        }
    }

    @Override
    public void fullyConnected(float[] in, int n, int inC, int outC, float[] weights, float[] bias, float[] out) {
        pointwise(in, n, inC, outC, weights, bias, Activation.NONE, out);
    }

    /**
     * Softmax over each row without allocating, in plain Java: {@link #expNonPositive} of the logits
     * less their maximum, summed in double. Not with the Vector API on purpose: its EXP and SUB would
     * be the only operators of their kinds (unary, non-associative binary) in the float kernels, and
     * every lanewise operation runs through one shared check of the operator's class
     * ({@code VectorOperators.opKind}). Two more classes there cost that check a few
     * deoptimizations, and C2 adds the check's trap count once per inlined operation when it compiles
     * a kernel: a kernel with a hundred operations then passed the limit of 100 traps per compilation
     * ({@code PerMethodTrapLimit}), and C2 compiled its vector operations as calls with boxed vectors.
     * That made 0.25/128 25% slower in about a third of fresh JVMs (0.62 against 0.50 ms, JDK 17; its
     * 3x3 depthwise kernels twice as slow).
     */
    @Override
    public void softmax(float[] in, int n, int c, float[] out) {
        for (int b = 0; b < n; b++) {
            int base = b * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, in[base + i]);
            }
            double sum = 0;
            for (int i = 0; i < c; i++) {
                float e = expNonPositive(in[base + i] - max);
                out[base + i] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < c; i++) {
                out[base + i] *= inv;
            }
        }
    }

    /**
     * e^x for x <= 0 (NaN stays NaN), within 2 ulp of {@link Math#exp}: x = n ln 2 + r with
     * |r| <= ln 2 / 2 (ln 2 in two parts, so r is exact), e^r by Cephes' degree-6 polynomial for
     * expf, times 2^n built from its exponent bits. A quarter of the time of {@link Math#exp} on JDK
     * 17 (a softmax over 1000 classes took 10 us with it).
     */
    static float expNonPositive(float x) {
        if (x < -87.33654f) {
            return 0f; // below the log of the smallest normal float: e^x rounds to 0 or a subnormal
        }
        float n = (float) Math.floor(x * 1.44269504f + 0.5f);
        float r = x - n * 0.693359375f + n * 2.12194440e-4f;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        p = p * r * r + r + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    @Override
    public void add(float[] in, float[] addend, int len, Activation act, float[] out) {
        VectorAdd.add(in, addend, 0, len, VectorGemm.low(act), VectorGemm.high(act), out);
    }

    @Override
    public PreparedLayer prepare(LayerSpec l, float[] weights, float[] bias, Activation act) {
        return switch (l.kind()) {
            case CONV -> new VectorConv(PlainLayers.shape(l), weights, bias, act)::run;
            case DEPTHWISE -> new VectorDepthwise(PlainLayers.shape(l), weights, bias, act)::run;
            case POINTWISE -> {
                VectorPointwise pw = new VectorPointwise(l.inChannels(), l.outChannels(), weights, bias, act);
                int hw = l.in().h() * l.in().w();
                yield (in, n, out, par) -> pw.run(in, n * hw, out, par);
            }
            case FC -> {
                VectorPointwise fc = new VectorPointwise(l.inChannels(), l.outChannels(), weights, bias, act);
                yield fc::run;
            }
            case AVG_POOL -> (in, n, out, par) -> averagePool(in, n, l.in().h(), l.in().w(), l.inChannels(), out);
            case SOFTMAX -> (in, n, out, par) -> softmax(in, n, l.outChannels(), out);
            case ADD -> new VectorAdd((int) l.out().size(), act);
        };
    }
}
