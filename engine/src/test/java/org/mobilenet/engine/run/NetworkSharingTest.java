package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

/** A Network shared by threads or used after close fails loudly instead of giving wrong outputs. */
class NetworkSharingTest {
    private static final Model MODEL = SeededInit.create(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.TF_SAME, false), 3);

    private static float[] image(int salt) {
        float[] v = new float[32 * 32 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((i * 31 + salt) % 97) / 48f - 1f;
        }
        return v;
    }

    private static void assertClose(float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4f, "output " + i + ": " + want[i] + " vs " + got[i]);
        }
    }

    @Test
    void aPassStartedWhileAnotherThreadsPassRunsIsRefusedAndTheFirstPassIsUnharmed() throws Exception {
        float[] in = image(1);
        float[] want = Network.compile(MODEL, new ScalarKernels()).forward(in, 1);
        try (Network shared = Network.compile(MODEL)) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<float[]> first = CompletableFuture.supplyAsync(() -> shared.forward(in, 1, (layer, out, batch) -> {
                if (inside.getCount() > 0) {
                    inside.countDown();
                    try {
                        assertTrue(release.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }));
            assertTrue(inside.await(30, TimeUnit.SECONDS), "the first pass reached its first layer");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> shared.forward(image(2), 1));
            assertTrue(e.getMessage().contains("one pass at a time"), e.getMessage());
            release.countDown();
            assertClose(want, first.get(30, TimeUnit.SECONDS));
            // Free again: the next pass, from yet another thread, runs (on the loop or, once warm, the
            // vector kernels: the same values within float rounding).
            assertClose(want, CompletableFuture.supplyAsync(() -> shared.forward(in, 1)).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedNetworkRefusesPassesWhateverItsThreadsAndKernels() {
        Network[] networks = {
            Network.compile(MODEL), Network.compile(MODEL, 2), Network.compile(MODEL, new ScalarKernels()),
            Network.compile(MODEL, new ScalarKernels(), 2),
        };
        for (Network n : networks) {
            n.forward(image(0), 1);
            n.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> n.forward(image(0), 1));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> n.forward(image(0), 1, new float[10]));
        }
    }

    @Test
    void anObserverThatRunsAPassOnTheNetworkItObservesIsToldSoAndTheNetworkStaysUsable() {
        try (Network n = Network.compile(MODEL, new ScalarKernels())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> n.forward(image(5), 1, (layer, out, batch) -> n.forward(image(6), 1)));
            assertTrue(e.getMessage().contains("may not run a pass on the network it observes"), e.getMessage());
            assertArrayEquals(Network.compile(MODEL, new ScalarKernels()).forward(image(5), 1), n.forward(image(5), 1));
        }
    }

    @Test
    void aFailedPassLeavesTheNetworkUsable() {
        try (Network n = Network.compile(MODEL, new ScalarKernels())) {
            assertThrows(IllegalArgumentException.class, () -> n.forward(new float[5], 1));
            assertThrows(NullPointerException.class, () -> n.forward(null, 1));
            assertArrayEquals(Network.compile(MODEL, new ScalarKernels()).forward(image(4), 1), n.forward(image(4), 1));
        }
    }
}
