package org.mobilenet.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResolutionTest {

    @Test
    void oneNumberIsASquareInput() {
        Resolution r = Resolution.parse("224");
        assertEquals(new Resolution(224, 224), r);
        assertTrue(r.isSquare());
        assertEquals("224", r.id());
        assertEquals("224x224", r.toString());
    }

    @Test
    void heightByWidthIsReadInThatOrder() {
        Resolution r = Resolution.parse(" 160X224 ");
        assertEquals(160, r.h());
        assertEquals(224, r.w());
        assertFalse(r.isSquare());
        assertEquals("160x224", r.id());
        assertEquals(new Shape(160, 224, 3), r.rgb());
    }

    @Test
    void sidesOutsideThirtyTwoTo4096AreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resolution.parse("16"));
        assertEquals("resolution must be between 32 and 4096, got 16", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Resolution.parse("224x5000"));
    }

    @Test
    void anythingElseIsRefusedNamingTheValue() {
        for (String bad : new String[] {"", "x", "160x", "x224", "160x224x3", "2.5", "big"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resolution.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid resolution '" + bad + "'"), e.getMessage());
        }
    }
}
