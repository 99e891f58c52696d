package org.mobilenet.engine.kernels;

/** A piece of parallel work over the items {@code [from, to)}, run by worker {@code worker} (0 = the caller). */
@FunctionalInterface
public interface RangeTask {
    void run(int from, int to, int worker);
}
