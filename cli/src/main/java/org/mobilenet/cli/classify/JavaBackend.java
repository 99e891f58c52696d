package org.mobilenet.cli.classify;

import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;

/** The pure-Java engine: a compiled {@link Network}; the pooled features are taken at the pool layer. */
public final class JavaBackend implements Backend {
    private final Network network;
    private final int featureWidth;

    public JavaBackend(Model model) {
        this.network = Network.compile(model);
        this.featureWidth = model.featureWidth();
    }

    @Override
    public boolean ready() {
        return network.warm();
    }

    @Override
    public void expectMore() {
        network.startWarmUp();
    }

    @Override
    public void expectNoMore() {
        network.noWarmUpAfterPass();
    }

    @Override
    public Result run(float[] input, int n, boolean features) {
        if (!features) {
            return new Result(network.forward(input, n), null);
        }
        float[] pooled = new float[n * featureWidth];
        float[] out = network.forward(input, n, (layer, values, batch) -> {
            if (layer.kind() == LayerKind.AVG_POOL) {
                System.arraycopy(values, 0, pooled, 0, pooled.length);
            }
        });
        return new Result(out, pooled);
    }
}
