package org.mobilenet.engine.run;

import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

/**
 * A network's layers on a smaller input: the same kinds, kernels, strides, pads, channels and
 * activations (so the kernels take the same code paths: the tile chosen for a layer depends on its
 * channels, the edge handling on its pads and stride), with every feature map about a quarter of
 * the side. {@link WarmUp} runs such a copy to get the JIT to compile a kernel set for a model
 * at about a sixteenth of the model's cost per pass.
 */
final class ShrunkLayers {
    /** Each side of the input is divided by this, at least. */
    static final int DIVISOR = 4;

    private ShrunkLayers() {
    }

    /**
     * The layers on the smallest input of at least {@code 1/DIVISOR} of each side on which every layer
     * still has an output; the layers themselves when no smaller input is valid.
     */
    static List<LayerSpec> of(List<LayerSpec> layers) {
        Shape in = layers.get(0).in();
        for (int h = ceilDiv(in.h(), DIVISOR), w = ceilDiv(in.w(), DIVISOR); h < in.h() || w < in.w();
                h = Math.min(h + 1, in.h()), w = Math.min(w + 1, in.w())) {
            List<LayerSpec> small = at(layers, new Shape(h, w, in.c()));
            if (small != null) {
                return small;
            }
        }
        return layers;
    }

    /** The layers re-derived from {@code input}, or null when a layer would have no output there. */
    static List<LayerSpec> at(List<LayerSpec> layers, Shape input) {
        List<LayerSpec> out = new ArrayList<>(layers.size());
        List<String> names = new ArrayList<>(layers.size());
        Shape previous = input;
        for (LayerSpec l : layers) {
            Shape o;
            switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> {
                    Pads p = l.pads();
                    int h = side(previous.h(), p.top() + p.bottom(), l.kernel(), l.stride());
                    int w = side(previous.w(), p.left() + p.right(), l.kernel(), l.stride());
                    if (h < 1 || w < 1) {
                        return null;
                    }
                    o = new Shape(h, w, l.out().c());
                }
                case AVG_POOL -> o = new Shape(1, 1, l.out().c());
                case FC, SOFTMAX, SIGMOID -> o = l.out();
                case ADD -> o = previous;
                case SCALE -> {
                    int a = names.indexOf(l.addend());
                    if (a < 0) {
                        return null;
                    }
                    o = out.get(a).out(); // the scaled map, at its smaller size
                }
                default -> throw new IllegalStateException(l.kind().toString());
            }
            if (l.addend() != null) {
                int addend = names.indexOf(l.addend());
                if (addend < 0 || !out.get(addend).out().equals(o)) {
                    return null;
                }
            }
            out.add(new LayerSpec(l.name(), l.kind(), l.kernel(), l.stride(), l.pads(), previous, o, l.activation(),
                    l.addend()));
            names.add(l.name());
            previous = o;
        }
        return out;
    }

    /** One output side of a k x k conv, or 0 when the padded input is smaller than the kernel. */
    private static int side(int in, int pads, int k, int stride) {
        return in + pads < k ? 0 : (in + pads - k) / stride + 1;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
