package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;

/** A quantized softmax over the channels ({@link QuantSoftmax}'s arithmetic; one kernel serves both). */
final class QSoftmax extends QLayer {
    private final QuantSoftmax softmax;

    QSoftmax(LayerSpec spec, QuantSoftmax softmax) {
        super(spec);
        this.softmax = softmax;
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        softmax.apply(in, 0, spec.in().c(), out);
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        softmax.apply(in, 0, spec.in().c(), out);
    }
}
