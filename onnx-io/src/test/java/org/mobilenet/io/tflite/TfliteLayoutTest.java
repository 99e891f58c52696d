package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

class TfliteLayoutTest {

    @Test
    void ohwiWeightsAreTransposedToOihw() {
        // O=2, K=1, I=3: OHWI data [o][0][0][i] = 10*o + i; OIHW with K=1 keeps the same order.
        float[] w = {0, 1, 2, 10, 11, 12};
        assertArrayEquals(w, TfliteGraphMapper.ohwiToTorch(w, 2, 1, 3));
        // O=1, K=2, I=2: OHWI [0][y][x][i] = 100*y + 10*x + i; OIHW [0][i][y][x].
        float[] k2 = {0, 1, 10, 11, 100, 101, 110, 111};
        assertArrayEquals(new float[] {0, 10, 100, 110, 1, 11, 101, 111}, TfliteGraphMapper.ohwiToTorch(k2, 1, 2, 2));
    }

    @Test
    void depthwiseWeightsAreTransposedToChannelFirst() {
        // [1, 2, 2, C=2]: value = 10*(2y+x) + c  ->  [C, 1, 2, 2].
        float[] w = {0, 1, 10, 11, 20, 21, 30, 31};
        assertArrayEquals(new float[] {0, 10, 20, 30, 1, 11, 21, 31}, TfliteGraphMapper.depthwiseToTorch(w, 2, 2));
    }

    @Test
    void samePaddingPutsTheExtraRowAtTheBottomRight() {
        assertEquals(new Pads(0, 0, 1, 1), TfliteGraphMapper.pads(0, new Shape(224, 224, 3), 3, 2, "x"));
        assertEquals(new Pads(1, 1, 1, 1), TfliteGraphMapper.pads(0, new Shape(7, 7, 3), 3, 2, "x"));
        assertEquals(new Pads(1, 1, 1, 1), TfliteGraphMapper.pads(0, new Shape(14, 14, 3), 3, 1, "x"));
        assertEquals(Pads.NONE, TfliteGraphMapper.pads(1, new Shape(14, 14, 3), 3, 1, "x"));
        assertThrows(FlatBufferException.class, () -> TfliteGraphMapper.pads(7, new Shape(4, 4, 1), 3, 1, "x"));
    }
}
