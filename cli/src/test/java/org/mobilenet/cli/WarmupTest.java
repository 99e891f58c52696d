package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupTest {

    @Test
    void warmAfterPatienceWindowsWithoutImprovement() {
        Warmup.Judge j = new Warmup.Judge();
        // JIT phases: interpreted, C1, C2; then noise within the tolerance.
        for (double m : new double[] {100, 40, 10, 5, 4.9, 5.1}) {
            assertFalse(j.add(m, 10), "still improving or not yet patient at " + m);
        }
        assertTrue(j.add(4.95, 10));
        assertEquals(70, j.runs());
    }

    @Test
    void aSlowDriftAddsUpToAnImprovement() {
        Warmup.Judge j = new Warmup.Judge();
        assertFalse(j.add(10, 5));
        assertFalse(j.add(9.9, 5));
        assertFalse(j.add(9.8, 5));
        assertFalse(j.add(9.65, 5), "3.5% below the last improving window: improving again");
        assertFalse(j.add(9.6, 5));
        assertFalse(j.add(9.7, 5));
        assertTrue(j.add(9.6, 5));
    }

    @Test
    void adaptiveStopsAtTheMaximumWhileStillImproving() throws Exception {
        int[] calls = new int[1];
        Warmup.Pass faster = () -> spin((long) (5_000_000 * Math.pow(0.99, calls[0]++))); // 5% per window of 5 runs
        Warmup.Result r = Warmup.adaptive(new Warmup.Pass[] {faster}, 0, 300_000_000L)[0];
        assertEquals(calls[0], r.runs());
        assertTrue(r.seconds() >= 0.3, r.toString());
        assertFalse(r.settled(), r.toString());
    }

    @Test
    void adaptiveSettlesOnSteadyTimesButNotBeforeTheMinimum() throws Exception {
        int[] calls = new int[2];
        Warmup.Pass a = () -> {
            calls[0]++;
            spin(200_000);
        };
        Warmup.Pass b = () -> {
            calls[1]++;
            spin(300_000);
        };
        Warmup.Result[] r = Warmup.adaptive(new Warmup.Pass[] {a, b}, 1_000_000_000L, 20_000_000_000L);
        for (int i = 0; i < 2; i++) {
            assertTrue(r[i].settled(), r[i].toString());
            assertEquals(calls[i], r[i].runs());
            assertTrue(r[i].seconds() >= 1 && r[i].seconds() < 20, r[i].toString());
        }
    }

    @Test
    void fixedRunsExactlyNEach() throws Exception {
        int[] calls = new int[2];
        Warmup.Result[] f = Warmup.fixed(new Warmup.Pass[] {() -> calls[0]++, () -> calls[1]++}, 7);
        assertEquals(7, calls[0]);
        assertEquals(7, calls[1]);
        assertEquals(7, f[1].runs());
        assertTrue(f[0].settled() && f[0].seconds() <= f[1].seconds());
    }

    private static void spin(long nanos) {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < nanos) {
            Thread.onSpinWait();
        }
    }
}
