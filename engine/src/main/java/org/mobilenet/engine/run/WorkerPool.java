package org.mobilenet.engine.run;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.RangeTask;

/**
 * A persistent pool of {@code threads - 1} daemon workers plus the calling thread. {@link #run}
 * publishes the task by bumping a generation counter; workers spin briefly (so back-to-back layers
 * start without a wake-up) and then park. Dispatch allocates nothing. Not for concurrent callers:
 * one thread calls {@link #run} at a time. {@link #close()} stops the workers.
 */
public final class WorkerPool implements Parallel, AutoCloseable {
    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 100_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicIntegerArray parked;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private RangeTask task;
    private int items;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
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
        this.task = task;
        this.items = items;
        pending.set(threads - 1);
        generation = generation + 1; // volatile write publishes task and items
        for (int w = 1; w < threads; w++) {
            if (parked.get(w) != 0) {
                LockSupport.unpark(workers[w]);
            }
        }
        Throwable mine = null;
        try {
            task.run(0, Parallel.from(items, 1, threads), 0);
        } catch (Throwable t) {
            mine = t;
        }
        long start = 0;
        int spins = 0;
        while (pending.get() != 0) {
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
        Throwable theirs = failure;
        if (mine != null || theirs != null) {
            failure = null;
            Throwable t = mine != null ? mine : theirs;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    private void work(int id) {
        int seen = 0;
        while (true) {
            int g;
            long start = System.nanoTime();
            int spins = 0;
            while ((g = generation) == seen && !closed) {
                if ((++spins & 255) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id, 1);
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked.set(id, 0);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            try {
                int n = items;
                task.run(Parallel.from(n, id, threads), Parallel.from(n, id + 1, threads), id);
            } catch (Throwable t) {
                failure = t;
            }
            pending.decrementAndGet();
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
