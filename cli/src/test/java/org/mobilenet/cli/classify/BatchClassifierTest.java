package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.io.image.ImageLoader;

/**
 * The pipeline on tiny generated images and a stand-in backend that "classifies" an image as its
 * gray level: order, failures, bounded memory over many inputs, errors.
 */
class BatchClassifierTest {
    private static final int CLASSES = 256;

    @TempDir
    Path tmp;

    /** A 4x3 image of one gray level. */
    private Path gray(int level) throws IOException {
        Path p = tmp.resolve("gray" + level + ".png");
        if (!Files.exists(p)) {
            BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    img.setRGB(x, y, level * 0x010101);
                }
            }
            ImageIO.write(img, "png", p.toFile());
        }
        return p;
    }

    /** One-hot at the first input value (the gray level: mean 0, std 1), counting batches and images run. */
    private static final class Levels implements Backend {
        final AtomicInteger images = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger overlapping = new AtomicInteger();

        @Override
        public Result run(float[] input, int n, boolean features) {
            if (running.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
            }
            try {
                int size = input.length / n;
                float[] out = new float[n * CLASSES];
                for (int b = 0; b < n; b++) {
                    out[b * CLASSES + Math.round(input[b * size])] = 1;
                }
                images.addAndGet(n);
                return new Result(out, null);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    private static BatchClassifier.Setup setup(Backend backend) {
        return new BatchClassifier.Setup(new ImagePreprocessor(Preprocessing.uniform(0, 1), 2), () -> backend, CLASSES);
    }

    private static ImageInputs.Input in(Path p) {
        return new ImageInputs.Input(p, null);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8})
    void resultsComeInInputOrderWithFailuresInPlace(int threads) throws Exception {
        List<ImageInputs.Input> inputs = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int level = (i * 37) % 256;
            if (i % 13 == 5) {
                inputs.add(in(tmp.resolve("missing" + i + ".png")));
                expected.add(-1);
            } else if (i % 17 == 3) {
                inputs.add(new ImageInputs.Input(tmp.resolve("dir" + i), "cannot list the directory"));
                expected.add(-2);
            } else {
                inputs.add(in(gray(level)));
                expected.add(level);
            }
        }
        Levels backend = new Levels();
        List<ImageResult> got = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        new BatchClassifier(new ImageLoader(), 4, threads, 1, 0, false).run(inputs.iterator(), () -> setup(backend), r -> {
            batchSizes.add(r.size());
            got.addAll(r);
        });
        assertEquals(60, got.size());
        for (int i = 0; i < 60; i++) {
            ImageResult r = got.get(i);
            assertEquals(inputs.get(i).path(), r.path());
            if (expected.get(i) == -1) {
                assertTrue(r.failed() && r.error().contains("no such file"), r.error());
            } else if (expected.get(i) == -2) {
                assertEquals(inputs.get(i).path() + ": cannot list the directory", r.error());
            } else {
                assertEquals(expected.get(i), r.indices()[0], "image " + i);
            }
        }
        assertTrue(batchSizes.stream().allMatch(n -> n == 4), batchSizes.toString());
        assertEquals(0, backend.overlapping.get(), "one batch at a time through the one backend");
    }

    /** Keeps a copy of each image's input, in the order run. */
    private static final class Inputs implements Backend {
        final List<float[]> seen = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public Result run(float[] input, int n, boolean features) {
            int size = input.length / n;
            for (int b = 0; b < n; b++) {
                seen.add(java.util.Arrays.copyOfRange(input, b * size, (b + 1) * size));
            }
            return new Result(new float[n * CLASSES], null);
        }
    }

    /** A picture with detail everywhere (each pixel its own colour), {@code w x h}, as a PNG. */
    private Path picture(String name, int w, int h) throws IOException {
        Path p = tmp.resolve(name + ".png");
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 7919 + y * 104729) & 0xFFFFFF);
            }
        }
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    /**
     * Large images are decoded at the grid the preprocessing reads (a photo of more than {@link
     * BatchClassifier#GRID_WAIT_PIXELS} waits for the setup to know it, a smaller one uses it when the
     * setup is made): the network gets exactly the input the whole image gives.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void imagesDecodedAtTheirGridGiveTheInputOfTheWholeImage(int threads) throws Exception {
        List<Path> paths = List.of(picture("big", 1200, 900), picture("wide", 700, 90), picture("small", 9, 11),
                picture("tall", 333, 1001));
        ImagePreprocessor pre = new ImagePreprocessor(new Preprocessing(new float[] {1, 2, 3}, new float[] {4, 5, 6},
                Preprocessing.ChannelOrder.RGB, Preprocessing.Resize.CENTER_CROP, 0.875f), 13, 17);
        Inputs backend = new Inputs();
        List<ImageInputs.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            inputs.add(in(paths.get(i % paths.size())));
        }
        new BatchClassifier(new ImageLoader(), 1, threads, 1, 0, false).run(inputs.iterator(),
                () -> new BatchClassifier.Setup(pre, () -> backend, CLASSES), r -> { });
        // (Batches may run out of input order with two threads: each input must be one of the four.)
        assertEquals(12, backend.seen.size());
        int[] count = new int[paths.size()];
        for (float[] got : backend.seen) {
            int match = -1;
            for (int j = 0; j < paths.size(); j++) {
                if (java.util.Arrays.equals(pre.apply(new ImageLoader().load(paths.get(j))), got)) {
                    match = j;
                }
            }
            assertTrue(match >= 0, "an input that no whole image gives: " + java.util.Arrays.toString(
                    java.util.Arrays.copyOf(got, 6)));
            count[match]++;
        }
        assertArrayEquals(new int[] {3, 3, 3, 3}, count);
        // The big one's grid: 2 rows and columns read per input row and column, of 900 and 1200.
        org.mobilenet.engine.preprocess.PixelGrid g = pre.grid(1200, 900);
        assertEquals(26, g.rows().length);
        assertEquals(34, g.cols().length);
    }

    /**
     * Many inputs from a lazy source: the pipeline never takes more than its window of batches
     * ahead of what the sink has received, whatever the number of images.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void inputsAreTakenLazilyWithABoundedNumberInFlight(int threads) throws Exception {
        Path img = gray(9);
        int total = 1500;
        int batch = 5;
        AtomicLong taken = new AtomicLong();
        AtomicLong handedOver = new AtomicLong();
        AtomicLong maxAhead = new AtomicLong();
        Iterator<ImageInputs.Input> source = counting(img, total, taken,
                () -> maxAhead.accumulateAndGet(taken.get() - handedOver.get(), Math::max));
        Levels backend = new Levels();
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), batch, threads, 1, 0, false);
        bc.run(source, () -> setup(backend), r -> handedOver.addAndGet(r.size()));
        assertEquals(total, handedOver.get());
        assertEquals(total, backend.images.get());
        // The window of batches, plus the one the feeder holds while it waits for a place.
        long bound = (long) (threads == 1 ? 1 : bc.window() + 1) * batch;
        assertTrue(maxAhead.get() <= bound, "took " + maxAhead.get() + " inputs ahead of the sink, bound " + bound);
    }

    /** A backend that is not ready until told, recording how many inputs had been taken at each run. */
    private static final class Warming implements Backend {
        final Levels levels = new Levels();
        final List<Long> takenAtRun = new ArrayList<>();
        final AtomicLong taken;
        volatile boolean ready;
        /** Each expectImages call: the count, and 1 when it was all of them. */
        final List<long[]> told = new java.util.concurrent.CopyOnWriteArrayList<>();

        Warming(AtomicLong taken) {
            this.taken = taken;
        }

        @Override
        public Result run(float[] input, int n, boolean features) {
            takenAtRun.add(taken.get());
            return levels.run(input, n, features);
        }

        @Override
        public boolean ready() {
            return ready;
        }

        /** Warming up (on a thread of its own, as the Java engine does) until ready: a decoding place is lent to it. */
        @Override
        public boolean warmingUp() {
            return !ready;
        }

        @Override
        public void expectImages(long images, boolean all) {
            told.add(new long[] {images, all ? 1 : 0});
        }
    }

    /** {@code total} inputs of {@code img}, counted in {@code taken}; {@code atEach} runs after each is taken. */
    private static Iterator<ImageInputs.Input> counting(Path img, int total, AtomicLong taken, Runnable atEach) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return taken.get() < total;
            }

            @Override
            public ImageInputs.Input next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                taken.incrementAndGet();
                atEach.run();
                return in(img);
            }
        };
    }

    @Test
    void oneThreadDecodesAheadWhileTheBackendIsNotReadyAndRunsInOrderOnceItIs() throws Exception {
        Path img = gray(7);
        AtomicLong taken = new AtomicLong();
        Warming backend = new Warming(taken);
        // Ready once 40 inputs were taken: batches of 4, so 10 wait, then run one by one.
        Iterator<ImageInputs.Input> source = counting(img, 100, taken, () -> backend.ready = taken.get() >= 40);
        List<ImageResult> got = new ArrayList<>();
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), 4, 1, 1, 0, false);
        bc.run(source, () -> setup(backend), got::addAll);
        assertEquals(100, got.size());
        assertTrue(got.stream().allMatch(r -> r.indices()[0] == 7));
        assertArrayEquals(new long[] {4, 0}, backend.told.get(0), "told of the first batch, not as all");
        assertArrayEquals(new long[] {100, 1}, backend.told.get(backend.told.size() - 1), "told of all 100 at the end");
        assertEquals(40, backend.takenAtRun.get(0), "the first batch ran once the backend was ready");
        assertEquals(25, backend.takenAtRun.size());
    }

    /**
     * Several threads: images decode ahead while the backend is not ready, and every batch still
     * runs, in order (when the decoding is done, or the window is full, even on a backend never ready).
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aPipelineRunsEveryBatchInOrderWhetherOrNotTheBackendGetsReady(int threads) throws Exception {
        for (int readyAt : new int[] {40, Integer.MAX_VALUE}) {
            Path img = gray(11);
            AtomicLong taken = new AtomicLong();
            Warming backend = new Warming(taken);
            BatchClassifier bc = new BatchClassifier(new ImageLoader(), 4, threads, 1, 0, false);
            List<ImageResult> got = new ArrayList<>();
            bc.run(counting(img, 300, taken, () -> backend.ready = taken.get() >= readyAt), () -> setup(backend),
                    got::addAll);
            assertEquals(300, got.size());
            assertTrue(got.stream().allMatch(r -> r.indices()[0] == 11));
            assertEquals(75, backend.takenAtRun.size());
            assertFalse(backend.told.isEmpty(), "told how many images come");
            long last = 0;
            for (long[] t : backend.told) {
                assertTrue(t[0] >= last && t[0] <= 300, "counts grow up to the total: " + t[0] + " after " + last);
                last = t[0];
            }
        }
    }

    @Test
    void aBackendThatIsNeverReadyStillRunsEveryBatchWithinTheAheadWindow() throws Exception {
        Path img = gray(3);
        AtomicLong taken = new AtomicLong();
        Warming backend = new Warming(taken);
        int batch = 4;
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), batch, 1, 1, 0, false);
        BatchClassifier.Setup setup = setup(backend);
        int window = bc.aheadWindow(setup);
        int total = (window + 3) * batch;
        List<ImageResult> got = new ArrayList<>();
        bc.run(counting(img, total, taken, () -> { }), () -> setup, got::addAll);
        assertEquals(total, got.size());
        assertEquals((long) window * batch, backend.takenAtRun.get(0), "the first batch ran when the window was full");
        for (int i = 0; i < backend.takenAtRun.size(); i++) {
            long ahead = backend.takenAtRun.get(i) - (long) i * batch;
            assertTrue(ahead <= (long) window * batch, "run " + i + ": " + ahead + " inputs taken ahead of it");
        }
    }

    @Test
    void oneImageIsToldToTheBackendAsAllThereIs() throws Exception {
        AtomicLong taken = new AtomicLong();
        Warming backend = new Warming(taken);
        List<ImageResult> got = new ArrayList<>();
        new BatchClassifier(new ImageLoader(), 8, 1, 1, 0, false).run(counting(gray(5), 1, taken, () -> { }),
                () -> setup(backend), got::addAll);
        assertEquals(1, got.size());
        assertEquals(1, backend.told.size());
        assertArrayEquals(new long[] {1, 1}, backend.told.get(0), "one image, and that is all");
    }

    /**
     * With one thread the model loads (the setup) on a helper thread while the first images are taken
     * and decoded: a setup that waits for the first input to be taken gets it; run on the caller's
     * thread first, it would time out.
     */
    @Test
    void oneThreadMakesTheSetupWhileTheFirstImagesAreTaken() throws Exception {
        CountDownLatch firstTaken = new CountDownLatch(1);
        List<ImageInputs.Input> inputs = List.of(in(gray(3)), in(gray(9)));
        Iterator<ImageInputs.Input> it = new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return n < inputs.size();
            }

            @Override
            public ImageInputs.Input next() {
                firstTaken.countDown();
                return inputs.get(n++);
            }
        };
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), 1, 1, 1, 0, false);
        List<ImageResult> got = new ArrayList<>();
        Thread[] madeOn = new Thread[1];
        bc.run(it, () -> {
            madeOn[0] = Thread.currentThread();
            if (!firstTaken.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the setup was made before any input was taken");
            }
            return setup(new Levels());
        }, got::addAll);
        assertNotSame(Thread.currentThread(), madeOn[0], "made on a helper thread");
        assertEquals(2, got.size());
        assertEquals(3, got.get(0).indices()[0]);
        assertEquals(9, got.get(1).indices()[0]);
    }

    /**
     * With one thread a model that cannot be loaded fails the run with its own error whatever
     * happens to the inputs meanwhile: none, none that decode, or reading them failing before the
     * setup has failed (the input's error then rides along as suppressed).
     */
    @Test
    void oneThreadReportsAModelThatCannotBeLoadedWhateverTheInputsDo() throws Exception {
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), 4, 1, 1, 0, false);
        java.util.concurrent.Callable<BatchClassifier.Setup> noModel = () -> {
            Thread.sleep(100); // slower than the inputs' failure below
            throw new IllegalArgumentException("no model");
        };
        assertEquals("no model", assertThrows(IllegalArgumentException.class,
                () -> bc.run(List.<ImageInputs.Input>of().iterator(), noModel, r -> {
                })).getMessage(), "no inputs");
        List<ImageInputs.Input> missing = List.of(in(tmp.resolve("a.png")), in(tmp.resolve("b.png")));
        assertEquals("no model", assertThrows(IllegalArgumentException.class,
                () -> bc.run(missing.iterator(), noModel, r -> {
                })).getMessage(), "no input decodes");
        Iterator<ImageInputs.Input> broken = new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new java.io.UncheckedIOException(new IOException("stdin broke"));
            }

            @Override
            public ImageInputs.Input next() {
                throw new NoSuchElementException();
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bc.run(broken, noModel, r -> {
        }));
        assertEquals("no model", e.getMessage(), "reading the inputs failed first");
        assertEquals(1, e.getSuppressed().length);
        assertEquals("stdin broke", e.getSuppressed()[0].getCause().getMessage());
    }

    /**
     * A first batch none of whose images decode does not shrink the window of batches decoded ahead
     * while the backend is not ready.
     */
    @Test
    void aFirstBatchThatAllFailsKeepsTheAheadWindow() throws Exception {
        Path img = gray(4);
        AtomicLong taken = new AtomicLong();
        Warming backend = new Warming(taken);
        int batch = 4;
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), batch, 1, 1, 0, false);
        BatchClassifier.Setup setup = setup(backend);
        int window = bc.aheadWindow(setup);
        int total = (window + 3) * batch;
        Iterator<ImageInputs.Input> good = counting(img, total, taken, () -> { });
        Iterator<ImageInputs.Input> source = new Iterator<>() {
            int missing = batch;

            @Override
            public boolean hasNext() {
                return missing > 0 || good.hasNext();
            }

            @Override
            public ImageInputs.Input next() {
                return missing-- > 0 ? in(tmp.resolve("missing" + missing + ".png")) : good.next();
            }
        };
        List<ImageResult> got = new ArrayList<>();
        bc.run(source, () -> setup, got::addAll);
        assertEquals(total + batch, got.size());
        assertTrue(got.subList(0, batch).stream().allMatch(ImageResult::failed));
        assertEquals((long) window * batch, backend.takenAtRun.get(0),
                "the first decoded batch ran when the window was full");
    }

    /**
     * No input, no backend (an ONNX Runtime session is not made for nothing); inputs that all fail to
     * decode may have it made, but the run waits for it before returning, so that the factory's close
     * finds it.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void noInputMakesNoBackendAndAMadeOneIsFinishedBeforeTheRunReturns(int threads) throws Exception {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        BatchClassifier.Setup counting = new BatchClassifier.Setup(new ImagePreprocessor(Preprocessing.uniform(0, 1), 2),
                () -> {
                    made.incrementAndGet();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.incrementAndGet();
                    return new Levels();
                }, CLASSES);
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), 4, threads, 1, 0, false);
        List<ImageResult> got = new ArrayList<>();
        bc.run(List.<ImageInputs.Input>of().iterator(), () -> counting, got::addAll);
        assertEquals(0, made.get(), "no input");
        assertTrue(got.isEmpty());
        bc.run(List.of(in(tmp.resolve("missing1.png")), in(tmp.resolve("missing2.png"))).iterator(), () -> counting,
                got::addAll);
        assertEquals(2, got.size());
        assertEquals(made.get(), finished.get(), "a backend being made when the run returns");
    }

    /**
     * A backend that cannot be made (ONNX Runtime refusing the exported model) stops the run with its
     * own exception, also when it is made on another thread while the first images decode (one thread).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aBackendThatCannotBeMadeFailsTheRunWithItsOwnError(int threads) throws Exception {
        IllegalStateException refused = new IllegalStateException("ONNX Runtime could not load the exported model");
        BatchClassifier.Setup failing = new BatchClassifier.Setup(new ImagePreprocessor(Preprocessing.uniform(0, 1), 2),
                () -> {
                    throw refused;
                }, CLASSES);
        BatchClassifier bc = new BatchClassifier(new ImageLoader(), 4, threads, 1, 0, false);
        List<ImageInputs.Input> good = List.of(in(tmp.resolve("missing.png")), in(gray(7)));
        assertSame(refused, assertThrows(IllegalStateException.class, () -> bc.run(good.iterator(), () -> failing, r -> {
        })));
    }

    @Test
    void errorsFromTheSetupTheBackendTheSinkAndTheInputsStopTheRun() throws Exception {
        List<ImageInputs.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            inputs.add(in(gray(i)));
        }
        for (int threads : new int[] {1, 3}) {
            BatchClassifier bc = new BatchClassifier(new ImageLoader(), 4, threads, 1, 0, false);
            IllegalArgumentException setupFailed = new IllegalArgumentException("no model");
            assertSame(setupFailed, assertThrows(IllegalArgumentException.class,
                    () -> bc.run(inputs.iterator(), () -> {
                        throw setupFailed;
                    }, r -> {
                    })));

            Backend broken = (input, n, features) -> {
                throw new IllegalStateException("ONNX Runtime failed");
            };
            assertEquals("ONNX Runtime failed", assertThrows(IllegalStateException.class,
                    () -> bc.run(inputs.iterator(), () -> setup(broken), r -> {
                    })).getMessage());

            AtomicInteger batches = new AtomicInteger();
            IOException closed = new IOException("closed");
            assertSame(closed, assertThrows(IOException.class, () -> bc.run(inputs.iterator(), () -> setup(new Levels()), r -> {
                if (batches.incrementAndGet() == 2) {
                    throw closed;
                }
            })));
            assertEquals(2, batches.get());

            Iterator<ImageInputs.Input> failing = new Iterator<>() {
                int n;

                @Override
                public boolean hasNext() {
                    if (n == 6) {
                        throw new java.io.UncheckedIOException(new IOException("stdin broke"));
                    }
                    return true;
                }

                @Override
                public ImageInputs.Input next() {
                    n++;
                    return inputs.get(n);
                }
            };
            List<ImageResult> before = new ArrayList<>();
            assertEquals("stdin broke", assertThrows(IOException.class,
                    () -> bc.run(failing, () -> setup(new Levels()), before::addAll)).getMessage());
            assertEquals(4, before.size(), "the full batch before the failure is handed over");
        }
    }
}
