package org.mobilenet.engine.cost;

import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;

/**
 * Mult-Adds and parameters per layer (the paper's Section 3 formulas):
 * <ul>
 *   <li>standard conv: {@code Dk * Dk * M * N * Df * Df} Mult-Adds, {@code Dk * Dk * M * N} params;</li>
 *   <li>depthwise: {@code Dk * Dk * M * Df * Df}, {@code Dk * Dk * M};</li>
 *   <li>pointwise: {@code M * N * Df * Df}, {@code M * N};</li>
 *   <li>fully connected: {@code M * N}, {@code M * N};</li>
 * </ul>
 * where Df x Df is the output size (Dh x Dw for a non-square input). Pooling, softmax and residual
 * adds count zero (an add's H x W x C additions are not multiply-adds, by the papers' convention).
 */
public final class CostModel {
    private CostModel() {
    }

    /**
     * The cost of an architecture as the papers train it: BN after every conv (4 values per
     * channel) and a bias on the FC layer counted as extra params.
     */
    public static CostReport of(Architecture arch) {
        List<LayerCost> costs = new ArrayList<>();
        for (LayerSpec l : arch.graph().layers()) {
            long extra = switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> 4L * l.outChannels();
                case FC -> l.outChannels();
                default -> 0;
            };
            costs.add(new LayerCost(l, multAdds(l), params(l), extra));
        }
        return new CostReport(arch, costs);
    }

    /** The cost of a graph (see {@link #of(Architecture)}). */
    public static CostReport of(LayerGraph graph) {
        return of((Architecture) graph);
    }

    /** The cost of a MobileNet v1 spec (see {@link #of(Architecture)}). */
    public static CostReport of(ModelSpec spec) {
        return of((Architecture) spec);
    }

    /** The cost of a loaded model: extra params are the biases and BN tensors it really has. */
    public static CostReport of(Model model) {
        List<LayerCost> costs = new ArrayList<>();
        for (LayerSpec l : model.graph().layers()) {
            long extra = 0;
            if (l.kind().hasWeights()) {
                if (model.has(TensorNames.bias(l.name()))) {
                    extra += l.outChannels();
                }
                if (model.has(TensorNames.bnGamma(l.name()))) {
                    extra += 4L * l.outChannels();
                }
            }
            costs.add(new LayerCost(l, multAdds(l), params(l), extra));
        }
        return new CostReport(model.architecture(), costs);
    }

    /** Mult-Adds of a list of layers for one image (no report: for a caller that needs only the sum). */
    public static long multAdds(List<LayerSpec> layers) {
        long sum = 0;
        for (LayerSpec l : layers) {
            sum += multAdds(l);
        }
        return sum;
    }

    /** Mult-Adds of one layer for one image. */
    public static long multAdds(LayerSpec l) {
        long outPixels = (long) l.out().h() * l.out().w();
        long k2 = (long) l.kernel() * l.kernel();
        return switch (l.kind()) {
            case CONV -> k2 * l.inChannels() * l.outChannels() * outPixels;
            case DEPTHWISE -> k2 * l.inChannels() * outPixels;
            case POINTWISE, FC -> (long) l.inChannels() * l.outChannels() * outPixels;
            case SCALE -> l.out().size(); // a multiply per value of the scaled map
            case AVG_POOL, SOFTMAX, SIGMOID, ADD -> 0;
        };
    }

    /** Weights of one layer (no biases, no BN). */
    public static long params(LayerSpec l) {
        long k2 = (long) l.kernel() * l.kernel();
        return switch (l.kind()) {
            case CONV -> k2 * l.inChannels() * l.outChannels();
            case DEPTHWISE -> k2 * l.inChannels();
            case POINTWISE, FC -> (long) l.inChannels() * l.outChannels();
            case AVG_POOL, SOFTMAX, SIGMOID, ADD, SCALE -> 0;
        };
    }
}
