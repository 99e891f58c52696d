package org.mobilenet.engine.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.Preprocessing.ChannelOrder;
import org.mobilenet.engine.model.Preprocessing.Resize;

class PixelGridTest {
    private static final Preprocessing CROP = new Preprocessing(new float[] {127.5f, 120, 110},
            new float[] {127.5f, 60, 70}, ChannelOrder.BGR, Resize.CENTER_CROP, 0.875f);

    /** The image's pixels at the grid's rows and columns, as a decoder converting only those makes them. */
    private static RgbImage gather(RgbImage img, PixelGrid g) {
        int[] px = new int[g.rows().length * g.cols().length];
        for (int i = 0; i < g.rows().length; i++) {
            for (int j = 0; j < g.cols().length; j++) {
                px[i * g.cols().length + j] = img.pixels()[g.rows()[i] * img.width() + g.cols()[j]];
            }
        }
        return new RgbImage(g.cols().length, g.rows().length, px);
    }

    private static RgbImage random(int w, int h, long seed) {
        Random r = new Random(seed);
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextInt(1 << 24);
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void anImageKnownAtItsGridPreprocessesToTheSameValuesAsTheWholeImage() {
        int[][] sizes = {{4032, 3024}, {3024, 4032}, {641, 479}, {997, 331}, {331, 997}, {1601, 1600}, {161, 2000}};
        ImagePreprocessor[] pres = {new ImagePreprocessor(Preprocessing.tensorflow(), 160),
                new ImagePreprocessor(CROP, 224), new ImagePreprocessor(CROP, 96, 128),
                new ImagePreprocessor(Preprocessing.uniform(128, 128), 127, 73, 1)};
        int checked = 0;
        for (int[] s : sizes) {
            RgbImage img = random(s[0], s[1], s[0] * 31L + s[1]);
            for (ImagePreprocessor pre : pres) {
                PixelGrid g = pre.grid(s[0], s[1]);
                if (g == null) {
                    continue;
                }
                assertTrue(g.size() * 2 <= (long) s[0] * s[1], g.toString());
                float[] whole = new float[pre.inputSize()];
                pre.apply(img, whole, 0);
                float[] sparse = new float[pre.inputSize() + 5];
                pre.apply(gather(img, g), g, sparse, 5);
                assertArrayEquals(whole, java.util.Arrays.copyOfRange(sparse, 5, sparse.length),
                        s[0] + "x" + s[1] + " to " + pre.width() + "x" + pre.height());
                checked++;
            }
        }
        assertTrue(checked >= 20, "grids checked: " + checked);
    }

    @Test
    void aResizeReadsTwoRowsAndColumnsPerOutputRowAndColumnAtMost() {
        // 4032 x 3024 stretched to 160 x 160: 25.2 and 18.9 source pixels per output pixel, so each
        // output row and column reads two distinct ones (floor and floor + 1).
        PixelGrid g = new ImagePreprocessor(Preprocessing.tensorflow(), 160).grid(4032, 3024);
        assertNotNull(g);
        assertEquals(320, g.rows().length);
        assertEquals(320, g.cols().length);
        assertEquals(0, g.rows()[0]);
        assertEquals(1, g.rows()[1]);
        assertEquals(18, g.rows()[2]); // floor(1 * 3024 / 160) = 18
        // An image smaller than the input is read whole: no grid.
        assertNull(new ImagePreprocessor(Preprocessing.tensorflow(), 160).grid(100, 90));
    }

    @Test
    void aGridMustAscendWithinTheImage() {
        assertThrows(IllegalArgumentException.class, () -> new PixelGrid(4, 4, new int[] {0, 0}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new PixelGrid(4, 4, new int[] {2, 1}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new PixelGrid(4, 4, new int[] {4}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new PixelGrid(4, 4, new int[] {}, new int[] {1}));
    }

    @Test
    void resamplingAGridThatLacksARowReadIsRefused() {
        RgbImage img = random(50, 40, 7);
        PixelGrid read = BilinearResize.grid(50, 40, 0, 0, 50, 40, 7, 5);
        PixelGrid fewer = new PixelGrid(50, 40, java.util.Arrays.copyOf(read.rows(), read.rows().length - 1), read.cols());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BilinearResize.resize(gather(img, fewer), fewer, 0, 0, 50, 40, 7, 5));
        assertTrue(e.getMessage().contains("does not hold row"), e.getMessage());
        // And pixels that are not the grid's size.
        assertThrows(IllegalArgumentException.class, () -> BilinearResize.resize(img, read, 0, 0, 50, 40, 7, 5));
    }

    @Test
    void aGridOfBothPreprocessingsServesEach() {
        RgbImage img = random(1000, 700, 3);
        ImagePreprocessor a = new ImagePreprocessor(Preprocessing.tensorflow(), 160);
        ImagePreprocessor b = new ImagePreprocessor(CROP, 96, 128);
        PixelGrid g = PixelGrid.both(a.grid(1000, 700), b.grid(1000, 700));
        RgbImage part = gather(img, g);
        for (ImagePreprocessor pre : new ImagePreprocessor[] {a, b}) {
            float[] sparse = new float[pre.inputSize()];
            pre.apply(part, g, sparse, 0);
            assertArrayEquals(pre.apply(img), sparse);
        }
        assertNull(PixelGrid.both(null, g));
        assertThrows(IllegalArgumentException.class, () -> PixelGrid.both(g, a.grid(1000, 701)));
    }

    @Test
    void aGridKeepsItsOwnCopiesOfItsRowsAndColumns() {
        int[] rows = {1, 5};
        int[] cols = {0, 2, 3};
        PixelGrid g = new PixelGrid(4, 6, rows, cols);
        rows[1] = 0; // would break the ascending order the grid's searches rely on
        g.cols()[0] = 3;
        assertArrayEquals(new int[] {1, 5}, g.rows());
        assertArrayEquals(new int[] {0, 2, 3}, g.cols());
        assertEquals(2, g.rowCount());
        assertEquals(3, g.colCount());
        assertEquals(1, g.rowIndex(5));
    }

    @Test
    void theUnionOfTwoAscendingListsAscendsWithoutRepeats() {
        assertArrayEquals(new int[] {0, 1, 2, 5, 7}, PixelGrid.union(new int[] {0, 2, 5}, new int[] {1, 2, 7}));
        assertArrayEquals(new int[] {3}, PixelGrid.union(new int[] {3}, new int[] {3}));
        assertArrayEquals(new int[] {0, 1, 4}, PixelGrid.union(new int[] {0, 0, 1, 1}, new int[] {1, 4, 4}));
    }
}
