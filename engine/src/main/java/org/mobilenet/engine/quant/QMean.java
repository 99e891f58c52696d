package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;

/**
 * Quantized global average pooling as XNNPACK's global average pooling computes it, which the
 * delegate runs for a quantized MEAN over H and W (TFLite's converter writes one for Keras models;
 * measured: "Global Average Pooling (NWC, QS8)"): {@code acc = sum - n * inputZero}, times
 * {@code inScale / (outScale * n)} computed in float, rounded half to even, clamped, plus the output
 * zero point. (AVERAGE_POOL_2D stays with TFLite's own kernel: {@link QAvgPool}.)
 */
final class QMean extends QLayer {
    private final int inputZero;
    private final float scale;
    private final int zeroPoint;
    private final int min;
    private final int max;

    QMean(LayerSpec spec, int inputZero, float inScale, float outScale, int zeroPoint, int min, int max) {
        super(spec);
        this.inputZero = inputZero;
        this.scale = inScale / (outScale * (float) (spec.in().h() * spec.in().w()));
        this.zeroPoint = zeroPoint;
        this.min = min;
        this.max = max;
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        int c = spec.in().c();
        int n = spec.in().h() * spec.in().w();
        for (int ch = 0; ch < c; ch++) {
            int acc = -n * inputZero;
            for (int p = 0; p < n; p++) {
                acc += in[p * c + ch];
            }
            out[ch] = requantize(acc);
        }
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        int c = spec.in().c();
        int n = spec.in().h() * spec.in().w();
        int[] sum = IntLoops.channelSums(in, n, c);
        for (int ch = 0; ch < c; ch++) {
            out[ch] = requantize(sum[ch] - n * inputZero);
        }
    }

    private int requantize(int acc) {
        int q = (int) Math.rint((float) acc * scale);
        return Math.min(Math.max(q, min - zeroPoint), max - zeroPoint) + zeroPoint;
    }
}
