package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * The fast kernels, written with the Vector API ({@code jdk.incubator.vector}) for whatever vector
 * width the CPU prefers: {@link VectorConv}, {@link VectorDepthwise}, {@link VectorPointwise}
 * (also used for the fully connected layer), {@link VectorAdd} for residual adds, plus the loop
 * kernels' pooling and the plain {@link Softmax} (the same bits in every JIT tier).
 * Use {@link #prepare} for repeated runs; the plain methods repack the weights on every call.
 * Only instantiate this class when the module {@code jdk.incubator.vector} is in the boot layer.
 */
public final class VectorKernels implements Kernels {
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

    /** As the loop kernels pool (see {@link LoopKernels#averagePool(LayerSpec)} for why). */
    @Override
    public void averagePool(float[] in, int n, int h, int w, int c, float[] out) {
        LoopKernels.averagePool(in, n, h * w, c, out, new float[c], new float[c]);
    }

    @Override
    public void fullyConnected(float[] in, int n, int inC, int outC, float[] weights, float[] bias, float[] out) {
        pointwise(in, n, inC, outC, weights, bias, Activation.NONE, out);
    }

    /** {@link Softmax#rows}: the same bits in every JIT tier, which the Vector API's EXP did not give. */
    @Override
    public void softmax(float[] in, int n, int c, float[] out) {
        Softmax.rows(in, n, c, out);
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
            case AVG_POOL -> LoopKernels.averagePool(l);
            case SOFTMAX -> (in, n, out, par) -> softmax(in, n, l.outChannels(), out);
            case SIGMOID -> (in, n, out, par) -> Sigmoid.apply(in, n * l.outChannels(), out);
            case ADD -> new VectorAdd((int) l.out().size(), act);
            case SCALE -> PlainLayers.scale(l);
        };
    }
}
