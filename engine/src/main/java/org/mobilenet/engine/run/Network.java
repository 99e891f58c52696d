package org.mobilenet.engine.run;

import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.kernels.Activation;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;

/**
 * A model compiled for inference: BatchNorm folded, weights in the kernels' layouts (prepacked by
 * {@link Kernels#prepare}), activation buffers reused across calls, and optionally a persistent
 * {@link WorkerPool} that splits every layer over several threads. Input {@code [n, R, R, 3]} NHWC;
 * output {@code [n, outputSize()]}. After the first call at a batch size,
 * {@link #forward(float[], int, float[])} allocates nothing. For a batch, the leading layers with
 * small weights run one image at a time, whole images spread over the threads (see
 * {@link PerImagePrefix} and {@link ImageByImage}), unless an observer or
 * {@link #timeLayers} needs every layer's whole-batch output. Not thread-safe: use one Network per
 * calling thread. {@link #close()} stops the worker threads (they are daemons, so a forgotten
 * close does not keep the JVM alive).
 */
public final class Network implements AutoCloseable {
    private final ModelSpec spec;
    private final Kernels kernels;
    private final Step[] steps;
    private final int maxActivation;
    private final Parallel parallel;
    /** Leading layers run image by image for batches (see {@link PerImagePrefix}). */
    private final int perImageLayers;
    /** Runs those layers; null when there are none. */
    private final ImageByImage imageByImage;
    private float[] bufA = new float[0];
    private float[] bufB = new float[0];

    private record Step(LayerSpec layer, PreparedLayer run) {
    }

    private Network(ModelSpec spec, Kernels kernels, Step[] steps, int threads, PreparedLayer[][] prefixCopies) {
        this.spec = spec;
        this.kernels = kernels;
        this.steps = steps;
        int max = spec.resolution() * spec.resolution() * 3;
        for (Step s : steps) {
            max = (int) Math.max(max, s.layer.out().size());
        }
        this.maxActivation = max;
        this.perImageLayers = prefixCopies[0].length;
        int perImage = spec.resolution() * spec.resolution() * 3;
        for (int i = 0; i < perImageLayers; i++) {
            perImage = (int) Math.max(perImage, steps[i].layer.out().size());
        }
        this.imageByImage = perImageLayers == 0 ? null : new ImageByImage(prefixCopies, inputSize(),
                (int) steps[perImageLayers - 1].layer.out().size(), perImage);
        this.parallel = threads == 1 ? Parallel.SERIAL : new WorkerPool(threads);
    }

    /** Compiles a model with the default kernels ({@link KernelChoice#defaultKernels()}), one thread. */
    public static Network compile(Model model) {
        return compile(model, KernelChoice.defaultKernels());
    }

    /** Compiles a model with the given kernels, one thread. */
    public static Network compile(Model model, Kernels kernels) {
        return compile(model, kernels, 1);
    }

    /**
     * Compiles a model with the given kernels, splitting each layer over {@code threads} threads
     * (the caller plus {@code threads - 1} pooled daemon workers).
     */
    public static Network compile(Model model, Kernels kernels, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Model folded = model.foldBatchNorm();
        List<LayerSpec> layers = folded.spec().layers();
        Activation act = folded.plainRelu() ? Activation.RELU : Activation.RELU6;
        Step[] steps = new Step[layers.size()];
        for (int i = 0; i < steps.length; i++) {
            LayerSpec l = layers.get(i);
            float[] w = null;
            float[] b = null;
            if (l.kind().hasWeights()) {
                w = toKernelLayout(l, folded.tensor(TensorNames.weight(l.name())).data());
                b = folded.has(TensorNames.bias(l.name())) ? folded.tensor(TensorNames.bias(l.name())).data().clone() : null;
            }
            steps[i] = new Step(l, kernels.prepare(l, w, b, act));
        }
        // Every worker gets its own prepared copy of the leading layers, which are run image by
        // image on batches; prepared layers hold per-run state and serve one caller at a time.
        int prefix = PerImagePrefix.length(layers);
        PreparedLayer[][] copies = new PreparedLayer[threads][prefix];
        for (int i = 0; i < prefix; i++) {
            LayerSpec l = layers.get(i);
            copies[0][i] = steps[i].run;
            for (int t = 1; t < threads; t++) {
                float[] w = null;
                float[] b = null;
                if (l.kind().hasWeights()) {
                    w = toKernelLayout(l, folded.tensor(TensorNames.weight(l.name())).data());
                    b = folded.has(TensorNames.bias(l.name())) ? folded.tensor(TensorNames.bias(l.name())).data().clone() : null;
                }
                copies[t][i] = kernels.prepare(l, w, b, act);
            }
        }
        return new Network(folded.spec(), kernels, steps, threads, copies);
    }

    public ModelSpec spec() {
        return spec;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The number of threads each layer is split over. */
    public int threads() {
        return parallel.threads();
    }

    /** Values per image in the output: classes, or the feature width of a headless model. */
    public int outputSize() {
        return spec.outputSize();
    }

    /** Values per image in the input: R * R * 3. */
    public int inputSize() {
        return spec.resolution() * spec.resolution() * 3;
    }

    /** Runs a batch. input {@code [n, R, R, 3]} NHWC; returns {@code [n, outputSize()]}. */
    public float[] forward(float[] input, int n) {
        return forward(input, n, (LayerObserver) null);
    }

    /**
     * Runs a batch into a caller's buffer without allocating (after the first call at this batch
     * size). input {@code [n, R, R, 3]} NHWC; out at least {@code [n, outputSize()]}; returns out.
     */
    public float[] forward(float[] input, int n, float[] out) {
        if (out.length < (long) n * outputSize()) {
            throw new IllegalArgumentException("output for a batch of " + n + " needs " + (long) n * outputSize()
                    + " values, got " + out.length);
        }
        float[] result = run(input, n, null, null);
        System.arraycopy(result, 0, out, 0, n * outputSize());
        return out;
    }

    /** Runs a batch, telling {@code observer} (may be null) each layer's output. */
    public float[] forward(float[] input, int n, LayerObserver observer) {
        float[] result = run(input, n, observer, null);
        float[] copy = new float[n * outputSize()];
        System.arraycopy(result, 0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Times every layer: runs the batch {@code runs} times (after one warm-up run) and returns, for
     * each layer of {@code spec().layers()} in order, the median wall-clock nanoseconds it took.
     */
    public long[] timeLayers(float[] input, int n, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        }
        long[][] times = new long[steps.length][runs];
        long[] lap = new long[steps.length];
        run(input, n, null, lap);
        for (int r = 0; r < runs; r++) {
            run(input, n, null, lap);
            for (int i = 0; i < steps.length; i++) {
                times[i][r] = lap[i];
            }
        }
        long[] median = new long[steps.length];
        for (int i = 0; i < steps.length; i++) {
            java.util.Arrays.sort(times[i]);
            median[i] = times[i][runs / 2];
        }
        return median;
    }

    /** Returns the buffer holding the result; lap (may be null) receives per-layer nanoseconds. */
    private float[] run(float[] input, int n, LayerObserver observer, long[] lap) {
        if (n < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + n);
        }
        if (input.length != (long) n * inputSize()) {
            throw new IllegalArgumentException("input for a batch of " + n + " at " + spec.resolution() + "x"
                    + spec.resolution() + "x3 needs " + (long) n * inputSize() + " values, got " + input.length);
        }
        long need = (long) n * maxActivation;
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + n + " is too large for this resolution");
        }
        if (bufA.length < need) {
            bufA = new float[(int) need];
            bufB = new float[(int) need];
        }
        float[] cur = input;
        float[] next = bufA;
        int first = 0;
        if (n > 1 && perImageLayers > 0 && observer == null && lap == null) {
            imageByImage.run(input, n, bufA, parallel);
            cur = bufA;
            next = bufB;
            first = perImageLayers;
        }
        long t0 = lap == null ? 0 : System.nanoTime();
        for (int i = first; i < steps.length; i++) {
            Step s = steps[i];
            s.run.run(cur, n, next, parallel);
            if (lap != null) {
                long t1 = System.nanoTime();
                lap[i] = t1 - t0;
                t0 = t1;
            }
            if (observer != null) {
                observer.onLayer(s.layer, next, n);
            }
            cur = next;
            next = cur == bufA ? bufB : bufA;
        }
        return cur;
    }

    /** Stops the worker threads; the network must not be used afterwards. */
    @Override
    public void close() {
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
