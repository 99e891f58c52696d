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
 * Gets a cold JVM ready for the cold kernels ({@link KernelChoice#coldKernels()}) on another core: a
 * daemon thread loads and initializes the engine's classes and prepares a tiny MobileNet (α 0.25 at
 * 32×32, synthetic weights, one residual add as MobileNet v2 has them) on those kernels while the
 * caller goes on parsing its command line, loading a model and decoding an image. It can also run that
 * network for {@link #PASSES} passes (or until a real network starts its first cold pass) so the JIT
 * has compiled the kernels before the first real pass; the JIT compiles methods, not shapes. Many
 * passes made the first pass of 0.5/160 fast (12 ms against about 60) but the whole one-image
 * {@code classify} slower, because their compilations (C2's too) delay those of the model import and
 * the image decoder (AMD EPYC, JDK 17, 8 alternating rounds: 0.34 s with no passes, 0.37 s with 60,
 * 0.43 s with 400). One pass only gets the kernels' small methods out of the interpreter into C1:
 * on an Intel Xeon (JDK 17) one image of 0.5/160 took 5% and 8% less than with none (two A/Bs of 15
 * rounds; 2 and 3 passes about the same), 32 photos and v2 1.0/224's one image the same within the
 * noise. So it runs one by default; {@code -Dmobilenet.primer.passes=N} sets another count, and a
 * negative one turns the primer off. Started once per JVM, by {@link Network#compile} or earlier by
 * a program that knows it is about to run a model ({@link #start()}); without cold kernels it does
 * nothing.
 */
public final class KernelPrimer {
    /** Passes of the tiny network (see the class comment for why one by default). */
    static final int PASSES = Integer.getInteger("mobilenet.primer.passes", 1);
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
        if (cold == null || PASSES < 0 || !STARTED.compareAndSet(false, true)) {
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

    /** The period of the synthetic weights. */
    private static final int PERIOD = 17;

    /** The layers prepared on {@code kernels} with synthetic weights (the values do not change the code paths). */
    static PreparedLayer[] synthetic(List<LayerSpec> layers, Kernels kernels) {
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
                // A pattern of period 17, written once and then copied over the rest in doubling
                // blocks: the warm-up makes a network's worth of weights before anything is compiled.
                for (int j = 0; j < Math.min(count, PERIOD); j++) {
                    w[j] = ((j * 37) % PERIOD - 8) / 64f;
                }
                for (int filled = PERIOD; filled < count; filled *= 2) {
                    System.arraycopy(w, 0, w, filled, Math.min(filled, count - filled));
                }
                b = new float[l.outChannels()];
            }
            steps[i] = kernels.prepare(l, w, b, l.activation());
        }
        return steps;
    }

    /**
     * Runs the tiny network on {@code kernels} for at most {@code passes} passes and {@code maxNanos},
     * or until {@code stop} says so.
     */
    static void prime(Kernels kernels, int passes, long maxNanos, java.util.function.BooleanSupplier stop) {
        List<LayerSpec> layers = layers();
        PreparedLayer[] steps = synthetic(layers, kernels);
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
