package org.mobilenet.engine.run;

import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;

/**
 * A layer whose activation is not a clamp (MobileNet v3's hard-swish and hard-sigmoid): the kernel,
 * prepared linear, then the activation over its output. Shape: out {@code [n, h, w, c]} of the layer.
 */
final class PostActivation implements PreparedLayer {
    private final PreparedLayer linear;
    private final Activation act;
    private final int size;

    private PostActivation(PreparedLayer linear, Activation act, int size) {
        this.linear = linear;
        this.act = act;
        this.size = size;
    }

    static PreparedLayer of(PreparedLayer linear, LayerSpec l) {
        return new PostActivation(linear, l.activation(), Math.toIntExact(l.out().size()));
    }

    @Override
    public void run(float[] in, int n, float[] out, Parallel parallel) {
        linear.run(in, n, out, parallel);
        int len = n * size;
        for (int i = 0; i < len; i++) {
            out[i] = act.apply(out[i]); // the one definition (Activation#apply)
        }
    }
}
