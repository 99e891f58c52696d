package org.mobilenet.cli.classify;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.mobilenet.engine.eval.TopK;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.PixelGrid;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.image.DecodedImage;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.image.TruncatedImageException;

/**
 * Classifies a stream of images in batches of {@code batch} and hands the results back in input
 * order, batch by batch, as they are ready. An image that cannot be decoded becomes a failed result;
 * the others in its batch still run.
 *
 * <p>With one thread the work runs on the caller's thread (only the model's {@link Setup} and the
 * backend are made on helper threads while the first images decode): for each batch of paths: decode
 * and preprocess them, run the batch, hand it over; while the backend
 * is not {@link Backend#ready() ready} (the engine deciding from the number of images whether its
 * fast kernels are worth compiling, or having them compiled on another thread) the next batches are
 * decoded first (see {@link #serial}). The backend is told how many images are taken and known to be
 * coming ({@link ImageInputs#expectedMore()}), and whether that is all ({@link Backend#expectImages}),
 * as soon as it is taken and after every batch that changes it. Once the setup is made, a decoder keeps
 * only the pixels its preprocessing reads ({@link #gridOf}: a few hundred rows and columns of a large
 * photo), converted to RGB alone. With {@code threads = N > 1} it is a pipeline:
 * <ul>
 *   <li>a feeder thread takes inputs from the (lazy) iterator, cuts them into batches, and queues one
 *       decode task per image;</li>
 *   <li>N worker threads decode and preprocess images (ImageIO and the resize; images are
 *       independent, no lock is shared) straight into their batch's input. They start at once: while
 *       the caller's thread makes the {@link Setup} (loads the model), decoded images are kept, up to
 *       {@link #EARLY_PIXELS} pixels, and preprocessed when it is ready;</li>
 *   <li>a batch whose last image is decoded is queued to run; one {@link Backend} serves the whole
 *       command and runs one batch at a time, on whichever worker finds it free (a worker that
 *       cannot take it goes back to decoding instead of waiting), so inference overlaps the
 *       decoding of the next images. The backend (the engine's network, or ONNX Runtime's session)
 *       is made once, by the first worker to decode an image, while the others decode; while it is
 *       not ready, queued batches wait as long as images are left to decode, and the window widens
 *       to {@link #aheadWindow}; while it {@link Backend#warmingUp() warms up} one worker fewer
 *       decodes ({@link DecodeSlots}), leaving a core to the warm-up;</li>
 *   <li>the caller's thread waits for the batches in input order and hands each one to the sink, so
 *       output never waits for the end.</li>
 * </ul>
 * Memory is bounded whatever the number of images: at most {@link #window} batches exist between the
 * feeder and the sink ({@link #aheadWindow} while the backend is not ready; a semaphore: the feeder
 * blocks until the sink has taken the oldest one), each
 * holding its preprocessed input (recycled) and its results; workers hold one decoded image each
 * (plus the early images, bounded by pixels).
 */
public final class BatchClassifier {
    /** Decoded images kept while the model loads, at most this many pixels in all (4 bytes each). */
    static final long EARLY_PIXELS = 8_000_000;

    /**
     * Preprocessed inputs decoded ahead, at most, while the backend is not {@link Backend#ready()}
     * (the engine's fast kernels are being compiled): decoding them then costs no more than later,
     * while running them on the cold kernels would be wasted. In bytes of float input: 256 MB, or an
     * eighth of the heap when that is less.
     */
    static final long AHEAD_BYTES = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);

    /** An image of at least this many pixels waits for the setup to keep only its grid ({@link #gridOf}). */
    static final long GRID_WAIT_PIXELS = 1L << 20;

    /** Images decoded ahead at most (see {@link #AHEAD_BYTES}). */
    static final int AHEAD_IMAGES = 1024;

    /** Receives each batch's results, in input order, on the thread that called {@link #run}. */
    @FunctionalInterface
    public interface Sink {
        void accept(List<ImageResult> results) throws Exception;
    }

    /**
     * What running batches takes from the model.
     *
     * @param pre      the preprocessing of one image
     * @param backends makes the backend (called once: with one thread on a helper thread once the first
     *                 batch is taken, else when the first image has decoded or by the first thread that
     *                 runs a batch)
     * @param classes  the model's classes (0 for a headless model: no ranking, its outputs are the features)
     */
    public record Setup(ImagePreprocessor pre, Supplier<Backend> backends, int classes) {
    }

    private final ImageLoader loader;
    private final int batch;
    private final int threads;
    private final int topK;
    private final float threshold;
    private final boolean features;

    /**
     * @param topK      how many classes to keep per image
     * @param threshold the lowest score kept
     * @param features  whether to return the pooled feature vectors
     */
    public BatchClassifier(ImageLoader loader, int batch, int threads, int topK, float threshold, boolean features) {
        if (batch < 1 || threads < 1 || topK < 1) {
            throw new IllegalArgumentException("--batch, --threads and --top-k must be >= 1");
        }
        this.loader = loader;
        this.batch = batch;
        this.threads = threads;
        this.topK = topK;
        this.threshold = threshold;
        this.features = features;
    }

    /** Batches in flight between the feeder and the sink, at most. */
    int window() {
        return threads + 2;
    }

    /**
     * Batches in flight at most while the backend is not ready: {@link #AHEAD_BYTES} of input and
     * {@link #AHEAD_IMAGES} images, at least {@link #window()} batches.
     */
    int aheadWindow(Setup setup) {
        long bytes = 4L * batch * setup.pre().inputSize();
        return (int) Math.max(window(), Math.min(AHEAD_IMAGES / batch, AHEAD_BYTES / bytes));
    }

    /** Classifies every path of a list, in order, and returns all results (for small lists and tests). */
    public List<ImageResult> run(List<Path> images, Setup setup) throws Exception {
        List<ImageResult> all = new ArrayList<>(images.size());
        run(images.stream().map(p -> new ImageInputs.Input(p, null)).iterator(), () -> setup, all::addAll);
        return all;
    }

    /**
     * Classifies the inputs and hands the results to {@code sink} batch by batch, in input order, as
     * they are ready. {@code setup} is called once while the first images decode: on a helper thread
     * with one thread, else on this one. An exception from the setup, the inputs (reading standard input), a
     * backend or the sink stops the run and is rethrown here, after the batches before it were handed
     * over.
     */
    public void run(Iterator<ImageInputs.Input> inputs, Callable<Setup> setup, Sink sink) throws Exception {
        try {
            if (threads == 1) {
                serial(inputs, setup, sink);
            } else {
                new Pipeline(inputs).run(setup, sink);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // reading standard input failed
        }
    }

    /**
     * One thread: decode a batch, run it, hand it over. The {@link Setup} (the model) is made on a
     * helper thread ({@link Helpers}) while the first images decode, and taken when the first image has
     * decoded (its preprocessing needs the model's input size), or before a batch none of whose images
     * decoded is handed over, or when the inputs end; when it failed, its error is the run's, even if
     * reading the inputs failed meanwhile. The backend is made on another helper as soon as the setup
     * is ready, taken right after the setup, and told the count of images then (so that the engine's
     * warm-up starts while the rest of the batch decodes) and after each batch when it changed; while
     * it is not ready (see {@link Backend#ready()}) the next batches are decoded first, up to
     * {@link #aheadWindow} (not when the inputs may have to be waited for), and run once it is, or when
     * no input is left.
     */
    private void serial(Iterator<ImageInputs.Input> inputs, Callable<Setup> makeSetup, Sink sink) throws Exception {
        Helpers helpers = new Helpers(makeSetup);
        Setup setup = null;
        Backend backend = null;
        long[] told = {-1, 0}; // the count and "all" (1) the backend was last told
        ArrayDeque<Batch> ahead = new ArrayDeque<>();
        // Inputs that may have to be waited for (a list on standard input) are never waited for
        // while decoded batches are held: results come out as soon as they can.
        boolean mayWait = inputs instanceof ImageInputs list && list.mayWait();
        long taken = 0;
        try {
            while (true) {
                // Batches held ahead at most: one until the setup (the input size) is known.
                int most = setup == null || mayWait ? 1 : aheadWindow(setup);
                // (hasNext only when nothing decoded can run now: it may wait for standard input)
                if (!ahead.isEmpty()
                        && (ahead.size() >= most || backend == null || backend.ready() || !inputs.hasNext())) {
                    if (setup == null) {
                        setup = helpers.setup(); // a batch none of whose images decoded: results need it too
                    }
                    sink.accept(infer(ahead.poll(), setup, backend));
                    continue;
                }
                if (!inputs.hasNext()) {
                    if (setup == null) {
                        setup = helpers.setup(); // a model that cannot be loaded fails the run, images or not
                    }
                    return;
                }
                Batch b = new Batch(take(inputs), null);
                taken += b.size();
                helpers.startBackend(); // once: made as soon as the setup is
                for (int i = 0; i < b.size(); i++) {
                    DecodedImage img = decode(b, i, gridOf(helpers.setup));
                    if (img == null) {
                        continue;
                    }
                    if (setup == null) {
                        setup = helpers.setup();
                    }
                    if (b.input == null) {
                        b.input = new float[batch * setup.pre().inputSize()];
                    }
                    setup.pre().apply(img.image(), img.grid(), b.input, i * setup.pre().inputSize());
                    if (backend == null) {
                        // Taken at the first image that decodes, and told the count at once, so that the
                        // engine's warm-up can start while the rest of the batch and the next ones decode.
                        backend = helpers.backend();
                        boolean all = !mayWait && !inputs.hasNext(); // first: it may list a directory
                        tell(backend, taken + expectedMore(inputs), all, told);
                    }
                }
                if (backend != null) {
                    // (hasNext only when it cannot wait for standard input; first, as it may prepare the next input)
                    boolean all = !mayWait && !inputs.hasNext();
                    tell(backend, taken + expectedMore(inputs), all, told);
                }
                ahead.add(b);
            }
        } catch (Throwable t) {
            if (setup == null) {
                // Failed before the setup was taken (reading the inputs, say): a model that cannot be
                // loaded is still the run's error, as when the setup came first.
                Throwable failed = helpers.setupFailure();
                if (failed != null && failed != t) {
                    failed.addSuppressed(t);
                    if (failed instanceof Exception e) {
                        throw e;
                    }
                    throw (Error) failed;
                }
            }
            throw t;
        } finally {
            if (backend == null) {
                helpers.settle(); // made for nothing, or the run failed first: let them finish
            }
        }
    }

    /**
     * Makes the {@link Setup} (loads the model) on a daemon thread from the start, so that it overlaps
     * the decoding of the first images (one image of 0.5/160: 20-40 ms of decoding, bounded by
     * ImageIO's start, against 30-50 ms to read the model), and the backend once asked (the first batch
     * is taken: no inputs, no backend) on another as soon as the setup is ready (the engine's weights
     * put in kernel layout, 20 ms, or ONNX Runtime's session, 100 ms or more), overlapping whatever is
     * left of the decoding. A failure is thrown only to whoever joins: a run whose images all fail
     * never needs the backend, and reports the images.
     */
    private static final class Helpers {
        final CompletableFuture<Setup> setup = new CompletableFuture<>();
        private CompletableFuture<Backend> backend;

        Helpers(Callable<Setup> makeSetup) {
            daemon(() -> {
                try {
                    setup.complete(makeSetup.call());
                } catch (Throwable e) {
                    setup.completeExceptionally(e);
                }
            });
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "classify-setup");
            t.setDaemon(true);
            t.start();
        }

        /** Starts making the backend once the setup is ready (no-op when started already). */
        void startBackend() {
            if (backend == null) {
                backend = setup.thenApplyAsync(s -> s.backends().get(), Helpers::daemon);
            }
        }

        /** The setup, once made; its maker's exception or error rethrown as it was. */
        Setup setup() throws Exception {
            return join(setup);
        }

        /** The backend, once made (after {@link #startBackend()}); its maker's failure rethrown as it was. */
        Backend backend() throws Exception {
            return join(backend);
        }

        /** Waits for the setup; what it failed with, or null when it was made. */
        Throwable setupFailure() {
            try {
                setup.join();
                return null;
            } catch (CompletionException e) {
                return e.getCause() != null ? e.getCause() : e;
            } catch (CancellationException e) {
                return e;
            }
        }

        /**
         * Waits until what was started is made or has failed, ignoring failures: the caller's factory
         * then closes what was made (ONNX Runtime's session) instead of racing its making.
         */
        void settle() {
            for (CompletableFuture<?> f : List.of(setup, backend == null ? setup : backend)) {
                try {
                    f.join();
                } catch (RuntimeException e) {
                    // nobody needs it: its failure is not the run's
                }
            }
        }

        private static <T> T join(CompletableFuture<T> f) throws Exception {
            try {
                return f.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                while (cause instanceof CompletionException c && c.getCause() != null) {
                    cause = c.getCause(); // the backend's stage wraps the setup's failure once more
                }
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }

    /**
     * What a decoder keeps of a {@code w x h} image: the grid the setup's preprocessing reads (null: the
     * whole image), once the setup is made. An image of at least {@link #GRID_WAIT_PIXELS} waits for it
     * (turning a phone photo's twelve million pixels to RGB, and through its colour profile, takes
     * longer than what is left of the model's loading); a smaller one is kept whole when the setup is
     * not made yet. A setup that failed: the whole image (the run reports the failure).
     */
    private static PixelGrid.Selector gridOf(CompletableFuture<Setup> setup) {
        return (w, h) -> {
            if (!setup.isDone() && (long) w * h < GRID_WAIT_PIXELS) {
                return null;
            }
            try {
                return setup.join().pre().grid(w, h);
            } catch (RuntimeException e) {
                return null;
            }
        };
    }

    /** Tells the backend the count of images and whether that is all, unless that is what it was last told. */
    private static void tell(Backend backend, long images, boolean all, long[] last) {
        if (last[0] != images || last[1] != (all ? 1 : 0)) {
            backend.expectImages(images, all);
            last[0] = images;
            last[1] = all ? 1 : 0;
        }
    }

    /** Inputs known to be coming after those taken (see {@link ImageInputs#expectedMore()}); 0 if unknown. */
    private static long expectedMore(Iterator<ImageInputs.Input> inputs) {
        return inputs instanceof ImageInputs list ? list.expectedMore() : 0;
    }

    /** Up to {@code batch} inputs. */
    private List<ImageInputs.Input> take(Iterator<ImageInputs.Input> inputs) {
        List<ImageInputs.Input> chunk = new ArrayList<>(batch);
        // A list on standard input may come slowly: a batch is what has arrived, not a wait for more.
        while (chunk.size() < batch && (chunk.isEmpty() || !(inputs instanceof ImageInputs in) || in.nextReady())
                && inputs.hasNext()) {
            chunk.add(inputs.next());
        }
        return chunk;
    }

    /** One batch: its inputs, its preprocessed images, then its results. */
    private static final class Batch {
        final List<ImageInputs.Input> inputs;
        /** The preprocessed images, {@code [batch, R, R, 3]}; null until the setup is known. */
        float[] input;
        /** Images decoded before the setup was known, preprocessed when the batch runs. */
        final DecodedImage[] early;
        final String[] errors;
        /** What is wrong with an image decoded anyway (a truncated file kept), or null. */
        final String[] warnings;
        final boolean[] ok;
        final AtomicInteger pending;
        final CountDownLatch done = new CountDownLatch(1);
        volatile List<ImageResult> results;
        volatile Throwable failure;

        Batch(List<ImageInputs.Input> inputs, float[] input) {
            this.inputs = inputs;
            this.input = input;
            this.early = new DecodedImage[inputs.size()];
            this.errors = new String[inputs.size()];
            this.warnings = new String[inputs.size()];
            this.ok = new boolean[inputs.size()];
            this.pending = new AtomicInteger(inputs.size());
        }

        int size() {
            return inputs.size();
        }

        int decoded() {
            int n = 0;
            for (boolean b : ok) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * Decodes image {@code i} of the batch, keeping the pixels at {@code grid}'s grid; a bad image is
     * recorded as failed (and null returned).
     */
    private DecodedImage decode(Batch b, int i, PixelGrid.Selector grid) {
        ImageInputs.Input in = b.inputs.get(i);
        if (in.error() != null) {
            b.errors[i] = in.path() + ": " + in.error();
            return null;
        }
        try {
            DecodedImage img = loader.decode(in.path(), grid);
            b.warnings[i] = img.warning();
            b.ok[i] = true;
            return img;
        } catch (TruncatedImageException e) {
            b.errors[i] = e.getMessage() + "; --allow-truncated classifies what was decoded";
            return null;
        } catch (BadInputException e) {
            b.errors[i] = org.mobilenet.cli.Remedies.message(e);
            return null;
        }
    }

    /** Runs the batch's decoded images through the backend and makes one result per input. */
    private List<ImageResult> infer(Batch b, Setup setup, Backend backend) {
        int size = setup.pre().inputSize();
        int n = b.decoded();
        ImageResult[] results = new ImageResult[b.size()];
        Backend.Result r = null;
        if (n > 0) {
            float[] in = b.input;
            if (n != b.size() || in.length != n * size) {
                // Failed images leave holes, and a short last batch a tail: run the decoded ones only.
                in = new float[n * size];
                int j = 0;
                for (int i = 0; i < b.size(); i++) {
                    if (b.ok[i]) {
                        System.arraycopy(b.input, i * size, in, j++ * size, size);
                    }
                }
            }
            r = backend.run(in, n, features && setup.classes() > 0);
        }
        int j = 0;
        for (int i = 0; i < b.size(); i++) {
            Path path = b.inputs.get(i).path();
            ImageResult ri = b.ok[i] ? result(path, setup.classes(), r, j++, n) : ImageResult.failure(path, b.errors[i]);
            results[i] = ri.with(b.warnings[i], b.inputs.get(i).skipped());
        }
        return List.of(results);
    }

    private ImageResult result(Path path, int classes, Backend.Result r, int j, int n) {
        int width = r.outputs().length / n;
        float[] feat = null;
        if (classes == 0) {
            feat = Arrays.copyOfRange(r.outputs(), j * width, (j + 1) * width);
        } else if (r.features() != null) {
            int fw = r.features().length / n;
            feat = Arrays.copyOfRange(r.features(), j * fw, (j + 1) * fw);
        }
        int[] idx = new int[0];
        float[] sc = new float[0];
        if (classes > 0) {
            int[] top = TopK.of(r.outputs(), j * width, width, topK);
            int keep = 0;
            while (keep < top.length && r.outputs()[j * width + top[keep]] >= threshold) {
                keep++;
            }
            idx = Arrays.copyOf(top, keep);
            sc = new float[keep];
            for (int k = 0; k < keep; k++) {
                sc[k] = r.outputs()[j * width + idx[k]];
            }
        }
        return new ImageResult(path, idx, sc, feat, null);
    }

    /** The multi-threaded run: a feeder, {@code threads} workers, and the caller as setup and in-order sink. */
    private final class Pipeline {
        private final Iterator<ImageInputs.Input> inputs;
        private final Semaphore window = new Semaphore(window());
        /** Batches in input order, as the feeder made them; {@link #end} (or a failed batch) ends the run. */
        private final LinkedBlockingQueue<Batch> order = new LinkedBlockingQueue<>();
        /** Preprocessed-input arrays of batches already handed over, for reuse. */
        private final ConcurrentLinkedQueue<float[]> spare = new ConcurrentLinkedQueue<>();
        /** Decoded batches waiting to run, and the lock held by the one worker running them. */
        private final ConcurrentLinkedQueue<Batch> ready = new ConcurrentLinkedQueue<>();
        private final ReentrantLock running = new ReentrantLock();
        /** Taken by the first worker to preprocess an image: it makes the backend. */
        private final AtomicBoolean firstImage = new AtomicBoolean();
        /** The feeder's count of images taken plus those known to be coming; {@link #allTaken} once it took the last. */
        private volatile long expected;
        private volatile boolean allTaken;
        private final CompletableFuture<Setup> setup = new CompletableFuture<>();
        /** Pixels of the images kept while the setup is made. */
        private final AtomicLong earlyPixels = new AtomicLong();
        private final ThreadPoolExecutor workers;
        /** Decoding places, one of which is lent to a backend warming up. */
        private final DecodeSlots slots = new DecodeSlots(threads);
        private final Batch end = new Batch(List.of(), null);
        /** Made once, under {@link #running}. */
        private Backend backend;
        private volatile boolean stopped;

        Pipeline(Iterator<ImageInputs.Input> inputs) {
            this.inputs = inputs;
            AtomicInteger id = new AtomicInteger();
            this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "classify-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        void run(Callable<Setup> makeSetup, Sink sink) throws Exception {
            Thread feeder = new Thread(this::feed, "classify-inputs");
            feeder.setDaemon(true);
            feeder.start();
            try {
                try {
                    setup.complete(makeSetup.call());
                } catch (Throwable t) {
                    setup.completeExceptionally(t);
                    throw t;
                }
                while (true) {
                    Batch b = order.take();
                    if (b == end) {
                        return;
                    }
                    b.done.await();
                    if (b.failure != null) {
                        throw rethrowable(b.failure);
                    }
                    sink.accept(b.results);
                    if (b.input != null && b.input.length == batch * setup.get().pre().inputSize()) {
                        spare.add(b.input);
                    }
                    window.release();
                }
            } finally {
                stopped = true;
                feeder.interrupt();
                workers.shutdownNow();
                // The backend may be closed after this returns: no worker may still be running a batch.
                workers.awaitTermination(1, TimeUnit.MINUTES);
            }
        }

        /** The feeder thread: batches of inputs, one decode task per image, at most the window's batches ahead. */
        private void feed() {
            try {
                long taken = 0;
                while (!stopped && inputs.hasNext()) {
                    List<ImageInputs.Input> chunk = take(inputs);
                    taken += chunk.size();
                    expected = taken + expectedMore(inputs);
                    window.acquire();
                    Batch b = new Batch(chunk, spare.poll());
                    order.add(b);
                    for (int i = 0; i < b.size(); i++) {
                        int slot = i;
                        workers.execute(() -> work(b, slot));
                    }
                }
                allTaken = !stopped;
                order.add(end);
            } catch (InterruptedException | RejectedExecutionException e) {
                order.add(end); // stopped by the caller
            } catch (Throwable t) {
                Batch failed = new Batch(List.of(), null);
                failed.failure = t;
                failed.done.countDown();
                order.add(failed);
            }
        }

        /**
         * A worker's task: decode one image; the batch is queued to run once its last image is
         * decoded. Then it runs queued batches (see {@link #drain}).
         */
        private void work(Batch b, int i) {
            try {
                slots.enter();
            } catch (InterruptedException e) {
                return; // stopped
            }
            try {
                if (!stopped) {
                    preprocess(b, i, decode(b, i, gridOf(setup)));
                }
            } catch (Throwable t) {
                b.failure = t;
            } finally {
                slots.leave();
            }
            if (b.pending.decrementAndGet() == 0) {
                ready.add(b);
            }
            if (slots.lending()) {
                giveBackWhenReady();
            }
            drain();
        }

        /** Ends the lend of a decoding place once the backend has stopped warming up (unless the lock is busy: the next decode looks again). */
        private void giveBackWhenReady() {
            if (running.tryLock()) {
                try {
                    if (backend != null && !backend.warmingUp()) {
                        slots.giveBack();
                    }
                } finally {
                    running.unlock();
                }
            }
        }

        /**
         * Runs queued batches unless another worker is at it (whoever holds the lock looks at the
         * queue again after releasing it, so no batch is left behind). While the backend is not ready
         * they stay queued as long as images are left to decode: this worker goes back to decoding,
         * and whoever finds no decoding left runs them anyway.
         */
        private void drain() {
            while (!ready.isEmpty() && !stopped && running.tryLock()) {
                try {
                    Backend be;
                    try {
                        be = backend();
                    } catch (Throwable t) {
                        failQueued(t);
                        return;
                    }
                    tell(be);
                    if (!be.ready() && !workers.getQueue().isEmpty()) {
                        return;
                    }
                    for (Batch r = ready.poll(); r != null; r = ready.poll()) {
                        infer(r, be);
                    }
                } finally {
                    running.unlock();
                }
            }
        }

        /**
         * Tells the backend the feeder's count, and lends it a decoding place while it warms up.
         * allTaken is read first: the feeder writes the last count before it, so a backend told "all"
         * is told the whole count.
         */
        private void tell(Backend be) {
            boolean all = allTaken;
            be.expectImages(expected, all);
            if (be.warmingUp()) {
                slots.lend();
            }
        }

        /** The backend, made now if it was not; under {@link #running}. */
        private Backend backend() throws InterruptedException, ExecutionException {
            if (backend == null) {
                backend = setup.get().backends().get();
            }
            return backend;
        }

        /** Fails the queued batches with {@code t} (the backend could not be made). */
        private void failQueued(Throwable t) {
            for (Batch r = ready.poll(); r != null; r = ready.poll()) {
                r.failure = t instanceof ExecutionException e && e.getCause() != null ? e.getCause() : t;
                r.done.countDown();
            }
        }

        /**
         * Writes a decoded image into its batch's input; before the setup is known the image is kept
         * instead (within {@link #EARLY_PIXELS}; beyond that the worker waits for the setup). The
         * first image written makes the backend (see {@link #makeBackend}).
         */
        private void preprocess(Batch b, int i, DecodedImage img) throws InterruptedException, ExecutionException {
            if (img == null) {
                return;
            }
            if (!setup.isDone()) {
                long px = img.image().pixels().length;
                if (earlyPixels.addAndGet(px) <= EARLY_PIXELS) {
                    b.early[i] = img;
                    return;
                }
                earlyPixels.addAndGet(-px);
            }
            Setup s = setup.get();
            synchronized (b) {
                if (b.input == null) {
                    b.input = new float[batch * s.pre().inputSize()];
                }
            }
            s.pre().apply(img.image(), img.grid(), b.input, i * s.pre().inputSize());
            if (firstImage.compareAndSet(false, true)) {
                makeBackend();
            }
        }

        /**
         * Makes the backend at the first image written, so the engine's warm-up runs while the next
         * images decode, and widens the window to {@link #aheadWindow} while it is not ready. A
         * failure is left for the worker that runs the first batch to meet and report.
         */
        private void makeBackend() throws InterruptedException, ExecutionException {
            running.lock();
            try {
                Backend be;
                try {
                    be = backend();
                } catch (RuntimeException e) {
                    return;
                }
                tell(be);
                if (!be.ready()) {
                    window.release(aheadWindow(setup.get()) - window());
                }
            } finally {
                running.unlock();
            }
        }

        /** Runs one batch on {@code be} and releases the sink waiting for it. */
        private void infer(Batch b, Backend be) {
            try {
                if (b.failure == null && !stopped) {
                    Setup s = setup.get();
                    if (b.input == null) {
                        b.input = new float[batch * s.pre().inputSize()];
                    }
                    for (int i = 0; i < b.size(); i++) {
                        if (b.early[i] != null) {
                            s.pre().apply(b.early[i].image(), b.early[i].grid(), b.input, i * s.pre().inputSize());
                            earlyPixels.addAndGet(-(long) b.early[i].image().pixels().length);
                            b.early[i] = null;
                        }
                    }
                    b.results = BatchClassifier.this.infer(b, s, be);
                }
            } catch (Throwable t) {
                b.failure = t instanceof ExecutionException e && e.getCause() != null ? e.getCause() : t;
            } finally {
                b.done.countDown();
            }
        }
    }

    private static Exception rethrowable(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof UncheckedIOException e) {
            return e.getCause();
        }
        return t instanceof Exception e ? e : new IllegalStateException(t);
    }
}
