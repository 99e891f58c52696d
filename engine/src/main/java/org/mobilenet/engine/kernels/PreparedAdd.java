package org.mobilenet.engine.kernels;

/**
 * A layer of two inputs ready for repeated runs: a residual add, {@code out = act(in + addend)}, all
 * three {@code [n, h, w, c]} (NHWC), or a squeeze-and-excite scaling, {@code out = addend * in} with
 * {@code in} the {@code [n, c]} gate; {@code in} is the previous layer's output and {@code addend} the
 * earlier layer's that the layer names. {@link Kernels#prepare} returns one for an
 * {@link org.mobilenet.engine.arch.LayerKind#ADD} or {@link org.mobilenet.engine.arch.LayerKind#SCALE}
 * layer; the network calls it with both inputs.
 * {@code out} may be the same array as either input. Not thread-safe: one caller at a time.
 */
@FunctionalInterface
public interface PreparedAdd extends PreparedLayer {

    void run(float[] in, float[] addend, int n, float[] out, Parallel parallel);

    /** An add or a scaling has two inputs: running it with one is a bug in the caller. */
    @Override
    default void run(float[] in, int n, float[] out, Parallel parallel) {
        throw new IllegalStateException("a residual add needs the output of the layer it adds");
    }
}
