package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;

/**
 * One compiled layer of a {@link QuantizedNetwork}: quantized values in, quantized values out, one
 * image at a time, activations NHWC ({@code [H, W, C]} per image, as TFLite holds them). Each layer
 * has a plain reference kernel (loops over the engine-layout weights with the zero points
 * subtracted where they are used: obviously TFLite's formula) and a fast one over repacked weights,
 * tested against each other.
 */
abstract class QLayer {
    final LayerSpec spec;

    QLayer(LayerSpec spec) {
        this.spec = spec;
    }

    /** The reference kernel. @param addend the added layer's output for an add, else null */
    abstract void reference(int[] in, int[] addend, int[] out);

    /**
     * The fast kernel: the same values as {@link #reference}.
     *
     * @param vector whether Vector API kernels may run (else plain loops only)
     */
    abstract void fast(int[] in, int[] addend, int[] out, boolean vector);
}
