package org.mobilenet.engine.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The integer values of a quantized parameter, in the same shape and layout as the model's float
 * tensor of the same name (see {@link TensorNames}; the float tensor holds the dequantized values).
 * Values are held as {@code int} whatever the type, checked against its range.
 */
public record QuantizedTensor(int[] shape, int[] values, QuantParams quant) {
    public QuantizedTensor {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(quant, "quant");
        shape = shape.clone();
        long n = Tensor.elementCount(shape);
        if (n != values.length) {
            throw new IllegalArgumentException("quantized tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
        if (quant.perChannel() && (quant.axis() >= shape.length || shape[quant.axis()] != quant.channels())) {
            throw new IllegalArgumentException("per-channel quantization along axis " + quant.axis() + " with "
                    + quant.channels() + " scales does not fit shape " + Arrays.toString(shape));
        }
        QuantType t = quant.type();
        if (t != QuantType.INT32) {
            int min = t.min();
            int max = t.max();
            for (int v : values) {
                if (v < min || v > max) {
                    throw new IllegalArgumentException("value " + v + " is outside " + t.id() + "'s range");
                }
            }
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The values as reals, {@code scale * (q - zeroPoint)} per channel: what the float tensor holds. */
    public Tensor dequantize() {
        float[] out = new float[values.length];
        int axis = quant.axis();
        int inner = 1;
        if (axis >= 0) {
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        int channels = quant.channels();
        for (int i = 0; i < values.length; i++) {
            int c = axis < 0 ? 0 : (i / inner) % channels;
            out[i] = quant.dequantize(values[i], c);
        }
        return new Tensor(shape, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values)
                && quant.equals(t.quant);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(values)) + quant.hashCode();
    }

    @Override
    public String toString() {
        return "QuantizedTensor" + Arrays.toString(shape) + " " + quant.describe();
    }
}
