package org.mobilenet.engine.run;

import java.util.List;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * Which leading layers a {@link Network} runs one image at a time when given a batch. Early
 * MobileNet layers have small weights and large activations: batched, eight images of activations
 * no longer fit in the caches and every such layer streams from memory; image by image, each
 * layer's input is still in cache from the layer before. Later layers have weights larger than one
 * image's activations and gain from sharing each weight load across the batch.
 */
final class PerImagePrefix {
    private PerImagePrefix() {
    }

    /**
     * The number of leading layers whose weights are fewer than their per-image input plus output
     * values (the longest such prefix).
     */
    static int length(List<LayerSpec> layers) {
        int i = 0;
        while (i < layers.size() && weights(layers.get(i)) < layers.get(i).in().size() + layers.get(i).out().size()) {
            i++;
        }
        return i;
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
