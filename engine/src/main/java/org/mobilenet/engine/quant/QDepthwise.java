package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.QuantizedTensor;

/**
 * A quantized depthwise convolution (depth multiplier 1): per channel
 * {@code acc = bias + sum (x - inputZero) * (w - weightZero[c])} over the taps inside the input, then
 * {@link Requantizer}. The fast kernel subtracts the input zero point from the whole map once, copies
 * each tap's input pixel into a row, and multiplies it into the accumulators with the tap's row of
 * {@code w - weightZero}.
 */
final class QDepthwise extends QLayer {
    private final int[] weights;
    private final int[] weightZero;
    private final int[] bias;
    private final int inputZero;
    private final Requantizer requantizer;
    private final int k;
    private final int c;
    /** Per tap {@code ky * k + kx}: {@code w - weightZero} over the channels. */
    private final int[][] taps;

    QDepthwise(LayerSpec spec, QuantizedTensor w, int[] bias, int inputZero, Requantizer requantizer) {
        super(spec);
        this.k = spec.kernel();
        this.c = spec.out().c();
        this.weights = w.values();
        this.weightZero = new int[c];
        for (int ch = 0; ch < c; ch++) {
            weightZero[ch] = w.quant().zeroPoint(ch);
        }
        this.bias = bias;
        this.inputZero = inputZero;
        this.requantizer = requantizer;
        this.taps = new int[k * k][c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < k * k; t++) {
                taps[t][ch] = weights[ch * k * k + t] - weightZero[ch];
            }
        }
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        int h = spec.in().h();
        int w = spec.in().w();
        int s = spec.stride();
        int oh = spec.out().h();
        int ow = spec.out().w();
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int ch = 0; ch < c; ch++) {
                    int acc = bias[ch];
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * s - spec.pads().top() + ky;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * s - spec.pads().left() + kx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                acc += (in[(iy * w + ix) * c + ch] - inputZero)
                                        * (weights[(ch * k + ky) * k + kx] - weightZero[ch]);
                            }
                        }
                    }
                    out[(oy * ow + ox) * c + ch] = requantizer.apply(acc, ch);
                }
            }
        }
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        int h = spec.in().h();
        int w = spec.in().w();
        int s = spec.stride();
        int top = spec.pads().top();
        int left = spec.pads().left();
        int oh = spec.out().h();
        int ow = spec.out().w();
        int[] acc = new int[c];
        int[] x = new int[c];
        // The input zero point subtracted once, not once per tap.
        int[] shifted = new int[h * w * c];
        System.arraycopy(in, 0, shifted, 0, shifted.length);
        IntLoops.subtract(shifted, inputZero, shifted.length);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                System.arraycopy(bias, 0, acc, 0, c);
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * s - top + ky;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * s - left + kx;
                        if (ix < 0 || ix >= w) {
                            continue;
                        }
                        System.arraycopy(shifted, (iy * w + ix) * c, x, 0, c);
                        IntLoops.multiplyAdd(x, taps[ky * k + kx], acc, c);
                    }
                }
                requantizer.applyRow(acc, c, out, (oy * ow + ox) * c);
            }
        }
    }
}
