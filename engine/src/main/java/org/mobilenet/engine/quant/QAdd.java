package org.mobilenet.engine.quant;

import org.mobilenet.engine.arch.LayerSpec;

/** A residual add of two quantized maps of one shape ({@link QuantAdd}'s arithmetic). */
final class QAdd extends QLayer {
    private final QuantAdd add;

    QAdd(LayerSpec spec, QuantAdd add) {
        super(spec);
        this.add = add;
    }

    @Override
    void reference(int[] in, int[] addend, int[] out) {
        int n = spec.out().h() * spec.out().w() * spec.out().c();
        for (int i = 0; i < n; i++) {
            out[i] = add.apply(addend[i], in[i]);
        }
    }

    @Override
    void fast(int[] in, int[] addend, int[] out, boolean vector) {
        add.applyAll(addend, in, out, spec.out().h() * spec.out().w() * spec.out().c());
    }
}
