package org.mobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The forced vector width. The engine's pom runs the kernel tests a second and third time in JVMs
 * started with {@code -Dmobilenet.vector.bits=256} and {@code =512}, so both widths are checked on
 * any machine; here: that the setting is parsed strictly and really reaches the kernels.
 */
class VectorWidthTest {

    @Test
    void parsesTheThreeWidthsAndPreferred() {
        assertEquals(128, VectorWidth.parse("128"));
        assertEquals(256, VectorWidth.parse(" 256 "));
        assertEquals(512, VectorWidth.parse("512"));
        assertEquals(0, VectorWidth.parse("Preferred"));
        assertEquals(0, VectorWidth.parse(null));
        assertEquals(0, VectorWidth.parse(""));
    }

    @Test
    void rejectsOtherWidthsInOneLineSayingWhatIsExpected() {
        for (String bad : new String[] {"64", "1024", "avx2", "256bits"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorWidth.parse(bad));
            assertTrue(e.getMessage().contains("expected 128, 256, 512 or preferred, found '" + bad + "'"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void theKernelsUseTheForcedWidthOrElseThePreferredOne() {
        int forced = VectorWidth.parse(System.getProperty(VectorWidth.PROPERTY, System.getenv(VectorWidth.ENV)));
        int want = forced == 0 ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : forced;
        assertEquals(want, VectorWidth.bits());
        assertEquals(want / 32, VectorKernels.lanes());
        assertEquals(want / 32, VectorGemm.S.length());
    }

    @Test
    void speciesOfEachWidthHasThatManyFloatLanes() {
        assertEquals(4, VectorWidth.species(128).length());
        assertEquals(8, VectorWidth.species(256).length());
        assertEquals(16, VectorWidth.species(512).length());
        assertEquals(FloatVector.SPECIES_PREFERRED, VectorWidth.species(0));
    }
}
