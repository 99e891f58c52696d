package org.mobilenet.engine.quant;

import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;

/**
 * Quantized softmax as TFLite's builtin optimized kernel computes it (the XNNPACK delegate leaves
 * quantized SOFTMAX to TFLite; measured, see the README): a table of 256 floats
 * {@code exp(-inputScale * d)} for the distance {@code d} of a value below the row's maximum, summed
 * in float in channel order, each entry times {@code 1 / (sum * outputScale)}; uint8 outputs are then
 * truncated after adding 0.5 (TFLite's choice off ARM64; their zero point must be 0), int8 ones rounded half away from zero, plus
 * the zero point, clamped to the type. Beta is 1.
 */
public final class QuantSoftmax {
    private final float[] table = new float[256];
    private final float outScale;
    private final int zeroPoint;
    private final QuantType type;

    public QuantSoftmax(QuantParams in, QuantParams out) {
        float scale = -in.scale();
        for (int d = 0; d <= 255; d++) {
            // expf of a float argument; Java's double exp rounded to float agrees but for rare ties.
            table[255 - d] = (float) Math.exp(scale * d);
        }
        if (out.type() == QuantType.UINT8 && out.zeroPoint() != 0) {
            throw new IllegalArgumentException("a uint8 softmax output needs zero point 0, got " + out.describe());
        }
        this.outScale = out.scale();
        this.zeroPoint = out.zeroPoint();
        this.type = out.type();
    }

    /** Softmax of {@code in[offset .. offset + n)} into {@code out[offset ..]}. */
    public void apply(int[] in, int offset, int n, int[] out) {
        int max = Integer.MIN_VALUE;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, in[offset + j]);
        }
        int base = 255 - max;
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            sum += table[base + in[offset + j]];
        }
        float inv = 1.0f / (sum * outScale);
        for (int j = 0; j < n; j++) {
            float p = table[base + in[offset + j]] * inv;
            // TFLite's uint8 path adds no zero point (a uint8 softmax output's is 0, checked at construction).
            int q = type == QuantType.UINT8 ? (int) (p + 0.5f) : (int) Math.round((double) p) + zeroPoint;
            out[offset + j] = Math.min(Math.max(q, type.min()), type.max());
        }
    }
}
