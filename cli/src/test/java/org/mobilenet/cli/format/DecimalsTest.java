package org.mobilenet.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecimalsTest {
    private static void assertLikeFormatter(double v, int places) {
        assertEquals(String.format(Locale.ROOT, "%." + places + "f", v), Decimals.fixed(v, places), "value " + v);
    }

    @Test
    void writesWhatFormatterWritesForScoresAndLogits() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            float score = r.nextFloat();
            assertLikeFormatter(score, 4);
            float logit = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            assertLikeFormatter(logit, 4);
            assertLikeFormatter(logit, r.nextInt(8));
        }
    }

    @Test
    void roundsHalfUpOnTheShortestDecimal() {
        for (double v : new double[] {0.5, 1.5, 2.5, -0.5, 0.00005, 0.00015, 0.71325, 0.99995, 9.99995, 1e-5, -1e-5,
                0.12345678, 123456789.98765, 1e20, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE}) {
            for (int places = 0; places <= 6; places++) {
                assertLikeFormatter(v, places);
            }
        }
    }

    @Test
    void keepsTheSignOfNegativeZeroAndValuesThatRoundToZero() {
        assertEquals("-0.0000", Decimals.fixed(-0.0, 4));
        assertEquals("-0.0000", Decimals.fixed(-0.00001, 4));
        assertEquals("0.0000", Decimals.fixed(0.0, 4));
        assertLikeFormatter(-0.0, 4);
        assertLikeFormatter(-0.00001, 4);
    }

    @Test
    void writesNonFiniteValuesAsFormatterDoes() {
        assertLikeFormatter(Double.NaN, 4);
        assertLikeFormatter(Double.POSITIVE_INFINITY, 4);
        assertLikeFormatter(Double.NEGATIVE_INFINITY, 4);
    }

    @Test
    void rejectsNegativePlaces() {
        assertThrows(IllegalArgumentException.class, () -> Decimals.fixed(1, -1));
    }
}
