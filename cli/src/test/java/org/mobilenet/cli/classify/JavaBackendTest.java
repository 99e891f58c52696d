package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.junit.jupiter.api.Test;

/** The Java backend warms its engine up only for enough images, and holds batches while it decides. */
class JavaBackendTest {
    /** MobileNet 0.25/64: about 3 M multiply-adds an image, so a warm-up pays from about 2,000 images. */
    private static Model model() {
        return SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 5);
    }

    @Test
    void aFewImagesInAllRunColdAtOnce() {
        JavaBackend be = new JavaBackend(model());
        assertFalse(be.ready(), "undecided before it is told how many images come");
        be.expectImages(3, false);
        assertFalse(be.ready(), "three so far, more may come: still undecided");
        be.expectImages(7, true);
        assertTrue(be.ready(), "seven in all: too few to warm up, so batches run now");
        assertFalse(be.warm(), "no warm-up: the cold kernels run");
    }

    @Test
    void manyImagesStartTheWarmUpAndHoldBatchesUntilItEnds() throws InterruptedException {
        JavaBackend be = new JavaBackend(model());
        be.expectImages(10_000_000, false);
        // (Not asserted "not ready" here: in a JVM whose kernels are compiled already the warm-up may
        // end before the next line runs.)
        long start = System.nanoTime();
        while (!be.ready() && System.nanoTime() - start < 120_000_000_000L) {
            assertTrue(be.warmingUp() || be.ready(), "held only while the warm-up runs");
            Thread.sleep(5);
        }
        assertTrue(be.ready(), "ready once the warm-up has ended");
        assertTrue(be.warm(), "the warm-up ran to its end");
    }
}
