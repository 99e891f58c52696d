package org.mobilenet.cli.classify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.mobilenet.engine.eval.TopK;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.image.ImageLoader;

/**
 * Classifies images in batches of {@code batch}, on {@code threads} worker threads (each with its
 * own {@link Backend}), and returns one {@link ImageResult} per image in input order. An image that
 * cannot be decoded becomes a failed result; the others in its batch still run.
 */
public final class BatchClassifier {
    private final ImagePreprocessor pre;
    private final ImageLoader loader;
    private final Supplier<Backend> backends;
    private final int batch;
    private final int threads;
    private final int classes;
    private final int topK;
    private final float threshold;
    private final boolean features;

    /**
     * @param classes   the model's classes (0 for a headless model: no ranking, its outputs are the features)
     * @param topK      how many classes to keep per image
     * @param threshold the lowest score kept
     * @param features  whether to return the pooled feature vectors
     */
    public BatchClassifier(ImagePreprocessor pre, ImageLoader loader, Supplier<Backend> backends, int batch,
            int threads, int classes, int topK, float threshold, boolean features) {
        if (batch < 1 || threads < 1 || topK < 1) {
            throw new IllegalArgumentException("--batch, --threads and --top-k must be >= 1");
        }
        this.pre = pre;
        this.loader = loader;
        this.backends = backends;
        this.batch = batch;
        this.threads = threads;
        this.classes = classes;
        this.topK = topK;
        this.threshold = threshold;
        this.features = features;
    }

    /** Classifies all images; {@code progress} is told the number of images done so far. */
    public List<ImageResult> run(List<Path> images, IntConsumer progress) throws InterruptedException {
        List<List<Path>> batches = new ArrayList<>();
        for (int i = 0; i < images.size(); i += batch) {
            batches.add(images.subList(i, Math.min(images.size(), i + batch)));
        }
        AtomicInteger done = new AtomicInteger();
        List<ImageResult> out = new ArrayList<>(images.size());
        if (threads == 1 || batches.size() <= 1) {
            Backend b = backends.get();
            for (List<Path> chunk : batches) {
                out.addAll(runBatch(b, chunk));
                progress.accept(done.addAndGet(chunk.size()));
            }
            return out;
        }
        ThreadLocal<Backend> local = ThreadLocal.withInitial(backends);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, batches.size()), r -> {
            Thread t = new Thread(r, "classify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<ImageResult>>> futures = new ArrayList<>();
            for (List<Path> chunk : batches) {
                futures.add(pool.submit(() -> {
                    List<ImageResult> r = runBatch(local.get(), chunk);
                    progress.accept(done.addAndGet(chunk.size()));
                    return r;
                }));
            }
            for (Future<List<ImageResult>> f : futures) {
                out.addAll(f.get());
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private List<ImageResult> runBatch(Backend backend, List<Path> chunk) {
        ImageResult[] results = new ImageResult[chunk.size()];
        int[] slot = new int[chunk.size()];
        float[] input = new float[chunk.size() * pre.inputSize()];
        int n = 0;
        for (int i = 0; i < chunk.size(); i++) {
            try {
                RgbImage img = loader.load(chunk.get(i));
                pre.apply(img, input, n * pre.inputSize());
                slot[n++] = i;
            } catch (BadInputException e) {
                results[i] = ImageResult.failure(chunk.get(i), e.getMessage());
            }
        }
        if (n > 0) {
            float[] in = n == chunk.size() ? input : java.util.Arrays.copyOf(input, n * pre.inputSize());
            Backend.Result r = backend.run(in, n, features && classes > 0);
            int width = r.outputs().length / n;
            for (int j = 0; j < n; j++) {
                int i = slot[j];
                float[] feat = null;
                if (classes == 0) {
                    feat = java.util.Arrays.copyOfRange(r.outputs(), j * width, (j + 1) * width);
                } else if (r.features() != null) {
                    int fw = r.features().length / n;
                    feat = java.util.Arrays.copyOfRange(r.features(), j * fw, (j + 1) * fw);
                }
                int[] idx = new int[0];
                float[] sc = new float[0];
                if (classes > 0) {
                    int[] top = TopK.of(r.outputs(), j * width, width, topK);
                    int keep = 0;
                    while (keep < top.length && r.outputs()[j * width + top[keep]] >= threshold) {
                        keep++;
                    }
                    idx = java.util.Arrays.copyOf(top, keep);
                    sc = new float[keep];
                    for (int k = 0; k < keep; k++) {
                        sc[k] = r.outputs()[j * width + idx[k]];
                    }
                }
                results[i] = new ImageResult(chunk.get(i), idx, sc, feat, null);
            }
        }
        return List.of(results);
    }
}
