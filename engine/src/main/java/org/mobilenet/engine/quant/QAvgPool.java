package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;

/**
 * Quantized global average pooling as TFLite's builtin AVERAGE_POOL_2D computes it (the XNNPACK
 * delegate leaves it to TFLite; measured): input and output share their quantization, and each
 * channel's int32 sum over the map is divided by the pixel count rounding half away from zero
 * ({@code (sum + n/2) / n} for the non-negative sums of uint8).
 */
final class QAvgPool extends QLayer {
    private final int min;
    private final int max;

    QAvgPool(LayerSpec spec, int min, int max) {
        super(spec);
        this.min = min;
        this.max = max;
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        int c = spec.in().c();
        int n = spec.in().h() * spec.in().w();
        for (int ch = 0; ch < c; ch++) {
            int sum = 0;
            for (int p = 0; p < n; p++) {
                sum += in[p * c + ch];
            }
            out[ch] = clamp(divide(sum, n));
        }
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        int c = spec.in().c();
        int n = spec.in().h() * spec.in().w();
        int[] sum = IntLoops.channelSums(in, n, c);
        for (int ch = 0; ch < c; ch++) {
            out[ch] = clamp(divide(sum[ch], n));
        }
    }

    private static int divide(int sum, int n) {
        return sum >= 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
    }

    private int clamp(int q) {
        return Math.min(Math.max(q, min), max);
    }
}
