package org.mobilenet.engine.shrink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.run.Network;

/**
 * The mean of every channel of every weighted layer's input activation over calibration images,
 * accumulated batch by batch through a source network. {@link Shrinker} uses them to replace the
 * channels it removes by their mean (a first-order bias correction).
 */
public final class ChannelMeans {
    private final Network net;
    private final List<LayerSpec> layers;
    private final double[][] sums;
    private long images;

    public ChannelMeans(Network source) {
        this.net = source;
        this.layers = source.graph().layers();
        this.sums = new double[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            sums[i] = new double[layers.get(i).outChannels()];
        }
    }

    /** Runs one batch. input {@code [n, R, R, 3]} NHWC. */
    public void accumulate(float[] input, int n) {
        int[] index = {0};
        net.forward(input, n, (layer, out, batch) -> {
            double[] s = sums[index[0]++];
            int c = layer.outChannels();
            long values = (long) batch * layer.out().h() * layer.out().w() * c;
            double perImage = (double) layer.out().h() * layer.out().w();
            for (long v = 0; v < values; v++) {
                s[(int) (v % c)] += out[(int) v] / perImage;
            }
        });
        images += n;
    }

    /** Images seen so far. */
    public long images() {
        return images;
    }

    /** Layer name to the per-channel mean of its input, for every weighted layer but the first. */
    public Map<String, float[]> inputMeans() {
        if (images == 0) {
            throw new IllegalStateException("no calibration images were run");
        }
        Map<String, float[]> m = new HashMap<>();
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).kind().hasWeights()) {
                double[] s = sums[i - 1];
                float[] mean = new float[s.length];
                for (int c = 0; c < s.length; c++) {
                    mean[c] = (float) (s[c] / images);
                }
                m.put(layers.get(i).name(), mean);
            }
        }
        return m;
    }
}
