package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A library caller's input-size refusals say what is wrong without the CLI's option name. */
class InputSizeExceptionTest {
    @Test
    void anOutOfRangeSizeIsRefusedInTheLibrarysOwnWords() {
        InputSizeException e = assertThrows(InputSizeException.class, () -> ModelFiles.requireInputSize(8));
        assertEquals("input size: must be 32 to 4096, got 8", e.getMessage());
        assertEquals("must be 32 to 4096, got 8", e.detail());
        assertEquals(4096, ModelFiles.requireInputSize(4096));
        assertEquals(32, ModelFiles.requireInputSize(32));
    }

    @Test
    void aSizeForAFileThatRecordsItsOwnIsRefusedNamingTheFilesSize() {
        InputSizeException e = assertThrows(InputSizeException.class,
                () -> ModelFiles.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite"), null, 100));
        assertTrue(e.getMessage().startsWith("input size: applies to files that do not record their input size"), e.getMessage());
        assertTrue(e.getMessage().endsWith("this model's file gives 160x160"), e.getMessage());
        assertFalse(e.getMessage().contains("--"), e.getMessage());
    }
}
