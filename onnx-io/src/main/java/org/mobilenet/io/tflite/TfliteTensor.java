package org.mobilenet.io.tflite;

import java.util.Arrays;

/**
 * One tensor of a TFLite subgraph as declared in the file (nothing checked yet beyond the reads).
 *
 * @param index        position in the subgraph's tensor list
 * @param name         the tensor's name, or "" when it has none
 * @param shape        the declared shape (TFLite activations are NHWC)
 * @param type         element type, or null for a type this reader does not know
 * @param typeCode     the raw TensorType code (for messages)
 * @param buffer       index into Model.buffers (0 = no data)
 * @param quantization its quantization, {@link Quantization#NONE} when absent
 */
record TfliteTensor(int index, String name, int[] shape, TensorType type, int typeCode, long buffer,
        Quantization quantization) {

    /** The element count of the declared shape, or -1 when a dimension is negative or it overflows. */
    long elementCount() {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return -1;
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }

    String describe() {
        return "tensor " + index + (name.isEmpty() ? "" : " '" + name + "'") + " " + Arrays.toString(shape);
    }
}
