package org.mobilenet.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.run.Network;

/** Measures each layer's time in a forward pass of one seeded image: the median over several runs. */
final class LayerTimer {
    private LayerTimer() {
    }

    /** Layer name to median milliseconds per image, in layer order. */
    static Map<String, Double> medianMillis(Network net, int warmup, int runs) {
        float[] in = new float[net.inputSize()];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < warmup; i++) {
            net.forward(in, 1);
        }
        long[] nanos = net.timeLayers(in, 1, runs);
        List<LayerSpec> layers = net.spec().layers();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            out.put(layers.get(i).name(), nanos[i] / 1e6);
        }
        return out;
    }
}
