package org.mobilenet.cli;

import java.util.Arrays;

/**
 * {@code bench}'s warm-up: untimed runs of each runtime, interleaved, until each one's timings stop
 * improving (adaptive, the default) or exactly N runs each (an explicit {@code --warmup N}).
 *
 * <p>Adaptive: each runtime runs in windows of at least {@link #WINDOW_RUNS} runs and
 * {@link #WINDOW_NANOS} of its own time, the runtimes taking turns window by window. A window
 * <em>improves</em> when its median is more than {@link #TOLERANCE} below the median of the last
 * window that improved. A runtime is warm once {@link #PATIENCE} windows in a row have not
 * improved and at least the minimum time has passed since the warm-up began (the JIT compiles
 * late on a loaded machine, and a plateau in C1 code must not pass for the steady state); it is
 * stopped, warm or not, at the maximum time. A warm runtime stops running while the other one
 * goes on.
 */
final class Warmup {
    /** A window that is less than 3% faster than the last improving one is no improvement. */
    static final double TOLERANCE = 0.03;
    /** Windows in a row without improvement that make a runtime warm. */
    static final int PATIENCE = 3;
    /** A window lasts at least this long (the runtime's own time)... */
    static final long WINDOW_NANOS = 100_000_000L;
    /** ...and at least this many runs... */
    static final int WINDOW_RUNS = 5;
    /** ...and at most this many (a trivially fast run). */
    static final int MAX_WINDOW_RUNS = 100_000;

    /** One runtime's run. */
    @FunctionalInterface
    interface Pass {
        void run() throws Exception;
    }

    /**
     * How one runtime's warm-up went: runs done, seconds from the start of the warm-up until it was
     * warm (or stopped), and whether it became warm (false: stopped at the maximum time; always true
     * for a fixed count).
     */
    record Result(int runs, double seconds, boolean settled) {
    }

    private Warmup() {
    }

    /** Exactly {@code n} untimed runs of each pass, interleaved run by run. */
    static Result[] fixed(Pass[] passes, int n) throws Exception {
        long start = System.nanoTime();
        double[] seconds = new double[passes.length];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < passes.length; p++) {
                passes[p].run();
                if (i == n - 1) {
                    seconds[p] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        Result[] out = new Result[passes.length];
        for (int p = 0; p < passes.length; p++) {
            out[p] = new Result(n, seconds[p], true);
        }
        return out;
    }

    /** Adaptive warm-up of each pass, for at least {@code minNanos} and at most {@code maxNanos}. */
    static Result[] adaptive(Pass[] passes, long minNanos, long maxNanos) throws Exception {
        long start = System.nanoTime();
        Judge[] judges = new Judge[passes.length];
        Result[] out = new Result[passes.length];
        for (int p = 0; p < passes.length; p++) {
            judges[p] = new Judge();
        }
        long[] window = new long[64];
        int open = passes.length;
        while (open > 0) {
            for (int p = 0; p < passes.length; p++) {
                if (out[p] != null) {
                    continue;
                }
                int n = 0;
                long spent = 0;
                while (n < WINDOW_RUNS || spent < WINDOW_NANOS && n < MAX_WINDOW_RUNS) {
                    long t0 = System.nanoTime();
                    passes[p].run();
                    long dt = System.nanoTime() - t0;
                    if (n == window.length) {
                        window = Arrays.copyOf(window, n * 2);
                    }
                    window[n++] = dt;
                    spent += dt;
                    if (t0 + dt - start >= maxNanos) {
                        break;
                    }
                }
                long elapsed = System.nanoTime() - start;
                boolean warm = judges[p].add(median(window, n), n);
                if ((warm && elapsed >= minNanos) || elapsed >= maxNanos) {
                    out[p] = new Result(judges[p].runs(), elapsed / 1e9, warm);
                    open--;
                }
            }
        }
        return out;
    }

    /** Decides from window medians whether a runtime has stopped improving. */
    static final class Judge {
        private double anchor = Double.POSITIVE_INFINITY;
        private int stale;
        private int runs;

        /** Adds a window's median (any unit) and run count; true when the last PATIENCE windows did not improve. */
        boolean add(double median, int windowRuns) {
            runs += windowRuns;
            if (median < anchor * (1 - TOLERANCE)) {
                anchor = median;
                stale = 0;
            } else {
                stale++;
            }
            return stale >= PATIENCE;
        }

        int runs() {
            return runs;
        }
    }

    static double median(long[] v, int n) {
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
