package org.mobilenet.engine.kernels;

/**
 * Runs a {@link RangeTask} over {@code [0, items)} cut into contiguous ranges, each run exactly once
 * by one of {@link #threads()} workers, and returns when all ranges are done. Worker 0 is the calling
 * thread; which worker runs which range is unspecified, so a task's result must not depend on it
 * (the worker index only selects per-worker scratch).
 */
public interface Parallel {

    /** Runs everything on the calling thread. */
    Parallel SERIAL = new Parallel() {
        @Override
        public int threads() {
            return 1;
        }

        @Override
        public void run(int items, RangeTask task) {
            if (items > 0) {
                task.run(0, items, 0);
            }
        }
    };

    /** The number of workers, including the caller. */
    int threads();

    /** Runs {@code task} over {@code [0, items)} and returns when every item is done. */
    void run(int items, RangeTask task);

    /** The first item of range {@code w} when {@code items} are cut into {@code t} near-equal ranges. */
    static int from(int items, int w, int t) {
        return (int) ((long) items * w / t);
    }
}
