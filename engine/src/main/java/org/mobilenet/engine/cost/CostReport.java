package org.mobilenet.engine.cost;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.ModelSpec;

/**
 * Per-layer costs of a network, with totals and the paper's Table 2 breakdown by layer type.
 *
 * @param architecture what was costed: a {@link ModelSpec}, a {@code MobileNetV2Spec}, or a bare graph
 * @param layers       one cost per layer of its graph, in order
 */
public record CostReport(Architecture architecture, List<LayerCost> layers) {

    /** One row of Table 2. */
    public record TypeShare(LayerType type, long multAdds, long params, double multAddsPercent, double paramsPercent) {
    }

    public CostReport {
        Objects.requireNonNull(architecture, "architecture");
        layers = List.copyOf(layers);
    }

    /** The MobileNet v1 spec costed; for the v1-only callers (shrink) that had this before v2 existed. */
    public ModelSpec spec() {
        if (architecture instanceof ModelSpec s) {
            return s;
        }
        throw new IllegalStateException(architecture.describe() + " is not a MobileNet v1 spec");
    }

    public long totalMultAdds() {
        return layers.stream().mapToLong(LayerCost::multAdds).sum();
    }

    /** Total params by the paper's convention (weights only). */
    public long totalParams() {
        return totalParams(false);
    }

    /** Total params, with biases and BN when {@code includeExtra}. */
    public long totalParams(boolean includeExtra) {
        return layers.stream().mapToLong(c -> c.params(includeExtra)).sum();
    }

    /**
     * Table 2: Mult-Adds and params per layer type, with shares of the totals, in percent. Every
     * type of the paper's table has a row (a variant without depthwise convs shows zeros there);
     * {@link LayerType#ADD} and {@link LayerType#SCALE} have one only when the network has residual adds
     * or v3's scalings, so a v1 report is exactly the paper's table.
     */
    public Map<LayerType, TypeShare> byType(boolean includeExtra) {
        Map<LayerType, long[]> sums = new EnumMap<>(LayerType.class);
        for (LayerType t : LayerType.values()) {
            boolean optional = t == LayerType.ADD || t == LayerType.SCALE;
            if (!optional || layers.stream().anyMatch(c -> c.type() == t)) {
                sums.put(t, new long[2]);
            }
        }
        for (LayerCost c : layers) {
            LayerType t = c.type();
            if (t != null) {
                sums.get(t)[0] += c.multAdds();
                sums.get(t)[1] += c.params(includeExtra);
            }
        }
        double ma = totalMultAdds();
        double pa = totalParams(includeExtra);
        Map<LayerType, TypeShare> out = new EnumMap<>(LayerType.class);
        sums.forEach((t, v) -> out.put(t, new TypeShare(t, v[0], v[1],
                ma == 0 ? 0 : 100.0 * v[0] / ma, pa == 0 ? 0 : 100.0 * v[1] / pa)));
        return out;
    }
}
