package org.mobilenet.engine.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.Preprocessing.ChannelOrder;
import org.mobilenet.engine.model.Preprocessing.Resize;

class ImagePreprocessorTest {
    private static final Preprocessing RAW = Preprocessing.uniform(0, 1);

    @Test
    void aGrayInputIsEachPixelsLumaNormalizedWithTheFirstMeanAndStd() {
        // 2 x 1 pixels, no resampling (the input is the image's size): pure red and a mid gray.
        RgbImage img = new RgbImage(2, 1, new int[] {0xFF0000, 0x808080});
        ImagePreprocessor pre = new ImagePreprocessor(
                org.mobilenet.engine.model.Preprocessing.uniform(127.5f, 127.5f), 1, 2, 1);
        org.junit.jupiter.api.Assertions.assertEquals(2, pre.inputSize());
        float[] x = pre.apply(img);
        org.junit.jupiter.api.Assertions.assertEquals((0.299f * 255 - 127.5f) / 127.5f, x[0], 1e-5f);
        org.junit.jupiter.api.Assertions.assertEquals((128f - 127.5f) / 127.5f, x[1], 1e-5f);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ImagePreprocessor(org.mobilenet.engine.model.Preprocessing.tensorflow(), 4, 4, 2));
    }

    @Test
    void normalizesWithMeanAndStd() {
        RgbImage img = new RgbImage(1, 1, new int[] {0x00FF80});
        float[] x = new ImagePreprocessor(Preprocessing.uniform(128, 128), 1).apply(img);
        assertArrayEquals(new float[] {-1f, 127f / 128, 0f}, x, 1e-7f);
    }

    @Test
    void perChannelMeanAndStdFollowRgb() {
        RgbImage img = new RgbImage(1, 1, new int[] {0x0A141E}); // 10, 20, 30
        Preprocessing p = new Preprocessing(new float[] {10, 10, 0}, new float[] {1, 2, 3}, ChannelOrder.RGB,
                Resize.STRETCH, 1f);
        assertArrayEquals(new float[] {0, 5, 10}, new ImagePreprocessor(p, 1).apply(img), 1e-6f);
    }

    @Test
    void bgrOrderSwapsRedAndBlueAfterNormalizing() {
        RgbImage img = new RgbImage(1, 1, new int[] {0x0A141E});
        Preprocessing p = new Preprocessing(new float[] {10, 0, 0}, new float[] {1, 1, 1}, ChannelOrder.BGR,
                Resize.STRETCH, 1f);
        assertArrayEquals(new float[] {30, 20, 0}, new ImagePreprocessor(p, 1).apply(img), 1e-6f);
    }

    @Test
    void stretchUsesTheWholeImage() {
        // 4x1 red row 0, 40, 80, 120 to 2x2: each row samples x = 0 and 2.
        RgbImage img = new RgbImage(4, 1, new int[] {0, 40 << 16, 80 << 16, 120 << 16});
        float[] x = new ImagePreprocessor(RAW, 2).apply(img);
        assertArrayEquals(new float[] {0, 0, 0, 80, 0, 0, 0, 0, 0, 80, 0, 0}, x);
    }

    @Test
    void centerCropTakesTheCentralSquareOfTheShorterSide() {
        // 4 wide, 2 high, red = 10 * column: the central 2x2 holds columns 1 and 2.
        int[] p = new int[8];
        for (int i = 0; i < 8; i++) {
            p[i] = (10 * (i % 4)) << 16;
        }
        RgbImage img = new RgbImage(4, 2, p);
        float[] x = new ImagePreprocessor(RAW.withResize(Resize.CENTER_CROP, 1f), 2).apply(img);
        assertArrayEquals(new float[] {10, 0, 0, 20, 0, 0, 10, 0, 0, 20, 0, 0}, x);
    }

    @Test
    void cropFractionShrinksTheSquare() {
        // 4x4 with red = 10 * (4y + x); fraction 0.5 keeps the central 2x2: pixels 5, 6, 9, 10.
        int[] p = new int[16];
        for (int i = 0; i < 16; i++) {
            p[i] = (10 * i) << 16;
        }
        float[] x = new ImagePreprocessor(RAW.withResize(Resize.CENTER_CROP, 0.5f), 2).apply(new RgbImage(4, 4, p));
        assertArrayEquals(new float[] {50, 0, 0, 60, 0, 0, 90, 0, 0, 100, 0, 0}, x);
    }

    @Test
    void aNonSquareInputIsHeightByWidth() {
        // 4x4 with red = 10 * (4y + x) to H 1 x W 2. Stretch samples (0, 0) and (2, 0); center-crop takes
        // the largest centered 2:1 region, rows 1 and 2 at full width, and samples (0, 1) and (2, 1).
        int[] p = new int[16];
        for (int i = 0; i < 16; i++) {
            p[i] = (10 * i) << 16;
        }
        RgbImage img = new RgbImage(4, 4, p);
        ImagePreprocessor stretch = new ImagePreprocessor(RAW, 1, 2);
        assertEquals(6, stretch.inputSize());
        assertArrayEquals(new float[] {0, 0, 0, 20, 0, 0}, stretch.apply(img));
        float[] crop = new ImagePreprocessor(RAW.withResize(Resize.CENTER_CROP, 1f), 1, 2).apply(img);
        assertArrayEquals(new float[] {40, 0, 0, 60, 0, 0}, crop);
    }

    @Test
    void writesIntoABatchAtAnOffset() {
        float[] batch = new float[6];
        new ImagePreprocessor(RAW, 1).apply(new RgbImage(1, 1, new int[] {0x010203}), batch, 3);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3}, batch);
        assertEquals(12, new ImagePreprocessor(RAW, 2).inputSize());
    }

    @Test
    void imageNeedsOnePixelPerPosition() {
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 1, new int[0]));
    }
}
