package org.mobilenet.engine.quant;

/**
 * The fast integer kernels' inner loops: tiny static methods over whole rows from index 0, which
 * C2 compiles early and vectorizes (the house style of {@code LoopKernels}, in int32).
 */
final class IntLoops {
    private IntLoops() {
    }

    /** acc[0 .. len) += a * w[0 .. len). */
    static void axpy(int a, int[] w, int[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += a * w[j];
        }
    }

    /** acc_k[0 .. len) += a_k * w[0 .. len) for four rows: w is loaded once for four multiply-adds. */
    static void axpy4(int a0, int a1, int a2, int a3, int[] w, int[] acc0, int[] acc1, int[] acc2, int[] acc3,
            int len) {
        for (int j = 0; j < len; j++) {
            int x = w[j];
            acc0[j] += a0 * x;
            acc1[j] += a1 * x;
            acc2[j] += a2 * x;
            acc3[j] += a3 * x;
        }
    }

    /** acc[0 .. len) += x[0 .. len) * w[0 .. len). */
    static void multiplyAdd(int[] x, int[] w, int[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += x[j] * w[j];
        }
    }

    /** x[0 .. len) -= zero. */
    static void subtract(int[] x, int zero, int len) {
        for (int j = 0; j < len; j++) {
            x[j] -= zero;
        }
    }

    /**
     * The per-channel sums over n pixels of an NHWC map {@code [n, c]}: each pixel's channels are
     * copied to a row at index 0 first, so the add vectorizes. Shape: in {@code [n * c]} to {@code [c]}.
     */
    static int[] channelSums(int[] in, int n, int c) {
        int[] sum = new int[c];
        int[] row = new int[c];
        for (int p = 0; p < n; p++) {
            System.arraycopy(in, p * c, row, 0, c);
            for (int ch = 0; ch < c; ch++) {
                sum[ch] += row[ch];
            }
        }
        return sum;
    }
}
