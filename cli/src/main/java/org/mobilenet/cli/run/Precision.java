package org.mobilenet.cli.run;

/** Which path runs a model: the integer path of a quantized model, or the float engine. */
public enum Precision {
    /** The integer path ({@code org.mobilenet.engine.quant}), for quantized models. */
    INT8,
    /** The float engine on the model's (dequantized) float tensors. */
    FLOAT
}
