package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mobilenet.engine.model.Preprocessing;

/** What a graph's own input rescale says about the range of the input it takes. */
class InputRescaleTest {
    private static float takenAsPixelsOver(float[] scale, float[] shift) {
        Preprocessing p = new InputRescale(scale, shift).pixelsToInput();
        assertEquals(0f, p.mean()[0]);
        return p.std()[0];
    }

    private static float takenAsPixelsOver(float scale, float shift) {
        return takenAsPixelsOver(new float[] {scale, scale, scale}, new float[] {shift, shift, shift});
    }

    @Test
    void rescalesOfPixelsTakeThePixelsAsTheyAre() {
        assertEquals(1f, takenAsPixelsOver(1 / 127.5f, -1f)); // Keras's preprocess_input for MobileNet
        assertEquals(1f, takenAsPixelsOver(1 / 255f, 0f)); // Rescaling(1/255)
        assertEquals(1f, takenAsPixelsOver(new float[] {1 / 58.395f, 1 / 57.12f, 1 / 57.375f},
                new float[] {-123.675f / 58.395f, -116.28f / 57.12f, -103.53f / 57.375f})); // torchvision's, on pixels
    }

    @Test
    void rescalesOfZeroToOneTakeThePixelsOver255() {
        assertEquals(255f, takenAsPixelsOver(2f, -1f)); // TF Hub: x * 2 - 1
        assertEquals(255f, takenAsPixelsOver(new float[] {1 / 0.229f, 1 / 0.224f, 1 / 0.225f},
                new float[] {-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f})); // torchvision's, on [0, 1]
    }

    @Test
    void aRescaleThatFitsNeitherRangeKeepsThePixels() {
        assertEquals(1f, takenAsPixelsOver(1f, -123.68f)); // a mean subtracted, no scale (Caffe)
    }
}
