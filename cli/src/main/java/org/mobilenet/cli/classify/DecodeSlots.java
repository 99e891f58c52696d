package org.mobilenet.cli.classify;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The places of a pipeline's decoding workers: one per thread the command may use, one of which
 * can be lent to a backend that gets ready on a thread of its own ({@link Backend#warmingUp()}).
 * On two cores the Java engine's warm-up waits for the JIT, whose compiler threads two decoders
 * starve: the warm-up then ends with the decoding, and every batch it held back runs after the last
 * decode, on one core. A lend is taken by the next worker to leave its place (no worker waits for
 * it) and given back when the backend is ready. The last place is never lent.
 */
final class DecodeSlots {
    private final int places;
    private final Semaphore free;
    /** Set by {@link #lend()}, cleared by {@link #giveBack()}. */
    private volatile boolean lendWanted;
    /** True while a place is held for the lend. */
    private final AtomicBoolean lent = new AtomicBoolean();

    DecodeSlots(int places) {
        if (places < 1) {
            throw new IllegalArgumentException("places must be >= 1, got " + places);
        }
        this.places = places;
        this.free = new Semaphore(places);
    }

    /** Takes a place, waiting for one. */
    void enter() throws InterruptedException {
        free.acquire();
    }

    /** Leaves a place: it is kept for the lend when one is wanted and not yet held. */
    void leave() {
        if (lendWanted && lent.compareAndSet(false, true)) {
            // giveBack may have run between the read and the set: it cleared the wish first, so
            // seeing it cleared here means it found nothing to free, and the place is freed here.
            if (!lendWanted && lent.getAndSet(false)) {
                free.release();
            }
            return;
        }
        free.release();
    }

    /** Asks for a place to be lent (no effect with a single place). */
    void lend() {
        if (places > 1) {
            lendWanted = true;
        }
    }

    /** Ends the lend: the place held for it, if any, is free again. */
    void giveBack() {
        lendWanted = false;
        if (lent.getAndSet(false)) {
            free.release();
        }
    }

    /** True while a lend is wanted or held. */
    boolean lending() {
        return lendWanted || lent.get();
    }

    /** Places free now (for tests). */
    int free() {
        return free.availablePermits();
    }
}
