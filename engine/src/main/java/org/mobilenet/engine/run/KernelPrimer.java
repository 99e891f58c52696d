package org.mobilenet.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;

/**
 * Gets the cold kernels ({@link KernelChoice#coldKernels()}) compiled by the JIT before a first real
 * pass needs them: a daemon thread runs a tiny MobileNet (α 0.25 at 32×32, synthetic weights, with
 * one residual add as MobileNet v2 has them) on them for {@link #PASSES} passes, or until a real
 * network starts its first cold pass, while the caller goes on loading a model and decoding an image
 * on the other core. The JIT compiles methods, not shapes, so the real network's first pass then
 * runs compiled code. Started once per JVM, by {@link Network#compile} or earlier by a program that
 * knows it is about to run a model ({@link #start()}); without cold kernels it does nothing.
 */
public final class KernelPrimer {
    /** Enough for C2 to compile the run methods of the loop kernels (about 13 calls each per pass). */
    static final int PASSES = 400;
    /** The longest the primer runs, in case the machine is slow or busy. */
    static final long MAX_NANOS = 500_000_000L;

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** Set when a real network starts its first cold pass: from then on the primer only takes a core from it. */
    private static volatile boolean done;

    private KernelPrimer() {
    }

    /** Starts the primer thread, once per JVM; returns at once. */
    public static void start() {
        Kernels cold = KernelChoice.coldKernels();
        if (cold == null || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> prime(cold, PASSES, MAX_NANOS, () -> done), "mobilenet-primer");
        t.setDaemon(true);
        t.start();
    }

    /** Ends the primer at its next pass (a real network is running the cold kernels now). */
    static void stop() {
        done = true;
    }

    /** A tiny v1 with block 2 (stride 1, same width as block 1) adding block 1's output back. */
    static List<LayerSpec> layers() {
        List<LayerSpec> layers = new ArrayList<>(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.TF_SAME, true)
                .layers());
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals("blocks.2.pw")) {
                layers.add(i + 1, LayerSpec.add("blocks.2.add", layers.get(i).out(), "blocks.1.pw"));
                break;
            }
        }
        return layers;
    }

    /**
     * Runs the tiny network on {@code kernels} for at most {@code passes} passes and {@code maxNanos},
     * or until {@code stop} says so (also used by {@link WarmUp} to get the fast kernels compiled cheaply).
     */
    static void prime(Kernels kernels, int passes, long maxNanos, java.util.function.BooleanSupplier stop) {
        List<LayerSpec> layers = layers();
        PreparedLayer[] steps = new PreparedLayer[layers.size()];
        for (int i = 0; i < steps.length; i++) {
            LayerSpec l = layers.get(i);
            int[] shape = l.weightShape();
            float[] w = null;
            float[] b = null;
            if (shape != null) {
                int count = 1;
                for (int d : shape) {
                    count *= d;
                }
                w = new float[count];
                for (int j = 0; j < count; j++) {
                    w[j] = ((j * 37) % 17 - 8) / 64f;
                }
                b = new float[l.outChannels()];
            }
            steps[i] = kernels.prepare(l, w, b, l.activation());
        }
        BufferPlan plan = BufferPlan.of(layers);
        float[][] buffers = plan.allocate(1);
        float[] input = new float[32 * 32 * 3];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i % 29) / 14f - 1f;
        }
        long start = System.nanoTime();
        for (int pass = 0; pass < passes && !stop.getAsBoolean() && System.nanoTime() - start < maxNanos; pass++) {
            plan.run(steps, 0, input, buffers, 1, Parallel.SERIAL, null, null);
        }
    }
}
