package org.mobilenet.cli.classify;

import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.quant.QuantizedNetwork;

/**
 * The engine's integer path ({@link QuantizedNetwork}) for {@code classify --precision int8}: the
 * preprocessed image (resized as TFLite's legacy bilinear does, normalized as the model says) is
 * quantized with the input's params, rounding half to even (for Coral's models: the resized pixel
 * rounded to the nearest integer), run in integers, and the outputs dequantized. Pooled features
 * ({@code --features}) are not available from this path.
 */
public final class Int8Backend implements Backend {
    private final QuantizedNetwork network;

    public Int8Backend(Model model) {
        this.network = QuantizedNetwork.compile(model);
    }

    @Override
    public Result run(float[] input, int n, boolean features) {
        if (features) {
            throw new IllegalArgumentException("--features is not available with --precision int8");
        }
        return new Result(network.dequantize(network.forward(network.quantizeInput(input), n)), null);
    }
}
