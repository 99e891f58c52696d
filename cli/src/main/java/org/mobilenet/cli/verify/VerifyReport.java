package org.mobilenet.cli.verify;

import java.util.List;

/**
 * The outcome of running a model in ONNX Runtime (reference) and in the engine on the same inputs.
 *
 * @param model               the model file as given
 * @param inputs              images compared
 * @param output              comparison of the final outputs
 * @param top1Agreement       fraction of images whose top-1 class agrees (1 for a headless model's features too)
 * @param top5Agreement       fraction whose reference top-1 is in the engine's top 5
 * @param pass                final outputs within tolerance
 * @param layers              per-layer comparisons in order (empty unless asked for)
 * @param firstDivergentLayer the first layer outside tolerance, or null
 */
public record VerifyReport(String model, int inputs, DiffStats output, double top1Agreement, double top5Agreement,
        boolean pass, List<LayerDiff> layers, LayerDiff firstDivergentLayer) {

    /** One layer's comparison. */
    public record LayerDiff(String layer, DiffStats diff) {
    }
}
