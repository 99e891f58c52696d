package org.mobilenet.engine.kernels;

/**
 * The logistic sigmoid, element by element, {@code 1 / (1 + e^-x)} in double and rounded once to
 * float: the same bits in every kernel set and JIT tier (a layer of a few values, the last one).
 * Shape line: in {@code [len]}, out {@code [len]} (may be the same array).
 */
public final class Sigmoid {
    private Sigmoid() {
    }

    /** out[i] = sigmoid(in[i]) for i < len. */
    public static void apply(float[] in, int len, float[] out) {
        for (int i = 0; i < len; i++) {
            out[i] = (float) (1.0 / (1.0 + Math.exp(-(double) in[i])));
        }
    }
}
