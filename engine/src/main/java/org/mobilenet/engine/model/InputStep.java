package org.mobilenet.engine.model;

import java.util.Objects;

/**
 * One step of a quantized file's own input preprocessing, before its first layer (a Keras Rescaling
 * converted to int8: MUL by a constant, then ADD of one): the integers that reach it, times or plus
 * {@code constant} (one value, or one per channel), give integers of {@code output}'s quantization. The
 * float path has the same preprocessing folded into {@link Model#preprocessing()}; the integer path
 * computes these steps as the runtime does.
 *
 * @param op       what the step computes
 * @param constant the constant operand's integers and quantization (per tensor, 8-bit)
 * @param output   the quantization of the step's output (per tensor, 8-bit)
 */
public record InputStep(Op op, QuantizedTensor constant, QuantParams output) {
    /** The elementwise operations a step may be; the input is the first operand. */
    public enum Op { MUL, ADD }

    public InputStep {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(constant, "constant");
        Objects.requireNonNull(output, "output");
        if (constant.quant().perChannel() || constant.quant().type() == QuantType.INT32) {
            throw new IllegalArgumentException("an input step's constant must be 8-bit, quantized per tensor, got "
                    + constant.quant().describe());
        }
        if (output.perChannel() || output.type() == QuantType.INT32) {
            throw new IllegalArgumentException("an input step's output must be 8-bit, quantized per tensor, got "
                    + output.describe());
        }
    }
}
