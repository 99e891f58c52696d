package org.mobilenet.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void ranksBestFirstWithTiesToTheLowerIndexWithinTheRange() {
        float[] v = {9f, 0.1f, 0.5f, 0.5f, 0.9f, 0.2f, 7f};
        assertArrayEquals(new int[] {3, 1, 2}, TopK.of(v, 1, 5, 3)); // row 0.1 0.5 0.5 0.9 0.2
        assertArrayEquals(new int[] {0, 6, 4, 2, 3, 5, 1}, TopK.of(v, 0, 7, 10)); // k above n: all of them
        assertArrayEquals(new int[0], TopK.of(v, 0, 7, 0));
    }

    @Test
    void aRangeOutsideTheRowOrANegativeKIsRefusedWithAMessage() {
        IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class, () -> TopK.of(new float[3], 0, 8, 1));
        org.junit.jupiter.api.Assertions.assertTrue(range.getMessage().contains("out of bounds for length 3"), range.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> TopK.of(new float[3], 2, 2, 1));
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> TopK.of(new float[3], 0, 3, -1));
        org.junit.jupiter.api.Assertions.assertEquals("k must be >= 0, got -1", k.getMessage());
    }
}
