package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
     * Softmax over each row without allocating: exponentials (the Vector API's EXP, within an ulp
     * or so of {@link Math#exp}) go to out, then get normalized.
     */
    @Override
    public void softmax(float[] in, int n, int c, float[] out) {
        int cVec = c / L * L;
        for (int b = 0; b < n; b++) {
            int base = b * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, in[base + i]);
            }
            double sum = 0;
            for (int i = 0; i < cVec; i += L) {
                FloatVector e = FloatVector.fromArray(S, in, base + i).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(out, base + i);
                sum += e.reduceLanes(VectorOperators.ADD);
            }
            for (int i = cVec; i < c; i++) {
                float e = (float) Math.exp(in[base + i] - max);
                out[base + i] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < c; i++) {
                out[base + i] *= inv;
            }
        }
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
