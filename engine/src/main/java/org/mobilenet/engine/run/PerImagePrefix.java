package org.mobilenet.engine.run;

import java.util.List;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * Which leading layers a {@link Network} runs one image at a time when given a batch. Batched,
 * eight images of early activations no longer fit in the caches and each layer streams them from
 * memory; image by image, each layer's input is still in cache from the layer before, and on
 * several threads whole images go to different workers with no synchronization between layers.
 * The price is reading the weights once per image instead of once per batch, so the prefix ends
 * at the first layer whose weights are both larger than one image's activations (its input plus
 * output) and larger than {@link #CACHED_WEIGHTS} (which stay in a core's cache between images).
 * Measured on MobileNet 1.0/224 and 0.25/128 at batch 8, one and two threads, this beat both
 * batching everything and running everything before the classifier image by image.
 *
 * <p>Residual adds (and v3's scalings) may lie inside the prefix (each image runs them in its own
 * buffers), but only the prefix's last output is handed to the batched layers: so the prefix also ends
 * early enough that no add or scaling after it names a layer inside it other than its last one.
 */
final class PerImagePrefix {
    /** Weights (floats) small enough to stay in a core's L2 cache between images: 256 KiB. */
    static final long CACHED_WEIGHTS = 64 * 1024;

    private PerImagePrefix() {
    }

    /** The number of leading layers whose weights are re-read cheaply per image. */
    static int length(List<LayerSpec> layers) {
        int p = 0;
        while (p < layers.size() && cheapPerImage(layers.get(p))) {
            p++;
        }
        // An add at j >= p that names layer a < p - 1 needs a's output after the prefix: end the
        // prefix at a instead (repeated, as a shorter prefix can have later adds reach into it).
        for (boolean changed = true; changed && p > 0; ) {
            changed = false;
            for (int j = p; j < layers.size(); j++) {
                LayerSpec l = layers.get(j);
                if (l.addend() != null) { // an add's, or a squeeze-and-excite scaling's
                    int a = indexOf(layers, l.addend(), j);
                    if (a < p - 1) {
                        p = a + 1;
                        changed = true;
                    }
                }
            }
        }
        return p;
    }

    private static int indexOf(List<LayerSpec> layers, String name, int before) {
        for (int i = before - 1; i >= 0; i--) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + " is not a layer before " + layers.get(before).name());
    }

    private static boolean cheapPerImage(LayerSpec l) {
        long w = weights(l);
        return w <= CACHED_WEIGHTS || w < l.in().size() + l.out().size();
    }

    private static long weights(LayerSpec l) {
        int[] shape = l.weightShape();
        long n = 1;
        if (shape != null) {
            for (int d : shape) {
                n *= d;
            }
        }
        return n;
    }
}
