package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.QuantParams;

/**
 * A quantized logistic sigmoid (TFLite's LOGISTIC) as XNNPACK computes it: a table of the 256 inputs,
 * each dequantized, {@code 1 / (1 + e^-x)} in float (for x >= 0 as {@code 1 - 1 / (1 + e^x)}), divided
 * by the output scale, rounded half to even, plus the output's zero point, clamped to its type.
 * Shape line: in {@code [C]}, out {@code [C]} per image.
 */
final class QSigmoid extends QLayer {
    /** The output value of each input value, indexed by {@code q - in.type().min()}. */
    private final int[] table;
    private final int offset;

    QSigmoid(LayerSpec spec, QuantParams in, QuantParams out) {
        super(spec);
        this.offset = in.type().min();
        this.table = new int[in.type().max() - in.type().min() + 1];
        float inverse = 1f / out.scale();
        for (int q = in.type().min(); q <= in.type().max(); q++) {
            float x = (q - in.zeroPoint()) * in.scale();
            float y = x < 0 || (x == 0 && 1 / x < 0) ? 1f / (1f + (float) Math.exp(-x))
                    : 1f - 1f / (1f + (float) Math.exp(x));
            double v = Math.rint(y * inverse) + out.zeroPoint();
            table[q - offset] = (int) Math.max(out.type().min(), Math.min(out.type().max(), v));
        }
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        for (int i = 0; i < spec.in().c(); i++) {
            out[i] = table[in[i] - offset];
        }
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        reference(in, addend, out);
    }
}
