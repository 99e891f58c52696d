package org.mobilenet.engine.kernels;

/**
 * One layer ready for repeated runs: weights already in the kernel's layout, scratch reused.
 * in {@code [n, in.h, in.w, in.c]}, out {@code [n, out.h, out.w, out.c]} (NHWC); writes all of
 * {@code out}'s first {@code n * out.size} values. Not thread-safe: one caller at a time.
 */
@FunctionalInterface
public interface PreparedLayer {
    void run(float[] in, int n, float[] out, Parallel parallel);
}
