package org.mobilenet.engine.run;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.RangeTask;

/**
 * A persistent pool of {@code threads - 1} daemon workers plus the calling thread. {@link #run}
 * cuts the items into a few chunks per thread; the caller and the workers claim chunks from one
 * atomic cursor, so a worker the OS has not scheduled yet never holds up a layer (the caller simply
 * takes its chunks). Idle workers spin briefly, so back-to-back layers start without a wake-up,
 * and then park. Dispatch allocates nothing. One thread calls {@link #run} at a time.
 * {@link #close()} stops the workers.
 *
 * <p>The cursor packs generation (24 bits), chunk count (20 bits) and next chunk (20 bits) into
 * one long: a successful compare-and-set both claims a chunk and proves its job is still current.
 */
public final class WorkerPool implements Parallel, AutoCloseable {
    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 100_000;
    /** Chunks per thread: more even out load, fewer cost less synchronization (2 measured best). */
    private static final int CHUNKS_PER_THREAD = 2;
    private static final int BITS = 20;
    private static final long MASK = (1L << BITS) - 1;

    private final int threads;
    private final Thread[] workers;
    private final AtomicIntegerArray parked;
    private final AtomicLong cursor = new AtomicLong();
    /** Allocated between the two counters so they do not share a cache line. */
    @SuppressWarnings("unused")
    private final long[] padding = new long[16];
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean closed;
    private int generation;
    private RangeTask task;
    private int items;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be between 1 and 1024, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads];
        this.parked = new AtomicIntegerArray(threads);
        for (int w = 1; w < threads; w++) {
            int id = w;
            Thread t = new Thread(() -> work(id), "mobilenet-worker-" + w);
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void run(int items, RangeTask task) {
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
        if (threads == 1 || items <= 1) {
            if (items > 0) {
                task.run(0, items, 0);
            }
            return;
        }
        int chunks = Math.min(items, threads * CHUNKS_PER_THREAD);
        this.task = task;
        this.items = items;
        done.set(0);
        generation = (generation + 1) & 0xFFFFFF;
        cursor.set(((long) generation << (2 * BITS)) | ((long) chunks << BITS)); // publishes task and items
        for (int w = 1; w < threads; w++) {
            if (parked.get(w) != 0) {
                LockSupport.unpark(workers[w]);
            }
        }
        claimAndRun(generation, 0);
        long start = 0;
        int spins = 0;
        while (done.get() != chunks) {
            if (++spins < 1024) {
                Thread.onSpinWait();
            } else {
                if (start == 0) {
                    start = System.nanoTime();
                }
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
        this.task = null;
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** Claims and runs chunks of generation gen until none are left; returns how many it ran. */
    private int claimAndRun(int gen, int id) {
        int ran = 0;
        while (true) {
            long v = cursor.get();
            int g = (int) (v >>> (2 * BITS));
            int chunks = (int) ((v >>> BITS) & MASK);
            int next = (int) (v & MASK);
            if (g != gen || next >= chunks) {
                return ran;
            }
            if (!cursor.compareAndSet(v, v + 1)) {
                continue;
            }
            // The job cannot finish before this chunk does, so task and items are still its own.
            try {
                int n = items;
                task.run(Parallel.from(n, next, chunks), Parallel.from(n, next + 1, chunks), id);
            } catch (Throwable t) {
                failure = t;
            }
            ran++;
            done.incrementAndGet();
        }
    }

    private void work(int id) {
        int seen = 0;
        while (true) {
            int g;
            long start = System.nanoTime();
            int spins = 0;
            while ((g = (int) (cursor.get() >>> (2 * BITS))) == seen && !closed) {
                if ((++spins & 255) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id, 1);
                    if ((int) (cursor.get() >>> (2 * BITS)) == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked.set(id, 0);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            claimAndRun(g, id);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int w = 1; w < threads; w++) {
            LockSupport.unpark(workers[w]);
        }
    }
}
