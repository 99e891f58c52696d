package org.mobilenet.engine.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;

/**
 * Gets a cold {@link Network}'s fast kernels compiled by the JIT without making anyone wait for it.
 * Once started (after the network's first cold pass unless its caller ruled that out with
 * {@link Network#noWarmUpAfterPass()}, or on {@link Network#startWarmUp()}), a daemon thread
 * prepares the network's fast layers and runs a {@link ShrunkLayers shrunk copy} of its layers
 * (about a quarter of each side, a sixteenth of the work per pass; synthetic weights): each
 * convolution on its own with short inner loops first (see {@link #shortLoops}), then the whole
 * copy on the fast kernels until they are
 * compiled: the median of the last {@link #WINDOW} passes runs at {@link #RATE} multiply-adds per
 * nanosecond or faster (counted by {@link CostModel}; {@link #MIN_RATE} after {@link #GRACE_NANOS})
 * and no longer improves on the window before by more than {@link #STALL}. The JIT compiles
 * methods, not shapes, so the full-size layers then run compiled code; the shrunk copy makes the
 * passes that run interpreted or in C1 (Vector API code there is dozens of times slower than plain
 * Java) cheap.
 *
 * <p>Then it publishes the fast layers through {@link #result()} and ends; the network's calling
 * thread picks them up at its next pass, so they are only ever used by one thread at a time (the
 * handover is the volatile write and read of the result). If the fast kernels never get there
 * within {@link #MAX_NANOS}, the network stays cold.
 */
final class WarmUp implements Runnable, AutoCloseable {
    /** Passes per window of the convergence test. */
    static final int WINDOW = 5;
    /** A window that improves on the one before by less than this fraction counts as converged. */
    static final double STALL = 0.05;
    /**
     * Multiply-adds per nanosecond (GMAC/s) of a shrunk pass from which the fast kernels count as
     * compiled. Measured on the shrunk copies of v1 0.25/128, 0.5/160, 1.0/224 and v2 1.0/224 (AMD
     * EPYC Zen 5, AVX-512, JDK 17): the Vector API kernels ran at 0.15-0.22 in C1 and at 17-37
     * compiled by C2 (the loop kernels, compiled: 5-10). Passes that have stopped improving at 2-5
     * are the common case in between: C2 still has a kernel or two in its queue (a depthwise kernel
     * holds little of the work), and the first full-size passes then took 5 times a warm one.
     */
    static final double RATE = 6.0;
    /**
     * The rate accepted after {@link #GRACE_NANOS}, for machines whose compiled kernels never reach
     * {@link #RATE} (narrower vectors, slower cores): still 10 times the C1 rate. (The bound used to
     * be 1.5 times the loop kernels' best shrunk pass, which meant compiling and running them on
     * this thread too; under load they settled while still in C1, and let the fast kernels through
     * at a fortieth of their speed.)
     */
    static final double MIN_RATE = 2.0;
    /**
     * The rate below which, after {@link #GRACE_NANOS}, the warm-up gives up instead of holding out to
     * {@link #MAX_NANOS}: a quarter of {@link #MIN_RATE}, a tenth of the loop kernels' compiled rate,
     * two to three times the C1 rate. By then the short-loop stage has had every convolution kernel
     * compiled (its compilations block), so passes this slow mean a JVM whose JIT cannot compile them
     * at all (C2 off: {@code -XX:TieredStopAtLevel=1}, a common start-up setting; there they stay at
     * the C1 rate, 0.15-0.22), where holding out would stall a folder's held batches for 20 s.
     */
    static final double HOPELESS_RATE = 0.5;
    /** How long the warm-up holds out for {@link #RATE}, from its start. */
    static final long GRACE_NANOS = 3_000_000_000L;
    /** Input channels of the pointwise and fully connected layers in the first, short-loop stage. */
    static final int SHORT_K = 8;
    /**
     * Rounds of the short-loop stage (0.5/160 measured best at 60 of 0, 20, 60, 150; with the rate
     * bound, 8 and 20 made no difference to a folder of photos).
     */
    static final int SHORT_ROUNDS = 60;
    /** The longest the warm-up tries before giving up. */
    static final long MAX_NANOS = 20_000_000_000L;

    private final Supplier<Network.Fast> prepare;
    private final List<LayerSpec> layers;
    private volatile Network.Fast result;
    private volatile boolean closed;
    private volatile boolean finished;
    private Thread thread;

    /** prepare builds the fast layers (on the warm-up thread); layers are the network's. */
    WarmUp(Supplier<Network.Fast> prepare, List<LayerSpec> layers) {
        this.prepare = prepare;
        this.layers = layers;
    }

    /** The warm fast layers, or null while they are not (yet). */
    Network.Fast result() {
        return result;
    }

    /** True once the warm-up has ended: with a {@link #result()}, or given up (the network stays cold). */
    boolean finished() {
        return finished;
    }

    /** Starts the warm-up thread unless it has started (or the network is closed). Called by the network's thread only. */
    void start() {
        if (thread == null && !closed) {
            thread = new Thread(this, "mobilenet-warmup");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** True once {@link #start()} has started the thread. Called by the network's thread only. */
    boolean started() {
        return thread != null;
    }

    @Override
    public void run() {
        try {
            long start = System.nanoTime();
            Network.Fast fast = prepare.get();
            List<LayerSpec> small = ShrunkLayers.of(layers);
            BufferPlan plan = BufferPlan.of(small);
            float[] input = new float[(int) small.get(0).in().size()];
            for (int i = 0; i < input.length; i++) {
                input[i] = (i % 251) / 125f - 1f;
            }
            shortLoops(small, fast.kernels());
            long macs = CostModel.multAdds(small);
            long[] bounds = {(long) (macs / RATE), (long) (macs / MIN_RATE), (long) (macs / HOPELESS_RATE)};
            if (settle(KernelPrimer.synthetic(small, fast.kernels()), plan, input, bounds, start) >= 0) {
                result = fast;
            }
        } finally {
            finished = true;
        }
    }

    /**
     * Runs the layers until {@link #converged} below {@code bounds[0]} (or {@code bounds[1]} after
     * {@link #GRACE_NANOS}); returns the best pass in nanoseconds, or -1 when closed, out of time
     * ({@link #MAX_NANOS} after {@code start}) or {@link #hopeless} (no pass under {@code bounds[2]}
     * after {@link #GRACE_NANOS}).
     */
    private long settle(PreparedLayer[] steps, BufferPlan plan, float[] input, long[] bounds, long start) {
        float[][] buffers = plan.allocate(1);
        long[] times = new long[2 * WINDOW];
        long best = Long.MAX_VALUE;
        for (int pass = 0; !closed && System.nanoTime() - start < MAX_NANOS; pass++) {
            long t0 = System.nanoTime();
            plan.run(steps, 0, input, buffers, 1, Parallel.SERIAL, null, null);
            long t = System.nanoTime() - t0;
            best = Math.min(best, t);
            System.arraycopy(times, 1, times, 0, times.length - 1);
            times[times.length - 1] = t;
            long elapsed = System.nanoTime() - start;
            long bound = elapsed < GRACE_NANOS ? bounds[0] : bounds[1];
            if (pass + 1 >= times.length && converged(times, bound)) {
                return best;
            }
            if (hopeless(best, bounds[2], elapsed)) {
                return -1;
            }
        }
        return -1;
    }

    /** True when, {@link #GRACE_NANOS} into the warm-up, its best pass is still slower than {@code bound}. */
    static boolean hopeless(long best, long bound, long elapsed) {
        return elapsed >= GRACE_NANOS && best > bound;
    }

    /**
     * Runs each of the shrunk convolutions on its own, {@link #SHORT_ROUNDS} times, on the fast
     * kernels with pointwise and fully connected layers cut to {@link #SHORT_K} input channels (the
     * pooling, softmax and adds are left to the whole passes: their loops are long whatever the
     * layer, and more calls here only got them compiled twice, on the stack and whole). The JIT
     * compiles a method when it has been called often enough, or compiles its loop on the stack
     * (OSR) when the loop has gone round often enough first; a tile kernel whose loop runs over
     * hundreds of input channels got the OSR, which with its 24 vector accumulators live at the entry
     * cost C2 214 ms (of 600 ms for all the vector kernels of 0.5/160; JFR, JDK 17). Called first with
     * short loops, the kernels are compiled whole instead: 430 ms in all, 70 of them OSR.
     */
    private void shortLoops(List<LayerSpec> small, Kernels kernels) {
        List<LayerSpec> layers = new ArrayList<>();
        for (LayerSpec l : small) {
            boolean matrix = l.kind() == LayerKind.POINTWISE || l.kind() == LayerKind.FC;
            if (matrix && l.inChannels() > SHORT_K) {
                Shape in = new Shape(l.in().h(), l.in().w(), SHORT_K);
                layers.add(new LayerSpec(l.name(), l.kind(), l.kernel(), l.stride(), l.pads(), in, l.out(), l.activation(),
                        null));
            } else if (matrix || l.kind() == LayerKind.CONV || l.kind() == LayerKind.DEPTHWISE) {
                layers.add(l);
            }
        }
        PreparedLayer[] steps = KernelPrimer.synthetic(layers, kernels);
        float[][] ins = new float[steps.length][];
        float[][] outs = new float[steps.length][];
        for (int i = 0; i < steps.length; i++) {
            ins[i] = new float[(int) layers.get(i).in().size()];
            Arrays.fill(ins[i], 0.25f);
            outs[i] = new float[(int) layers.get(i).out().size()];
        }
        for (int r = 0; r < SHORT_ROUNDS && !closed; r++) {
            for (int i = 0; i < steps.length; i++) {
                steps[i].run(ins[i], 1, outs[i], Parallel.SERIAL);
            }
        }
    }

    /** True when the last window's median is below {@code bound} and hardly improves on the window before. */
    static boolean converged(long[] times, long bound) {
        long earlier = median(Arrays.copyOfRange(times, 0, WINDOW));
        long last = median(Arrays.copyOfRange(times, WINDOW, 2 * WINDOW));
        return last < bound && last >= earlier * (1 - STALL);
    }

    private static long median(long[] v) {
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /**
     * Waits for the warm-up thread to end, if it was started, at most {@code millis} (0: until it ends,
     * which is at most {@link #MAX_NANOS} and a pass).
     */
    void join(long millis) throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join(millis);
        }
    }

    /** Stops the warm-up at its next pass (the network is closed, or has taken the fast layers). */
    @Override
    public void close() {
        closed = true;
    }
}
