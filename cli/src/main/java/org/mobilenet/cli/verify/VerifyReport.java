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
 * @param outputScale         for a quantized model compared on its integer path: the output's
 *                            quantization step (differences are reported in steps); 0 for a float model
 * @param kernels             the engine's kernel sets compared, each against the reference: the
 *                            figures are those of the set furthest outside the tolerance, the
 *                            agreements the lowest, and all must pass
 * @param dynamicQuantization the file is quantized dynamically (ONNX Runtime quantizes its activations
 *                            at run time; the engine runs the float model they approximate)
 */
public record VerifyReport(String model, int inputs, DiffStats output, double top1Agreement, double top5Agreement,
        boolean pass, List<LayerDiff> layers, LayerDiff firstDivergentLayer, double outputScale, List<String> kernels,
        double allowedSteps, double halfAtol, boolean dynamicQuantization) {
    /**
     * A report whose output tolerance is the one asked for ({@code allowedSteps} and {@code halfAtol} 0);
     * otherwise {@code allowedSteps} is the output tolerance in steps a quantized sigmoid head was compared
     * to, and {@code halfAtol} the absolute tolerance of a graph that computes in float16 (see {@code Verifier}).
     */
    public VerifyReport(String model, int inputs, DiffStats output, double top1Agreement, double top5Agreement,
            boolean pass, List<LayerDiff> layers, LayerDiff firstDivergentLayer, double outputScale,
            List<String> kernels) {
        this(model, inputs, output, top1Agreement, top5Agreement, pass, layers, firstDivergentLayer, outputScale, kernels,
                0, 0, false);
    }

    public VerifyReport {
        layers = List.copyOf(layers);
        kernels = List.copyOf(kernels);
        if (kernels.isEmpty()) {
            throw new IllegalArgumentException("a report compares at least one kernel set");
        }
    }

    /** True when the engine's integer path was compared (differences in quantization steps). */
    public boolean quantized() {
        return outputScale > 0;
    }

    /** The largest output difference in quantization steps (quantized models only). */
    public double maxDiffSteps() {
        return quantized() ? output.maxAbsDiff() / outputScale : Double.NaN;
    }

    /** One layer's comparison. */
    public record LayerDiff(String layer, DiffStats diff) {
    }
}
