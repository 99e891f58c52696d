package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

/**
 * A network compiled with the default kernels starts on the loop kernels and hands over to the
 * vector kernels once the warm-up has them compiled; the results agree with the reference before
 * and after.
 */
class WarmStartTest {
    /** Generous: the hand-over needs C2 to compile the vector kernels, late on a loaded machine. */
    private static final long MAX_NANOS = 120_000_000_000L;

    private static float[] images(int n, int res, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * res * res * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4f * (1 + Math.abs(want[i])),
                    what + ": value " + i + " expected " + want[i] + " but was " + got[i]);
        }
    }

    @Test
    void startsOnTheLoopKernelsAndHandsOverToTheVectorKernels() throws InterruptedException {
        Model m = SeededInit.create(new ModelSpec(0.25, 67, 13, Variant.SEPARABLE, Padding.TF_SAME, true), 5);
        float[] in = images(3, 67, 6);
        float[] want = Network.compile(m, new ScalarKernels()).forward(in, 3);
        try (Network net = Network.compile(m, 2)) {
            assertEquals("loops", net.kernels().name(), "a fresh network is cold");
            assertFalse(net.warm(), "a fresh network is not warm");
            assertClose(want, net.forward(in, 3), "cold pass");
            long start = System.nanoTime();
            while (net.kernels().name().equals("loops") && System.nanoTime() - start < MAX_NANOS) {
                assertClose(want, net.forward(in, 3), "pass while warming up");
                Thread.sleep(5);
            }
            assertEquals("vector", net.kernels().name(), "the vector kernels took over");
            assertTrue(net.warm());
            assertClose(want, net.forward(in, 3), "warm pass");
        }
    }

    @Test
    void warmSaysWhenTheFastKernelsAreReadyBeforeTheNextPass() throws InterruptedException {
        Model m = SeededInit.create(new ModelSpec(0.25, 40, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 3);
        try (Network net = Network.compile(m)) {
            net.startWarmUp();
            long start = System.nanoTime();
            while (!net.warm() && System.nanoTime() - start < MAX_NANOS) {
                Thread.sleep(5);
            }
            assertTrue(net.warm(), "the warm-up ran without any pass of the network");
            assertEquals("vector", net.kernels().name(), "the next pass runs the vector kernels");
        }
    }

    @Test
    void awaitWarmUpWaitsForTheHandOverAndReturnsAtOnceWhenNoneWasStarted() throws InterruptedException {
        Model m = SeededInit.create(new ModelSpec(0.25, 40, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 3);
        try (Network net = Network.compile(m)) {
            assertFalse(net.awaitWarmUp(java.time.Duration.ofNanos(MAX_NANOS)), "nothing to wait for: not warm");
            assertFalse(net.warmUpStarted(), "waiting starts no warm-up");
            assertEquals("loops", net.kernels().name());
            net.startWarmUp();
            assertTrue(net.awaitWarmUp(java.time.Duration.ofNanos(MAX_NANOS)), "the warm-up has ended when awaitWarmUp returns");
            assertTrue(net.warm());
            assertEquals("vector", net.kernels().name(), "the next pass runs the vector kernels");
        }
    }

    @Test
    void aNetworkToldItRunsOnePassStartsNoWarmUpUntilAsked() throws InterruptedException {
        Model m = SeededInit.create(new ModelSpec(0.25, 40, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 3);
        float[] in = new float[2 * 40 * 40 * 3];
        try (Network net = Network.compile(m)) {
            net.noWarmUpAfterPass();
            net.forward(java.util.Arrays.copyOf(in, in.length / 2), 1);
            net.forward(in, 2);
            assertFalse(net.warmUpStarted(), "no warm-up after the passes");
            assertEquals("loops", net.kernels().name());
            net.startWarmUp();
            assertTrue(net.warmUpStarted());
            long start = System.nanoTime();
            while (!net.warm() && System.nanoTime() - start < MAX_NANOS) {
                Thread.sleep(5);
            }
            assertEquals("vector", net.kernels().name(), "asked, it hands over as before");
        }
    }

    @Test
    void aWarmUpIsWorthItOnlyForEnoughWork() throws InterruptedException {
        Model m = SeededInit.create(new ModelSpec(0.25, 40, 7, Variant.SEPARABLE, Padding.TF_SAME, true), 3);
        long macs = org.mobilenet.engine.cost.CostModel.of(m).totalMultAdds();
        try (Network net = Network.compile(m)) {
            assertEquals(Network.worthWarmingUp(1_000_000, macs, Network.WARM_UP_FROM), net.worthWarmingUp(1_000_000));
            assertEquals(Network.worthWarmingUp(1, macs, Network.WARM_UP_FROM), net.worthWarmingUp(1));
            assertFalse(net.warmingUp());
            net.startWarmUp();
            assertTrue(net.warmingUp() || net.warm());
        }
        try (Network explicit = Network.compile(m, KernelChoice.defaultKernels())) {
            assertFalse(explicit.worthWarmingUp(Long.MAX_VALUE / macs), "nothing to warm up");
        }
    }

    @Test
    void theWarmUpRuleGrowsWithTheModel() {
        double rule = Double.NaN;
        // 1.6 G multiply-adds more than 20 images hold: the smaller the model, the more images.
        long[][] firstWorth = {{13_570_304, 138}, {76_533_304, 41}, {300_000_000, 26}, {1_600_000_000, 21}};
        for (long[] c : firstWorth) {
            assertFalse(Network.worthWarmingUp(c[1] - 1, c[0], rule), c[0] + " MACs, " + (c[1] - 1) + " images");
            assertTrue(Network.worthWarmingUp(c[1], c[0], rule), c[0] + " MACs, " + c[1] + " images");
        }
        assertFalse(Network.worthWarmingUp(20, 1L << 40, rule), "never for 20 images or fewer");
        assertTrue(Network.worthWarmingUp(Long.MAX_VALUE, 1, rule));
        assertTrue(Network.worthWarmingUp(Long.MAX_VALUE, Long.MAX_VALUE, rule), "no overflow");
        assertFalse(Network.worthWarmingUp(0, 76_533_304, rule));
        // The bound of -Dmobilenet.warmup.from replaces the rule.
        assertTrue(Network.worthWarmingUp(1, 76_533_304, 0), "0: always");
        assertFalse(Network.worthWarmingUp(Long.MAX_VALUE, 76_533_304, Double.POSITIVE_INFINITY), "negative: never");
        assertTrue(Network.worthWarmingUp(100, 10, 1000));
        assertFalse(Network.worthWarmingUp(99, 10, 1000));
    }

    @Test
    void theWarmUpBoundCanBeSetForMeasurementsAndFallsBackToTheRuleOnNonsense() {
        assertTrue(Double.isNaN(Network.warmUpBound(null)), "absent: the rule");
        assertTrue(Double.isNaN(Network.warmUpBound("lots")));
        assertTrue(Double.isNaN(Network.warmUpBound("NaN")));
        assertEquals(2.5e9, Network.warmUpBound(" 2.5e9 "));
        assertEquals(0, Network.warmUpBound("0"));
        assertEquals(Double.POSITIVE_INFINITY, Network.warmUpBound("-1"), "negative: never");
    }

    @Test
    void aMobileNetV2StartsColdAndHandsOverLikeV1() throws InterruptedException {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, new Resolution(64, 48), 13, true), 7);
        SplittableRandom r = new SplittableRandom(8);
        float[] in = new float[3 * 64 * 48 * 3];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] want = Network.compile(m, new ScalarKernels()).forward(in, 3);
        try (Network net = Network.compile(m, 2)) {
            assertEquals("loops", net.kernels().name(), "a fresh network is cold");
            assertClose(want, net.forward(in, 3), "cold pass");
            long start = System.nanoTime();
            while (net.kernels().name().equals("loops") && System.nanoTime() - start < MAX_NANOS) {
                assertClose(want, net.forward(in, 3), "pass while warming up");
                Thread.sleep(5);
            }
            assertEquals("vector", net.kernels().name(), "the vector kernels took over");
            assertClose(want, net.forward(in, 3), "warm pass");
        }
    }

    @Test
    void thePrimersTinyNetworkHasAResidualAddAndRuns() {
        java.util.List<org.mobilenet.engine.arch.LayerSpec> layers = KernelPrimer.layers();
        assertTrue(layers.stream().anyMatch(l -> l.kind() == org.mobilenet.engine.arch.LayerKind.ADD));
        new org.mobilenet.engine.arch.LayerGraph("v1", layers.get(0).in(), layers); // a valid graph
    }

    @Test
    void explicitKernelsAreUsedFromTheFirstPass() {
        Model m = SeededInit.create(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.TF_SAME, false), 1);
        try (Network net = Network.compile(m, new ScalarKernels(), 1)) {
            assertEquals("scalar", net.kernels().name());
            assertTrue(net.warm(), "nothing to wait for");
        }
    }

    @Test
    void convergenceNeedsAWindowUnderTheBoundThatStoppedImproving() {
        long[] improving = {100, 100, 100, 100, 100, 50, 50, 50, 50, 50};
        long[] flat = {52, 50, 51, 50, 50, 50, 51, 50, 50, 49};
        assertFalse(WarmUp.converged(improving, 80), "still improving");
        assertTrue(WarmUp.converged(flat, 80));
        assertFalse(WarmUp.converged(flat, 40), "slower than the bound");
    }

    @Test
    void theWarmUpGivesUpAfterItsGracePeriodOnlyWhenNoPassWasFastEnough() {
        long grace = WarmUp.GRACE_NANOS;
        assertFalse(WarmUp.hopeless(1_000, 500, grace - 1), "slow passes before the grace period: still hoping");
        assertTrue(WarmUp.hopeless(1_000, 500, grace), "slow passes after it: hopeless");
        assertFalse(WarmUp.hopeless(400, 500, grace), "a pass under the bound: not hopeless");
    }
}
