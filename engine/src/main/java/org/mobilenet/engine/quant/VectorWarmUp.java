package org.mobilenet.engine.quant;

import java.util.concurrent.atomic.AtomicBoolean;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.run.KernelChoice;

/**
 * Compiles the Vector API integer kernels in the background: until C2 has compiled them they run
 * far slower than the plain loops (interpreted vector code allocates every vector), so a one-image
 * command would pay seconds for them. The first {@link QuantizedNetwork} starts a daemon thread
 * that runs a small pointwise product until it is fast; meanwhile the networks run the loop kernels
 * ({@link QuantizedNetwork.Kernels#AUTO}). The values are the same either way.
 */
final class VectorWarmUp {
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile boolean warm;
    /** Passes of the small product: enough for C2 to compile it (measured: a few thousand). */
    private static final int PASSES = 5000;

    private VectorWarmUp() {
    }

    /** True once the vector kernels are compiled. */
    static boolean warm() {
        return warm;
    }

    /** Starts the warm-up once per JVM; never without the Vector API module (the loops then run). */
    static void start() {
        if (!KernelChoice.vectorApiPresent() || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(VectorWarmUp::run, "mobilenet-int8-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void run() {
        int cin = 24;
        int cout = 40;
        int[][] rows = new int[cin][cout];
        for (int ci = 0; ci < cin; ci++) {
            for (int co = 0; co < cout; co++) {
                rows[ci][co] = (ci * 7 + co * 3) % 255 - 127;
            }
        }
        QuantParams q = QuantParams.perTensor(QuantType.UINT8, 0.02f, 3);
        Requantizer rq = new Requantizer(Requantizer.Arithmetic.FLOAT, q, q, q, Activation.RELU6, cout);
        VectorIntPointwise pw = new VectorIntPointwise(rows, new int[cout], cin, cout);
        int[] x = new int[8 * cin];
        int[] out = new int[8 * cout];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 200 - 100;
        }
        for (int i = 0; i < PASSES; i++) {
            pw.run(x, 8, rq, out);
        }
        warm = true;
    }
}
