package org.mobilenet.engine.cost;

import org.mobilenet.engine.arch.LayerSpec;

/**
 * The analytic cost of one layer for one image, by the paper's convention: one multiply-add counts
 * once; {@code params} counts conv and FC weights only; {@code extraParams} the biases and BN
 * parameters (gamma, beta, mean, variance) the paper leaves out.
 */
public record LayerCost(LayerSpec layer, long multAdds, long params, long extraParams) {
    public LayerCost {
        if (multAdds < 0 || params < 0 || extraParams < 0) {
            throw new IllegalArgumentException("costs must be >= 0");
        }
    }

    /** The Table 2 type of this layer, or null for pooling and softmax. */
    public LayerType type() {
        return LayerType.of(layer);
    }

    /** Params with or without biases and BN. */
    public long params(boolean includeExtra) {
        return includeExtra ? params + extraParams : params;
    }
}
