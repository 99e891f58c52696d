package org.mobilenet.cli;

import java.util.Arrays;
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
        List<LayerSpec> layers = net.spec().layers();
        long[][] samples = new long[layers.size()][runs];
        for (int run = 0; run < runs; run++) {
            final int k = run;
            long[] last = {System.nanoTime()};
            int[] idx = {0};
            net.forward(in, 1, (layer, out, n) -> {
                long now = System.nanoTime();
                samples[idx[0]++][k] = now - last[0];
                last[0] = now;
            });
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            long[] s = samples[i];
            Arrays.sort(s);
            out.put(layers.get(i).name(), s[s.length / 2] / 1e6);
        }
        return out;
    }
}
