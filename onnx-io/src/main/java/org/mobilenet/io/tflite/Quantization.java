package org.mobilenet.io.tflite;

/**
 * A tensor's affine quantization: {@code real = scale[c] * (q - zeroPoint[c])}, with one value for the
 * whole tensor or one per index of {@code dimension} (per-channel).
 *
 * @param scale     one or more scales; empty when the tensor is not quantized
 * @param zeroPoint the matching zero points (same length as scale, or empty meaning 0)
 * @param dimension the per-channel axis
 */
record Quantization(float[] scale, long[] zeroPoint, int dimension) {
    static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

    boolean present() {
        return scale.length > 0;
    }

    boolean perTensor() {
        return scale.length == 1;
    }

    float scaleAt(int channel) {
        return scale.length == 1 ? scale[0] : scale[channel];
    }

    long zeroPointAt(int channel) {
        if (zeroPoint.length == 0) {
            return 0;
        }
        return zeroPoint.length == 1 ? zeroPoint[0] : zeroPoint[channel];
    }
}
