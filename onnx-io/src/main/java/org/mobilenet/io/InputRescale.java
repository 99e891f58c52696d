package org.mobilenet.io;

import org.mobilenet.engine.model.Preprocessing;

/**
 * Input preprocessing a model file does in its own graph before its first layer ({@code x * scale[c] +
 * shift[c]} per channel, from elementwise multiply, add, subtract and divide by constants: a Keras
 * Rescaling layer), which the importers fold into the model's preprocessing
 * ({@link org.mobilenet.engine.model.Preprocessing#followedBy}). The arithmetic of each step is here
 * once, for the TFLite and the ONNX import.
 */
public record InputRescale(float[] scale, float[] shift) {
    /** The elementwise operations a step may be. */
    public enum Op { MUL, ADD, SUB, DIV }

    /**
     * One step: the input {@code op} a constant (one value, or one per channel), the input being the
     * operation's first operand ({@code inputFirst}) or its second.
     *
     * @throws IllegalArgumentException for a constant of another length, a constant divided by the input,
     *         or a step whose scale is not finite and positive (it would flip or erase the image)
     */
    public static InputRescale step(Op op, float[] constant, boolean inputFirst, int channels) {
        if (constant.length != 1 && constant.length != channels) {
            throw new IllegalArgumentException("uses " + constant.length + " constant values; expected one, or one"
                    + " per channel (" + channels + ")");
        }
        if (op == Op.DIV && !inputFirst) {
            throw new IllegalArgumentException("divides a constant by the input; expected the input divided by a"
                    + " constant");
        }
        float[] a = new float[channels];
        float[] b = new float[channels];
        for (int c = 0; c < channels; c++) {
            float k = constant[constant.length == 1 ? 0 : c];
            switch (op) {
                case MUL -> a[c] = k;
                case ADD -> {
                    a[c] = 1;
                    b[c] = k;
                }
                case SUB -> {
                    a[c] = inputFirst ? 1 : -1;
                    b[c] = inputFirst ? -k : k;
                }
                case DIV -> a[c] = 1 / k;
            }
            if (!(a[c] > 0) || !Float.isFinite(a[c]) || !Float.isFinite(b[c])) {
                throw new IllegalArgumentException("scales the input by " + a[c] + " and shifts it by " + b[c]
                        + "; the input preprocessing the engine takes over needs a finite positive scale");
            }
        }
        return new InputRescale(a, b);
    }

    /**
     * How a file whose graph rescales its input this way takes the image's pixels when nothing else (its
     * metadata) says: as they are, 0..255, or divided by 255, in [0, 1] (TF Hub's image models, which map
     * that to [-1, 1] in their graph as {@code x * 2 - 1}). The rescale tells which: a network's input
     * stays within a few units of zero, so a rescale that takes 0..255 far outside [-3, 3] but 0..1
     * into it is given [0, 1]; any other keeps the pixels as they are.
     */
    public Preprocessing pixelsToInput() {
        return !within(255f) && within(1f) ? Preprocessing.uniform(0f, 255f) : Preprocessing.uniform(0f, 1f);
    }

    /** Whether this rescale takes every channel's 0..top into [-3, 3]. */
    private boolean within(float top) {
        for (int c = 0; c < scale.length; c++) {
            float lo = shift[c];
            float hi = scale[c] * top + shift[c];
            if (!(Math.abs(lo) <= 3 && Math.abs(hi) <= 3)) {
                return false;
            }
        }
        return true;
    }

    /** This preprocessing followed by {@code next} (either may be null: none). */
    public static InputRescale then(InputRescale first, InputRescale next) {
        if (first == null || next == null) {
            return first == null ? next : first;
        }
        float[] a = new float[first.scale.length];
        float[] b = new float[first.scale.length];
        for (int c = 0; c < a.length; c++) {
            a[c] = next.scale[c] * first.scale[c];
            b[c] = next.scale[c] * first.shift[c] + next.shift[c];
        }
        return new InputRescale(a, b);
    }
}
