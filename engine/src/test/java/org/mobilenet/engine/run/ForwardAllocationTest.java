package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.kernels.VectorKernels;
import org.mobilenet.engine.model.SeededInit;

/**
 * After warm-up, a forward pass of MobileNet 1.0/224 into a caller's buffer allocates nothing, on
 * the caller or on the workers. The Vector API only stops allocating once C2 has compiled the
 * kernels, so the test runs passes until three in a row allocate nothing, and fails if that never
 * happens within a generous bound. The bound is time, not a pass count: on a loaded machine C2's
 * background compilation of the kernels can take many more passes than on an idle one.
 */
class ForwardAllocationTest {
    private static final long MAX_WARM_UP_NANOS = 90_000_000_000L;
    private static final int CLEAN_IN_A_ROW = 3;

    @Test
    void forwardIntoCallerBufferAllocatesNothingAfterWarmUp() {
        assertNoAllocationAfterWarmUp(ModelSpec.paper(), 1);
    }

    @Test
    void aBatchSpreadImageByImageOverTheWorkersAllocatesNothingAfterWarmUp() {
        // Batch 3 on two threads: two images run on separate workers, the third layer-parallel.
        assertNoAllocationAfterWarmUp(new ModelSpec(0.25, 128, 1000, Variant.SEPARABLE, Padding.TF_SAME, false), 3);
    }

    @Test
    void aMobileNetV2WithResidualAddsAllocatesNothingAfterWarmUp() {
        // Batch 3: the adds run image by image on the workers and whole-batch after the prefix.
        assertNoAllocationAfterWarmUp(new MobileNetV2Spec(0.35, Resolution.square(96), 1000, true), 3);
        assertNoAllocationAfterWarmUp(new MobileNetV2Spec(0.35, new Resolution(96, 64), 10, false), 1);
    }

    private static void assertNoAllocationAfterWarmUp(Architecture spec, int batch) {
        awaitBackgroundWarmUps();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);
        for (int threads = 1; threads <= 2; threads++) {
            try (Network net = Network.compile(SeededInit.create(spec, 1), new VectorKernels(), threads)) {
                float[] in = new float[batch * net.inputSize()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = (i % 255) / 128f - 1;
                }
                float[] out = new float[batch * net.outputSize()];
                long[] workers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("mobilenet-worker-") && t.isAlive())
                        .mapToLong(Thread::getId)
                        .toArray();
                long self = Thread.currentThread().getId();
                long[] before = new long[workers.length + 1];
                long[] after = new long[workers.length + 1];
                int clean = 0;
                long lastBytes = -1;
                int pass = 0;
                long start = System.nanoTime();
                for (; clean < CLEAN_IN_A_ROW && System.nanoTime() - start < MAX_WARM_UP_NANOS; pass++) {
                    for (int t = 0; t < workers.length; t++) {
                        before[t + 1] = mx.getThreadAllocatedBytes(workers[t]);
                    }
                    before[0] = mx.getThreadAllocatedBytes(self); // last, so the reads above are not counted
                    net.forward(in, batch, out);
                    after[0] = mx.getThreadAllocatedBytes(self);
                    for (int t = 0; t < workers.length; t++) {
                        after[t + 1] = mx.getThreadAllocatedBytes(workers[t]);
                    }
                    lastBytes = 0;
                    for (int t = 0; t < after.length; t++) {
                        lastBytes += after[t] - before[t];
                    }
                    clean = lastBytes == 0 ? clean + 1 : 0;
                }
                assertTrue(clean == CLEAN_IN_A_ROW, "batch " + batch + ", threads " + threads + ": after " + pass
                        + " passes a forward pass still allocated " + lastBytes + " bytes");
            }
        }
    }

    /**
     * Waits (bounded) for the warm-up and primer threads of networks that earlier tests in this JVM
     * compiled with the default kernels (and the integer path's Vector API warm-up): they run the same
     * or similar kernels at the same time, which competes with the JIT work this test waits for.
     */
    private static void awaitBackgroundWarmUps() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("mobilenet-warmup") || t.getName().equals("mobilenet-primer")
                    || t.getName().equals("mobilenet-int8-warmup")) {
                try {
                    t.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
