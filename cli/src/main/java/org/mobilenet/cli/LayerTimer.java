package org.mobilenet.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.run.Network;

/** Measures each layer's time in a forward pass of a batch of seeded images: the median over several runs. */
final class LayerTimer {
    private LayerTimer() {
    }

    /** Warm-up lasts at least this long by default, so the JIT has compiled every kernel path. */
    static final long MIN_WARMUP_NANOS = 2_000_000_000L;

    /**
     * Layer name to median milliseconds per image, in layer order, timing passes of {@code batch}
     * images (a layer's median time for the batch divided by it). warmup: untimed passes first; a
     * negative value means at least 30 passes and at least {@link #MIN_WARMUP_NANOS}.
     */
    static Map<String, Double> medianMillis(Network net, int batch, int warmup, int runs) {
        float[] in = new float[Math.multiplyExact(net.inputSize(), batch)];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() * 2 - 1);
        }
        // Warm the same layer-by-layer path that is timed.
        if (warmup >= 0) {
            if (warmup > 0) {
                net.timeLayers(in, batch, warmup);
            }
        } else {
            long start = System.nanoTime();
            do {
                net.timeLayers(in, batch, 30);
            } while (System.nanoTime() - start < MIN_WARMUP_NANOS);
        }
        long[] nanos = net.timeLayers(in, batch, runs);
        List<LayerSpec> layers = net.graph().layers();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            out.put(layers.get(i).name(), nanos[i] / 1e6 / batch);
        }
        return out;
    }
}
