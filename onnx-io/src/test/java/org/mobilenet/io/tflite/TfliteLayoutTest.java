package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

class TfliteLayoutTest {

    @Test
    void samePaddingPutsTheExtraRowAtTheBottomRight() {
        assertEquals(new Pads(0, 0, 1, 1), TfliteGraphMapper.pads(0, new Shape(224, 224, 3), 3, 2, "x"));
        assertEquals(new Pads(1, 1, 1, 1), TfliteGraphMapper.pads(0, new Shape(7, 7, 3), 3, 2, "x"));
        assertEquals(new Pads(1, 1, 1, 1), TfliteGraphMapper.pads(0, new Shape(14, 14, 3), 3, 1, "x"));
        assertEquals(Pads.NONE, TfliteGraphMapper.pads(1, new Shape(14, 14, 3), 3, 1, "x"));
        assertThrows(FlatBufferException.class, () -> TfliteGraphMapper.pads(7, new Shape(4, 4, 1), 3, 1, "x"));
    }
}
