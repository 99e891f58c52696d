package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.run.KernelChoice;

/**
 * A quantized full convolution, pointwise convolution or fully connected layer: for each output
 * pixel and channel, {@code acc = bias + sum (x - inputZero) * (w - weightZero[c])} in int32 over the
 * taps inside the input (padding contributes nothing: TFLite and XNNPACK pad with the input's zero
 * point), then {@link Requantizer}.
 *
 * <p>The fast kernel holds, per tap (ky, kx, ci), the row of {@code w - weightZero} over the output
 * channels, and adds {@code (x - inputZero) * row} into a row of accumulators: loops over whole
 * arrays from index 0 that C2 vectorizes (see {@code LoopKernels}). Pointwise and fully connected
 * layers run as a Vector API matrix product ({@link VectorIntPointwise}).
 */
final class QConv extends QLayer {
    private final int[] weights;
    private final int[] weightZero;
    private final int[] bias;
    private final int inputZero;
    private final Requantizer requantizer;
    private final int k;
    /** The input's sides: 1 x 1 for a fully connected layer, which reads its input as one vector of cin. */
    private final int inH;
    private final int inW;
    private final int cin;
    private final int cout;
    /** Per tap {@code (ky * k + kx) * cin + ci}: {@code w - weightZero} over the output channels. */
    private final int[][] rows;
    /** The pointwise product with the Vector API (for 1x1 stride-1 layers when the module is there), else null. */
    private final VectorIntPointwise vector;

    QConv(LayerSpec spec, QuantizedTensor w, int[] bias, int inputZero, Requantizer requantizer) {
        super(spec);
        boolean fc = spec.kind() == LayerKind.FC;
        this.k = fc ? 1 : spec.kernel();
        this.inH = fc ? 1 : spec.in().h();
        this.inW = fc ? 1 : spec.in().w();
        this.cin = spec.inChannels();
        this.cout = spec.out().c();
        this.weights = w.values();
        this.weightZero = new int[cout];
        for (int c = 0; c < cout; c++) {
            weightZero[c] = w.quant().zeroPoint(c);
        }
        this.bias = bias;
        this.inputZero = inputZero;
        this.requantizer = requantizer;
        this.rows = new int[k * k * cin][cout];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        rows[(ky * k + kx) * cin + ci][co] = weights[((co * cin + ci) * k + ky) * k + kx]
                                - weightZero[co];
                    }
                }
            }
        }
        // Without the Vector API module (a program started without --add-modules) the plain loops run.
        this.vector = k == 1 && spec.stride() == 1 && KernelChoice.vectorApiPresent()
                ? new VectorIntPointwise(rows, bias, cin, cout) : null;
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        int h = inH;
        int w = inW;
        int s = spec.stride();
        int top = spec.pads().top();
        int left = spec.pads().left();
        int oh = spec.out().h();
        int ow = spec.out().w();
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int co = 0; co < cout; co++) {
                    int acc = bias[co];
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * s - top + ky;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * s - left + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            for (int ci = 0; ci < cin; ci++) {
                                acc += (in[(iy * w + ix) * cin + ci] - inputZero)
                                        * (weights[((co * cin + ci) * k + ky) * k + kx] - weightZero[co]);
                            }
                        }
                    }
                    out[(oy * ow + ox) * cout + co] = requantizer.apply(acc, co);
                }
            }
        }
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        if (k == 1 && spec.stride() == 1) {
            if (vector && this.vector != null) {
                pointwise(in, out);
            } else {
                pointwiseLoops(in, out);
            }
            return;
        }
        int h = inH;
        int w = inW;
        int s = spec.stride();
        int top = spec.pads().top();
        int left = spec.pads().left();
        int oh = spec.out().h();
        int ow = spec.out().w();
        int[] acc = new int[cout];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                System.arraycopy(bias, 0, acc, 0, cout);
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
                        int base = (iy * w + ix) * cin;
                        int tap = (ky * k + kx) * cin;
                        for (int ci = 0; ci < cin; ci++) {
                            int x = in[base + ci] - inputZero;
                            if (x != 0) {
                                IntLoops.axpy(x, rows[tap + ci], acc, cout);
                            }
                        }
                    }
                }
                requantizer.applyRow(acc, cout, out, (oy * ow + ox) * cout);
            }
        }
    }

    /** The Vector API matrix product over the input with its zero point subtracted. */
    private void pointwise(int[] in, int[] out) {
        int n = inH * inW * cin;
        int[] x = new int[n];
        System.arraycopy(in, 0, x, 0, n);
        IntLoops.subtract(x, inputZero, n);
        vector.run(x, inH * inW, requantizer, out);
    }

    /** Four pixels per pass over the weight rows, in plain loops: the kernel before the vector one. */
    private void pointwiseLoops(int[] in, int[] out) {
        int pixels = inH * inW;
        int[] a0 = new int[cout];
        int[] a1 = new int[cout];
        int[] a2 = new int[cout];
        int[] a3 = new int[cout];
        int p = 0;
        for (; p + 4 <= pixels; p += 4) {
            System.arraycopy(bias, 0, a0, 0, cout);
            System.arraycopy(bias, 0, a1, 0, cout);
            System.arraycopy(bias, 0, a2, 0, cout);
            System.arraycopy(bias, 0, a3, 0, cout);
            int b = p * cin;
            for (int ci = 0; ci < cin; ci++) {
                IntLoops.axpy4(in[b + ci] - inputZero, in[b + cin + ci] - inputZero, in[b + 2 * cin + ci] - inputZero,
                        in[b + 3 * cin + ci] - inputZero, rows[ci], a0, a1, a2, a3, cout);
            }
            requantizer.applyRow(a0, cout, out, p * cout);
            requantizer.applyRow(a1, cout, out, (p + 1) * cout);
            requantizer.applyRow(a2, cout, out, (p + 2) * cout);
            requantizer.applyRow(a3, cout, out, (p + 3) * cout);
        }
        for (; p < pixels; p++) {
            System.arraycopy(bias, 0, a0, 0, cout);
            int b = p * cin;
            for (int ci = 0; ci < cin; ci++) {
                IntLoops.axpy(in[b + ci] - inputZero, rows[ci], a0, cout);
            }
            requantizer.applyRow(a0, cout, out, p * cout);
        }
    }
}
