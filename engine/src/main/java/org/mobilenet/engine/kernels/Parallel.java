package org.mobilenet.engine.kernels;

/**
 * Runs a {@link RangeTask} over {@code [0, items)} split into {@link #threads()} contiguous ranges,
 * one per worker, and returns when all ranges are done. Worker 0 is the calling thread.
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

    /** Runs {@code task} over {@code [0, items)}; worker {@code w} of {@code t} gets {@link #from}(items, w, t) to from(items, w + 1, t). */
    void run(int items, RangeTask task);

    /** The first item of worker {@code w}'s range when {@code items} are split over {@code t} workers. */
    static int from(int items, int w, int t) {
        return (int) ((long) items * w / t);
    }
}
