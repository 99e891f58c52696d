package org.mobilenet.io.tflite;

import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;

/**
 * A TFLite tensor's quantization as the engine's {@link QuantParams}. Per-channel quantization of
 * weights always lands on axis 0 of the engine's layouts (conv {@code [Cout, Cin, K, K]}, depthwise
 * {@code [C, 1, K, K]}, fc {@code [classes, C]}), whatever the TFLite dimension was.
 */
final class QuantMapping {
    private QuantMapping() {
    }

    /** The engine type of a quantized TFLite type. @throws FlatBufferException for any other type */
    static QuantType type(TfliteTensor t) {
        if (t.type() == TensorType.UINT8) {
            return QuantType.UINT8;
        }
        if (t.type() == TensorType.INT8) {
            return QuantType.INT8;
        }
        if (t.type() == TensorType.INT32) {
            return QuantType.INT32;
        }
        throw new FlatBufferException(t.describe() + " has type " + t.type() + "; expected a quantized type (UINT8,"
                + " INT8 or INT32)");
    }

    /** True when the tensor is a quantized 8-bit tensor with scales. */
    static boolean quantized8(TfliteTensor t) {
        return (t.type() == TensorType.UINT8 || t.type() == TensorType.INT8) && t.quantization().present();
    }

    /** A per-tensor activation's params. @throws FlatBufferException when not per tensor */
    static QuantParams activation(TfliteTensor t) {
        Quantization q = t.quantization();
        if (!q.present() || !q.perTensor()) {
            throw new FlatBufferException(t.describe() + ": expected one quantization scale for a quantized activation,"
                    + " found " + q.scale().length);
        }
        return params(type(t), q, 1, t);
    }

    /** Params with {@code channels} scales (1 per tensor), per channel along the engine's axis 0. */
    static QuantParams params(QuantType type, Quantization q, int channels, TfliteTensor t) {
        float[] s = new float[q.perTensor() ? 1 : channels];
        int[] z = new int[s.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = q.scaleAt(c);
            long zp = q.zeroPointAt(c);
            if (!type.holds(zp)) {
                throw new FlatBufferException(t.describe() + " has zero point " + zp + " outside " + type.id()
                        + "'s range");
            }
            z[c] = (int) zp;
        }
        try {
            return new QuantParams(type, s, z, s.length == 1 ? -1 : 0);
        } catch (IllegalArgumentException e) {
            throw new FlatBufferException(t.describe() + ": " + e.getMessage());
        }
    }

    /** A tensor of integers with params, checked by {@link QuantizedTensor}. */
    static QuantizedTensor tensor(int[] shape, int[] values, QuantParams q, TfliteTensor t) {
        try {
            return new QuantizedTensor(shape, values, q);
        } catch (IllegalArgumentException e) {
            throw new FlatBufferException(t.describe() + ": " + e.getMessage());
        }
    }
}
