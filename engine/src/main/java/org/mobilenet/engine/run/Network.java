package org.mobilenet.engine.run;

import java.util.List;
import java.util.function.Supplier;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.LoopKernels;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;

/**
 * A model compiled for inference: its {@link Model#graph() layer graph} with BatchNorm folded, each
 * layer with its own activation, weights in the kernels' layouts (prepacked by
 * {@link Kernels#prepare}), activation buffers reused across calls, and optionally a persistent
 * {@link WorkerPool} that splits every layer over several threads. Input {@code [n, H, W, 3]} NHWC
 * (H and W may differ); output {@code [n, outputSize()]}. Residual adds (MobileNet v2) read the
 * output of an earlier layer, which therefore stays in its buffer until the add: which layer writes
 * which buffer is decided once, at compile time, from the layers' lifetimes ({@link BufferPlan}).
 * After the first call at a batch size,
 * {@link #forward(float[], int, float[])} allocates nothing. For a batch, the leading layers with
 * small weights run one image at a time, whole images spread over the threads (see
 * {@link PerImagePrefix} and {@link ImageByImage}), unless an observer or
 * {@link #timeLayers} needs every layer's whole-batch output. Not thread-safe: use one Network per
 * calling thread (or {@link #compile(Model, int)} to split each pass over threads). A pass that starts
 * while another thread's pass is running fails with an {@link IllegalStateException} instead of
 * mixing the two passes' buffers; passes made one after the other may come from different threads.
 * {@link #close()} stops the worker threads (they are daemons, so a forgotten close does not keep the
 * JVM alive); a closed network refuses further passes.
 *
 * <p>Compiled with the default kernels ({@link #compile(Model)}, {@link #compile(Model, int)}), a
 * network starts cold: it runs {@link LoopKernels}, which the JIT compiles within milliseconds,
 * while a background thread ({@link WarmUp}, started after the first pass or when the caller asks)
 * prepares the Vector API kernels and runs them until the JIT has compiled them too; the next pass
 * after that uses them. A caller that knows how many passes it will make can decide instead
 * ({@link #noWarmUpAfterPass()}, {@link #worthWarmingUp}, {@link #startWarmUp()},
 * {@link #awaitWarmUp}): the warm-up costs about a second of the other core. Both give the same
 * results within float rounding. Compiled with explicit kernels, a network uses exactly those.
 */
public final class Network implements AutoCloseable {
    private final Model folded;
    private final LayerGraph graph;
    private final List<LayerSpec> layers;
    /** Which buffer each layer writes and reads. */
    private final BufferPlan plan;
    /** Makes the network's own kernels (on the warm-up thread for a cold start: the Vector API's classes take a while to initialize). */
    private final Supplier<Kernels> kernels;
    private final int threads;
    private final Parallel parallel;
    /** The layers prepared with {@link #kernels}; null until the warm-up hands them over. */
    private Fast fast;
    /** The cold layers and their warm-up; both null once {@link #fast} is in use or without a warm start. */
    private PreparedLayer[] cold;
    private Kernels coldKernels;
    private WarmUp warmUp;
    /** False once {@link #noWarmUpAfterPass()} was called: only {@link #startWarmUp()} starts the warm-up. */
    private boolean warmUpAfterPass = true;
    /** Multiply-adds of one image's pass ({@link CostModel}). */
    private final long multAdds;
    /**
     * Each weighted layer's weights in the kernels' layout (null for the other layers), made once for
     * the cold kernels, the fast ones and every worker's copy (the kernels only read them); dropped
     * once the fast layers are prepared.
     */
    private float[][] kernelWeights;
    /**
     * The thread running a pass, held until its result is copied out of the network's buffers: a second
     * thread's pass then fails at once rather than writing into them (and passes handed from one thread
     * to another are ordered by it).
     */
    private final java.util.concurrent.atomic.AtomicReference<Thread> running = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean closed;
    /** The plan's buffers for batches of up to {@link #capacity} images. */
    private float[][] buffers;
    private int capacity;

    /**
     * The layers prepared with the network's kernels: {@code steps} in order, and the leading layers
     * run image by image for batches (see {@link PerImagePrefix}; {@code imageByImage} is null when
     * there are none).
     */
    record Fast(Kernels kernels, PreparedLayer[] steps, int perImageLayers, ImageByImage imageByImage) {
    }

    private Network(Model folded, Supplier<Kernels> kernels, int threads, Kernels coldKernels) {
        this.folded = folded;
        this.graph = folded.graph();
        this.layers = graph.layers();
        this.plan = BufferPlan.of(layers);
        this.kernels = kernels;
        this.threads = threads;
        this.multAdds = CostModel.multAdds(layers);
        this.kernelWeights = new float[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            if (l.kind().hasWeights()) {
                kernelWeights[i] = toKernelLayout(l, folded.tensor(TensorNames.weight(l.name())).data());
            }
        }
        if (coldKernels == null) {
            this.fast = prepare();
        } else {
            this.coldKernels = coldKernels;
            this.cold = new PreparedLayer[layers.size()];
            for (int i = 0; i < cold.length; i++) {
                cold[i] = prepareLayer(coldKernels, i);
            }
            this.warmUp = new WarmUp(this::prepare, layers);
        }
        this.parallel = threads == 1 ? Parallel.SERIAL : new WorkerPool(threads);
    }

    /**
     * Compiles a model with the default kernels ({@link KernelChoice#defaultKernels()}), one thread,
     * starting cold when they are the Vector API kernels (see the class comment).
     */
    public static Network compile(Model model) {
        return compile(model, 1);
    }

    /**
     * Compiles a model with the default kernels split over {@code threads} threads, starting cold
     * when they are the Vector API kernels (see the class comment).
     */
    public static Network compile(Model model, int threads) {
        checkThreads(threads);
        KernelPrimer.start();
        return new Network(model.foldBatchNorm(), KernelChoice::defaultKernels, threads, KernelChoice.coldKernels());
    }

    /** Compiles a model with the given kernels, one thread. */
    public static Network compile(Model model, Kernels kernels) {
        return compile(model, kernels, 1);
    }

    /**
     * Compiles a model with the given kernels (and only those), splitting each layer over
     * {@code threads} threads (the caller plus {@code threads - 1} pooled daemon workers).
     */
    public static Network compile(Model model, Kernels kernels, int threads) {
        checkThreads(threads);
        return new Network(model.foldBatchNorm(), () -> kernels, threads, null);
    }

    private static void checkThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /**
     * Prepares every layer with {@link #kernels}, and per-worker copies of the leading layers; once,
     * on the compiling thread or the warm-up's (which alone touches {@link #kernelWeights} then).
     */
    private Fast prepare() {
        Kernels kernels = this.kernels.get();
        PreparedLayer[] steps = new PreparedLayer[layers.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = prepareLayer(kernels, i);
        }
        // Every worker gets its own prepared copy of the leading layers, which are run image by
        // image on batches; prepared layers hold per-run state and serve one caller at a time.
        int prefix = PerImagePrefix.length(layers);
        if (prefix == 0) {
            kernelWeights = null;
            return new Fast(kernels, steps, 0, null);
        }
        PreparedLayer[][] copies = new PreparedLayer[threads][prefix];
        for (int i = 0; i < prefix; i++) {
            copies[0][i] = steps[i];
            for (int t = 1; t < threads; t++) {
                copies[t][i] = prepareLayer(kernels, i);
            }
        }
        kernelWeights = null;
        return new Fast(kernels, steps, prefix, new ImageByImage(copies, BufferPlan.of(layers.subList(0, prefix)),
                inputSize()));
    }

    private PreparedLayer prepareLayer(Kernels k, int i) {
        LayerSpec l = layers.get(i);
        float[] w = null;
        float[] b = null;
        if (l.kind().hasWeights()) {
            w = kernelWeights[i];
            b = folded.has(TensorNames.bias(l.name())) ? folded.tensor(TensorNames.bias(l.name())).data().clone() : null;
        }
        if (l.activation().clamps()) {
            return k.prepare(l, w, b, l.activation());
        }
        // Hard-swish and hard-sigmoid are not a clamp the kernels' epilogues compute: the layer runs
        // linear, then the activation is applied to its output.
        return PostActivation.of(k.prepare(l, w, b, Activation.NONE), l);
    }

    /** The layers this network runs. */
    public LayerGraph graph() {
        return graph;
    }

    /**
     * The MobileNet v1 spec of the model, for v1-only callers.
     *
     * @throws org.mobilenet.engine.model.UnsupportedModelException when the model is not a MobileNet v1
     */
    public ModelSpec spec() {
        return folded.spec();
    }

    /** The kernels the next pass runs: the cold kernels until the warm-up hands over, then the network's own. */
    public Kernels kernels() {
        Fast f = fast != null ? fast : warmUp.result();
        return f == null ? coldKernels : f.kernels();
    }

    /** The number of threads each layer is split over. */
    public int threads() {
        return parallel.threads();
    }

    /** Values per image in the output: classes, or the feature width of a headless model. */
    public int outputSize() {
        return graph.outputSize();
    }

    /** Values per image in the input: H * W * C. */
    public int inputSize() {
        return (int) graph.input().size();
    }

    /** Runs a batch. input {@code [n, H, W, 3]} NHWC; returns {@code [n, outputSize()]}. */
    public float[] forward(float[] input, int n) {
        return forward(input, n, (LayerObserver) null);
    }

    /**
     * Runs a batch into a caller's buffer without allocating (after the first call at this batch
     * size). input {@code [n, H, W, 3]} NHWC; out at least {@code [n, outputSize()]}; returns out.
     */
    public float[] forward(float[] input, int n, float[] out) {
        if (out.length < (long) n * outputSize()) {
            throw new IllegalArgumentException("output for a batch of " + n + " needs " + (long) n * outputSize()
                    + " values, got " + out.length);
        }
        enter();
        try {
            float[] result = run(input, n, null, null);
            System.arraycopy(result, 0, out, 0, n * outputSize());
            return out;
        } finally {
            leave();
        }
    }

    /** Runs a batch, telling {@code observer} (may be null) each layer's output. */
    public float[] forward(float[] input, int n, LayerObserver observer) {
        enter();
        try {
            float[] result = run(input, n, observer, null);
            float[] copy = new float[n * outputSize()];
            System.arraycopy(result, 0, copy, 0, copy.length);
            return copy;
        } finally {
            leave();
        }
    }

    /**
     * Times every layer: runs the batch {@code runs} times (after one warm-up run) and returns, for
     * each layer of {@code graph().layers()} in order, the median wall-clock nanoseconds it took.
     */
    public long[] timeLayers(float[] input, int n, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        }
        int count = layers.size();
        long[][] times = new long[count][runs];
        long[] lap = new long[count];
        enter();
        try {
            run(input, n, null, lap);
            for (int r = 0; r < runs; r++) {
                run(input, n, null, lap);
                for (int i = 0; i < count; i++) {
                    times[i][r] = lap[i];
                }
            }
        } finally {
            leave();
        }
        long[] median = new long[count];
        for (int i = 0; i < count; i++) {
            java.util.Arrays.sort(times[i]);
            median[i] = times[i][runs / 2];
        }
        return median;
    }

    /**
     * Takes the network for this thread's pass (until {@link #leave()}), or fails: it is closed, another
     * thread's pass is running, or a {@link LayerObserver} of this thread's pass asks for another one.
     */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("this Network is closed");
        }
        Thread self = Thread.currentThread();
        if (!running.compareAndSet(null, self)) {
            throw new IllegalStateException(running.get() == self
                    ? "a LayerObserver may not run a pass on the network it observes"
                    : "a Network runs one pass at a time, and another thread's pass is running: compile one Network"
                            + " per thread, or compile(model, threads) to split each pass over threads");
        }
    }

    private void leave() {
        running.set(null);
    }

    /**
     * Returns the buffer holding the result (valid until the next pass: the caller copies it before
     * {@link #leave()}); lap (may be null) receives per-layer nanoseconds. Called between
     * {@link #enter()} and {@link #leave()}.
     */
    private float[] run(float[] input, int n, LayerObserver observer, long[] lap) {
        java.util.Objects.requireNonNull(input, "input");
        if (n < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + n);
        }
        if (input.length != (long) n * inputSize()) {
            throw new IllegalArgumentException("input for a batch of " + n + " at " + graph.input()
                    + " needs " + (long) n * inputSize() + " values, got " + input.length);
        }
        if ((long) n * plan.maxSize() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + n + " is too large for this resolution");
        }
        if (capacity < n) {
            buffers = plan.allocate(n);
            capacity = n;
        }
        PreparedLayer[] steps;
        Parallel par = parallel;
        if (fast == null) {
            fast = warmUp.result();
        }
        if (fast != null) {
            if (warmUp != null) {
                warmUp.close();
                warmUp = null;
                cold = null;
                coldKernels = null;
            }
            steps = fast.steps();
        } else {
            steps = cold;
            par = Parallel.SERIAL;
            KernelPrimer.stop();
            if (n > 1 && warmUpAfterPass) {
                warmUp.start(); // a batch: more passes are coming, so the warm-up need not wait for this one
            }
        }
        int first = 0;
        float[] result = input;
        if (fast != null && n > 1 && fast.perImageLayers() > 0 && observer == null && lap == null) {
            // The prefix leaves its output where the plan has the prefix's last layer write it.
            first = fast.perImageLayers();
            result = plan.output(buffers, first - 1);
            fast.imageByImage().run(input, n, result, parallel);
        }
        if (first < steps.length) {
            result = plan.run(steps, first, input, buffers, n, par, observer, lap);
        }
        if (fast == null && warmUpAfterPass) {
            warmUp.start();
        }
        return result;
    }

    /**
     * True when the next pass runs the network's own kernels, or when they will not take over (a
     * cold network whose warm-up gave up): a caller with other work to do (decoding the next images)
     * can do it first rather than run a pass on the cold kernels.
     */
    public boolean warm() {
        return fast != null || warmUp.result() != null || warmUp.finished();
    }

    /**
     * Starts handing over to the network's own kernels now instead of after the first pass (see the
     * class comment), for a caller about to run many passes; no effect on a network that is warm or
     * was compiled with explicit kernels.
     */
    public void startWarmUp() {
        if (warmUp != null) {
            warmUp.start();
        }
    }

    /**
     * Waits until the warm-up {@link #startWarmUp()} started has ended (handed its kernels over: the
     * next pass runs them, {@link #kernels()} names them; or given up), at most {@code max}; returns
     * {@link #warm()}. Returns at once when no warm-up was started, or the network is warm. For a
     * caller that has done its other work meanwhile and wants its next pass on the network's own
     * kernels; the bound is for a JVM whose JIT never gets them up to speed (C2 off, as with
     * {@code -XX:TieredStopAtLevel=1}), where the warm-up holds out for
     * {@link WarmUp#MAX_NANOS}. Called by the network's thread.
     */
    public boolean awaitWarmUp(java.time.Duration max) throws InterruptedException {
        if (warmUp != null && fast == null && warmUp.started()) {
            warmUp.join(Math.max(1, max.toMillis()));
        }
        return warm();
    }

    /**
     * The warm-up's cost in loop-kernel passes of the network itself, on top of {@link #WARM_UP_FIXED}
     * (see {@link #worthWarmingUp}).
     */
    static final int WARM_UP_PASSES = 20;
    /** The warm-up's fixed cost, in multiply-adds of loop-kernel passes (see {@link #worthWarmingUp}). */
    static final double WARM_UP_FIXED = 1.6e9;
    /**
     * {@code -Dmobilenet.warmup.from=N}: warm up from N multiply-adds of work in hand instead of the
     * model-dependent rule of {@link #worthWarmingUp} (0: always; a negative N: never), to measure where
     * the break-even lies on a machine; NaN (the rule) when absent or not a number.
     */
    static final double WARM_UP_FROM = warmUpBound(System.getProperty("mobilenet.warmup.from"));

    /** The bound {@code -Dmobilenet.warmup.from} gives, or NaN when it is absent or not a number. */
    static double warmUpBound(String property) {
        if (property == null) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(property.trim());
            return Double.isNaN(v) ? Double.NaN : v < 0 ? Double.POSITIVE_INFINITY : v;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * Whether a warm-up pays for itself over {@code images} more passes of one image: false for a
     * network that is warm or was compiled with explicit kernels, else true when the images hold at
     * least {@link #WARM_UP_FIXED} multiply-adds more than {@link #WARM_UP_PASSES} images do. What the
     * warm-up buys is the vector kernels' speed over the loop kernels' (five to seven times); what it
     * costs (the JIT's work on the other core, and the batches held until it ends) grows with the
     * model: measured as the number of photos from which {@code classify --threads 1} with a warm-up
     * beat it without (Intel Xeon, 2 vCPUs, AVX-512, JDK 17, 5 alternating rounds each): v1 0.25/128
     * (13.6 M multiply-adds) about 115, 0.5/160 (77 M) about 40, 0.75/192 (239 M) about 28, v2 1.0/224
     * (301 M) about 23; the rule gives 138, 41, 27 and 26. (A bound of 6 G multiply-adds for all models
     * made 0.5/160 wait to 79 photos: 64 photos took 1.6 s cold against 1.35 warm.) At two threads
     * 0.5/160 broke even later, between 48 and 64.
     */
    public boolean worthWarmingUp(long images) {
        return warmUp != null && worthWarmingUp(images, multAdds, WARM_UP_FROM);
    }

    /**
     * The rule of {@link #worthWarmingUp(long)} for {@code images} of {@code multAdds} each, or the
     * bound {@code from} in multiply-adds when it is not NaN ({@code -Dmobilenet.warmup.from}).
     */
    static boolean worthWarmingUp(long images, long multAdds, double from) {
        double work = images * (double) multAdds;
        if (!Double.isNaN(from)) {
            return work >= from;
        }
        return work >= WARM_UP_FIXED + WARM_UP_PASSES * (double) multAdds;
    }

    /**
     * True while a warm-up runs: started, and neither handed over nor given up. Called by the
     * network's thread.
     */
    public boolean warmingUp() {
        return warmUp != null && warmUp.started() && !warm();
    }

    /**
     * Does not start the warm-up after a pass (see the class comment), only when
     * {@link #startWarmUp()} asks: for a caller that knows it runs one pass and stops (a command
     * classifying one image), to which a warm-up would only take the core it finishes on.
     */
    public void noWarmUpAfterPass() {
        warmUpAfterPass = false;
    }

    /** True once this network's warm-up has started (false also when it is warm or has none); for tests. */
    boolean warmUpStarted() {
        return warmUp != null && warmUp.started();
    }

    /**
     * Stops the worker threads; later passes fail with an {@link IllegalStateException}. It does not
     * wait for a pass another thread is running: with several threads that pass may fail (its worker
     * pool is closed), with one it finishes.
     */
    @Override
    public void close() {
        closed = true;
        if (warmUp != null) {
            warmUp.close();
        }
        if (parallel instanceof WorkerPool pool) {
            pool.close();
        }
    }

    /**
     * Reorders a weight tensor from the model's PyTorch layout to the kernel layout: conv OIHW to
     * HWIO, depthwise {@code [C,1,k,k]} to {@code [k,k,C]}, pointwise and FC {@code [O,I]} to {@code [I,O]}.
     */
    static float[] toKernelLayout(LayerSpec l, float[] src) {
        int o = l.outChannels();
        int i = l.kind() == LayerKind.DEPTHWISE ? 1 : l.inChannels();
        int k = l.kind() == LayerKind.FC ? 1 : l.kernel();
        float[] dst = new float[src.length];
        if (k == 1) {
            // [O, I] to [I, O] in two plain loops: a cold JVM compiles them soonest.
            for (int oc = 0; oc < o; oc++) {
                for (int ic = 0, s = oc * i; ic < i; ic++) {
                    dst[ic * o + oc] = src[s + ic];
                }
            }
            return dst;
        }
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < i; ic++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        float v = src[((oc * i + ic) * k + ky) * k + kx];
                        dst[((ky * k + kx) * i + ic) * o + oc] = v;
                    }
                }
            }
        }
        return dst;
    }
}
