package org.mobilenet.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AgreementTest {

    @Test
    void topKIsOrderedBestFirstWithTiesToTheLowerIndex() {
        float[] row = {0.1f, 0.5f, 0.2f, 0.5f, 0.9f, 0f};
        assertArrayEquals(new int[] {4, 1, 3}, TopK.of(row, 0, 6, 3));
        assertArrayEquals(new int[] {4, 1, 3, 2, 0, 5}, TopK.of(row, 0, 6, 10));
        assertArrayEquals(new int[] {1, 0}, TopK.of(row, 3, 3, 2));
    }

    @Test
    void countsTop1AndTop5Agreement() {
        // 3 images x 6 classes. Image 0 agrees; image 1's reference class is 5th for the candidate;
        // image 2's reference class is last for the candidate.
        float[] ref = {
            9, 1, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 9,
            9, 0, 0, 0, 0, 0,
        };
        float[] cand = {
            8, 1, 0, 0, 0, 0,
            6, 5, 4, 3, 0, 2,
            0, 6, 5, 4, 3, 2,
        };
        Agreement a = Agreement.of(ref, cand, 3, 6);
        assertEquals(new Agreement(3, 1, 2), a);
        assertEquals(1 / 3.0, a.top1Rate(), 1e-12);
    }
}
