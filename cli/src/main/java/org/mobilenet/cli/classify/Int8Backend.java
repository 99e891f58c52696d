package org.mobilenet.cli.classify;

import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.quant.Requantize;

/**
 * The engine's integer path ({@link QuantizedNetwork}) for {@code classify --precision int8}: the
 * preprocessed image (resized as TFLite's legacy bilinear does, normalized as the model says) is
 * quantized with the input's params, rounding half to even (for Coral's models: the resized pixel
 * rounded to the nearest integer), run in integers, and the outputs dequantized. A file that
 * preprocesses its input in its graph (its input steps) is given what the file takes instead: the
 * pixels, as its own integers, or its own float input, quantized as its QUANTIZE does. Pooled features
 * ({@code --features}) are not available from this path.
 */
public final class Int8Backend implements Backend {
    private final Model model;
    private final QuantizedNetwork network;

    public Int8Backend(Model model) {
        this.model = model;
        this.network = QuantizedNetwork.compile(model);
    }

    @Override
    public Result run(float[] input, int n, boolean features) {
        if (features) {
            throw new IllegalArgumentException("--features is not available with --precision int8");
        }
        return new Result(network.dequantize(network.forward(quantize(model, network, input), n)), null);
    }

    /**
     * The integers the network takes for preprocessed images {@code x} (NHWC, the engine's float input):
     * {@code x} quantized; for a file with input steps, the file's own input they came from (its pixels
     * rounded into its integer type and requantized as its QUANTIZE does, or its float input quantized).
     */
    public static int[] quantize(Model model, QuantizedNetwork network, float[] x) {
        ModelQuantization q = model.quantization().orElseThrow();
        if (q.inputSteps().isEmpty()) {
            return network.quantizeInput(x);
        }
        float[] own = model.fileInput(x);
        if (!q.quantizedInput()) {
            return network.quantizeInput(own);
        }
        // The file takes integers: the pixels (an int8 input holds pixel - 128), then its QUANTIZE, if any.
        QuantType t = q.takes().type();
        int shift = t == QuantType.INT8 ? -128 : 0;
        int[] ints = new int[own.length];
        for (int i = 0; i < own.length; i++) {
            ints[i] = (int) Math.max(t.min(), Math.min(t.max(), Math.rint(own[i]) + shift));
        }
        return q.fileInput() != null ? Requantize.of(ints, q.fileInput(), q.input()) : ints;
    }
}
