package org.mobilenet.cli.classify;

import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;

/**
 * The pure-Java engine: a compiled {@link Network}; the features are taken at the layer that gives
 * them ({@code LayerGraph#featureLayer}: the pool, or the map a dense layer reads flattened).
 */
public final class JavaBackend implements Backend {
    private final Network network;
    private final int featureWidth;
    /** The name of the layer whose output is the feature vector, or null (none: the output itself). */
    private final String featureLayer;
    /** Whether the warm-up was started or ruled out; until then batches wait (see {@link #ready()}). */
    private boolean decided;

    public JavaBackend(Model model) {
        this.network = Network.compile(model);
        this.featureWidth = model.featureWidth();
        LayerSpec f = model.graph().featureLayer();
        this.featureLayer = f == null ? null : f.name();
        // The command decides from the number of images (expectImages), not from its first pass; a
        // network with nothing to warm up (kernels forced by name) has nothing to decide.
        network.noWarmUpAfterPass();
        this.decided = network.warm();
    }

    @Override
    public boolean ready() {
        return decided && !network.warmingUp();
    }

    @Override
    public boolean warmingUp() {
        return network.warmingUp();
    }

    /** {@link Network#warm()}: its own kernels run, or its warm-up gave up; for tests. */
    boolean warm() {
        return network.warm();
    }

    @Override
    public void expectImages(long images, boolean all) {
        if (decided) {
            return;
        }
        if (network.worthWarmingUp(images)) {
            network.startWarmUp();
            decided = true;
        } else {
            decided = all;
        }
    }

    @Override
    public Result run(float[] input, int n, boolean features) {
        if (!features) {
            return new Result(network.forward(input, n), null);
        }
        float[] pooled = new float[n * featureWidth];
        String featureLayer = this.featureLayer;
        float[] out = network.forward(input, n, (layer, values, batch) -> {
            if (layer.name().equals(featureLayer)) {
                System.arraycopy(values, 0, pooled, 0, pooled.length);
            }
        });
        return new Result(out, pooled);
    }
}
