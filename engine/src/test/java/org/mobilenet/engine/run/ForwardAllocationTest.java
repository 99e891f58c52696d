package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.kernels.VectorKernels;
import org.mobilenet.engine.model.SeededInit;

/** After warm-up, a forward pass of MobileNet 1.0/224 into a caller's buffer allocates nothing. */
class ForwardAllocationTest {

    @Test
    void forwardIntoCallerBufferAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);
        long self = Thread.currentThread().getId();
        for (int threads = 1; threads <= 2; threads++) {
            try (Network net = Network.compile(SeededInit.create(ModelSpec.paper(), 1), new VectorKernels(), threads)) {
                float[] in = new float[net.inputSize()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = (i % 255) / 128f - 1;
                }
                float[] out = new float[net.outputSize()];
                for (int i = 0; i < 3; i++) {
                    net.forward(in, 1, out);
                }
                long before = mx.getThreadAllocatedBytes(self);
                long[] workers = workerBytes(mx);
                for (int i = 0; i < 3; i++) {
                    net.forward(in, 1, out);
                }
                long after = mx.getThreadAllocatedBytes(self);
                assertEquals(0, after - before, "bytes allocated by 3 forward passes on the caller, threads " + threads);
                long[] workersAfter = workerBytes(mx);
                for (int i = 0; i < workers.length && i < workersAfter.length; i++) {
                    assertEquals(workers[i], workersAfter[i], "bytes allocated by worker " + i);
                }
            }
        }
    }

    private static long[] workerBytes(com.sun.management.ThreadMXBean mx) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("mobilenet-worker-"))
                .sorted(java.util.Comparator.comparing(Thread::getName))
                .mapToLong(t -> mx.getThreadAllocatedBytes(t.getId()))
                .toArray();
    }
}
