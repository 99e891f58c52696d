package org.mobilenet.engine.run;

import java.util.Arrays;
import java.util.function.Supplier;
import org.mobilenet.engine.kernels.Parallel;

/**
 * Gets a cold {@link Network}'s fast kernels compiled by the JIT without making anyone wait for it.
 * After the network's first cold pass (so a one-image command never competes with it), a daemon
 * thread prepares the fast layers and runs them on one image of its own, serially, until they are
 * warm: the median of the last {@link #WINDOW} passes beats the best cold pass the network reported
 * and no longer improves on the window before by more than {@link #STALL}. Then it publishes them
 * through {@link #result()} and ends; the network's calling thread picks them up at its next pass,
 * so the fast layers are only ever used by one thread at a time (the handover is the volatile
 * write and read of the result). If the fast kernels never beat the cold ones within
 * {@link #MAX_NANOS}, the network stays cold.
 */
final class WarmUp implements Runnable, AutoCloseable {
    /** Passes per window of the convergence test. */
    static final int WINDOW = 5;
    /** A window that improves on the one before by less than this fraction counts as converged. */
    static final double STALL = 0.05;
    /** The longest the warm-up tries before giving up. */
    static final long MAX_NANOS = 20_000_000_000L;

    private final Supplier<Network.Fast> prepare;
    private final int inputSize;
    private final BufferPlan plan;
    private volatile Network.Fast result;
    private volatile boolean closed;
    private volatile boolean finished;
    /** The best cold pass per image reported so far, in nanoseconds. */
    private volatile long bestCold = Long.MAX_VALUE;
    private Thread thread;

    /**
     * prepare builds the fast layers (on the warm-up thread); inputSize is one image's input, plan
     * the network's buffers.
     */
    WarmUp(Supplier<Network.Fast> prepare, int inputSize, BufferPlan plan) {
        this.prepare = prepare;
        this.inputSize = inputSize;
        this.plan = plan;
    }

    /** The warm fast layers, or null while they are not (yet). */
    Network.Fast result() {
        return result;
    }

    /** True once the warm-up has ended: with a {@link #result()}, or given up (the network stays cold). */
    boolean finished() {
        return finished;
    }

    /** Called by the network after each cold pass with its time per image; starts the warm-up if it has not started. */
    void coldPass(long nanosPerImage) {
        if (nanosPerImage < bestCold) {
            bestCold = nanosPerImage;
        }
        start();
    }

    /** Starts the warm-up thread unless it has started (or the network is closed). Called by the network's thread only. */
    void start() {
        if (thread == null && !closed) {
            thread = new Thread(this, "mobilenet-warmup");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public void run() {
        try {
            warm();
        } finally {
            finished = true;
        }
    }

    private void warm() {
        Network.Fast fast = prepare.get();
        float[] input = new float[inputSize];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i % 251) / 125f - 1f;
        }
        float[][] buffers = plan.allocate(1);
        long[] times = new long[2 * WINDOW];
        long start = System.nanoTime();
        long best = Long.MAX_VALUE;
        for (int pass = 0; !closed; pass++) {
            long t0 = System.nanoTime();
            plan.run(fast.steps(), 0, input, buffers, 1, Parallel.SERIAL, null, null);
            long t = System.nanoTime() - t0;
            best = Math.min(best, t);
            System.arraycopy(times, 1, times, 0, times.length - 1);
            times[times.length - 1] = t;
            if (pass + 1 >= times.length && converged(times, bestCold)) {
                result = fast;
                return;
            }
            if (System.nanoTime() - start > MAX_NANOS) {
                if (best < bestCold) {
                    result = fast;
                }
                return;
            }
        }
    }

    /** True when the last window's median beats the cold time and hardly improves on the window before. */
    static boolean converged(long[] times, long cold) {
        long earlier = median(Arrays.copyOfRange(times, 0, WINDOW));
        long last = median(Arrays.copyOfRange(times, WINDOW, 2 * WINDOW));
        return last < cold && last >= earlier * (1 - STALL);
    }

    private static long median(long[] v) {
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** Stops the warm-up at its next pass (the network is closed, or has taken the fast layers). */
    @Override
    public void close() {
        closed = true;
    }
}
