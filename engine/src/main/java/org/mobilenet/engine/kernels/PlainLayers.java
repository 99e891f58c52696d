package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerSpec;

/** Wraps the plain {@link Kernels} methods as {@link PreparedLayer}s (serial, weights as given). */
final class PlainLayers {
    private PlainLayers() {
    }

    static ConvShape shape(LayerSpec l) {
        return new ConvShape(l.in().h(), l.in().w(), l.inChannels(), l.outChannels(), l.kernel(), l.stride(), l.pads());
    }

    static PreparedLayer prepare(Kernels k, LayerSpec l, float[] w, float[] b, Activation act) {
        return switch (l.kind()) {
            case CONV -> {
                ConvShape s = shape(l);
                yield (in, n, out, par) -> k.conv(in, n, s, w, b, act, out);
            }
            case DEPTHWISE -> {
                ConvShape s = shape(l);
                yield (in, n, out, par) -> k.depthwise(in, n, s, w, b, act, out);
            }
            case POINTWISE -> (in, n, out, par) -> k.pointwise(in, n * l.in().h() * l.in().w(), l.inChannels(),
                    l.outChannels(), w, b, act, out);
            case AVG_POOL -> (in, n, out, par) -> k.averagePool(in, n, l.in().h(), l.in().w(), l.inChannels(), out);
            case FC -> (in, n, out, par) -> {
                k.fullyConnected(in, n, l.inChannels(), l.outChannels(), w, b, out);
                activate(out, n * l.outChannels(), act);
            };
            case SOFTMAX -> (in, n, out, par) -> k.softmax(in, n, l.outChannels(), out);
            case SIGMOID -> (in, n, out, par) -> Sigmoid.apply(in, n * l.outChannels(), out);
            case ADD -> {
                int size = (int) l.out().size();
                yield (PreparedAdd) (in, addend, n, out, par) -> k.add(in, addend, n * size, act, out);
            }
            case SCALE -> scale(l);
        };
    }

    /**
     * Squeeze-and-excite's scaling, one plain loop for every kernel set (C2 vectorizes its inner loop):
     * in (the gate) {@code [n, c]}, addend (the map) {@code [n, h * w, c]}, out like the map.
     */
    static PreparedAdd scale(LayerSpec l) {
        int pixels = l.out().h() * l.out().w();
        int c = l.out().c();
        return (gate, map, n, out, par) -> {
            for (int img = 0; img < n; img++) {
                for (int p = 0; p < pixels; p++) {
                    int at = (img * pixels + p) * c;
                    int g = img * c;
                    for (int j = 0; j < c; j++) {
                        out[at + j] = map[at + j] * gate[g + j];
                    }
                }
            }
        };
    }

    /** Applies {@code act} to {@code v[0 .. len)} in place (a fully connected layer's, after the plain kernel). */
    static void activate(float[] v, int len, Activation act) {
        if (act == Activation.NONE) {
            return;
        }
        for (int i = 0; i < len; i++) {
            v[i] = act.apply(v[i]);
        }
    }
}
