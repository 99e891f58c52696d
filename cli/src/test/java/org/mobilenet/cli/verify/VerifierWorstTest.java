package org.mobilenet.cli.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** verify reports the kernel set furthest outside the tolerance: the order it picks it by. */
class VerifierWorstTest {
    private static final float[] REF = {1f, -2f, 3f};

    @Test
    void aSetOutsideTheToleranceIsWorseThanOneInsideWhateverTheirOtherFigures() {
        DiffStats inside = DiffStats.of(REF, new float[] {1.00005f, -2f, 3f}, 1e-4, 0);
        DiffStats outside = DiffStats.of(REF, new float[] {1f, -2.001f, 3f}, 1e-4, 0);
        assertTrue(inside.within());
        assertFalse(outside.within());
        assertTrue(Verifier.worse(outside, inside));
        assertFalse(Verifier.worse(inside, outside));
    }

    @Test
    void amongSetsInsideTheToleranceTheLargerDifferenceIsWorse() {
        DiffStats small = DiffStats.of(REF, new float[] {1f, -2f, 3.00001f}, 1e-3, 0);
        DiffStats large = DiffStats.of(REF, new float[] {1f, -2f, 3.0002f}, 1e-3, 0);
        assertTrue(Verifier.worse(large, small));
        assertFalse(Verifier.worse(small, large));
        assertFalse(Verifier.worse(small, small), "a set is not worse than itself");
    }

    @Test
    void aNonFiniteOutputIsWorseThanAFiniteOneInsideTheTolerance() {
        DiffStats nan = DiffStats.of(REF, new float[] {Float.NaN, -2f, 3f}, 1e-4, 0);
        DiffStats inside = DiffStats.of(REF, REF.clone(), 1e-4, 0);
        assertFalse(nan.within());
        assertTrue(Verifier.worse(nan, inside), "a NaN set is reported (and fails the check)");
        assertFalse(Verifier.worse(inside, nan));
    }
}
