package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.PixelGrid;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.SharedData;

/**
 * Decoding only a preprocessor's grid ({@link ImageLoader#decode(Path, PixelGrid.Selector)}) gives the
 * network the same input as decoding the whole image, in every format, layout, colour profile and
 * orientation.
 */
class GridDecodeTest {
    @TempDir
    Path tmp;

    /** Preprocessors whose grids are sparse on the small images written here, and one that is not. */
    private static final ImagePreprocessor[] PRES = {
        new ImagePreprocessor(Preprocessing.tensorflow(), 7, 13),
        new ImagePreprocessor(new Preprocessing(new float[] {120, 110, 100}, new float[] {60, 50, 40},
                Preprocessing.ChannelOrder.BGR, Preprocessing.Resize.CENTER_CROP, 0.8f), 9),
        new ImagePreprocessor(Preprocessing.uniform(128, 128), 5, 6, 1),
        new ImagePreprocessor(Preprocessing.tensorflow(), 160),
    };

    /** Checks every preprocessor on {@code file}; returns how many decoded a grid rather than the whole image. */
    private static int sameInput(Path file) throws Exception {
        ImageLoader loader = new ImageLoader();
        DecodedImage whole = loader.decode(file);
        assertNull(whole.grid());
        int grids = 0;
        for (ImagePreprocessor pre : PRES) {
            DecodedImage part = loader.decode(file, pre::grid);
            assertEquals(whole.image().width(), part.width(), file.toString());
            assertEquals(whole.image().height(), part.height(), file.toString());
            float[] expected = new float[pre.inputSize()];
            pre.apply(whole.image(), expected, 0);
            float[] got = new float[pre.inputSize()];
            pre.apply(part.image(), part.grid(), got, 0);
            assertArrayEquals(expected, got, file.getFileName() + " to " + pre.width() + "x" + pre.height());
            if (part.grid() != null) {
                grids++;
                assertTrue(part.image().pixels().length < whole.image().pixels().length);
            }
        }
        return grids;
    }

    /** A photo-like picture (smooth, so JPEG keeps it close) of {@code w x h}. */
    private static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) * 7 & 0xFF));
            }
        }
        return img;
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void everyOrientationOfAJpegGivesTheSameInputFromItsGrid() throws Exception {
        byte[] jpeg = ImageFixtures.jpeg(picture(97, 61), 0.9f, false);
        int grids = 0;
        for (int tag = 1; tag <= 8; tag++) {
            grids += sameInput(write("o" + tag + ".jpg", ImageFixtures.withSegment(jpeg, ImageFixtures.exifOrientation(tag))));
            grids += sameInput(write("o" + tag + ".tif", ImageFixtures.tiff(picture(53, 31), tag, 53, 31)));
        }
        assertTrue(grids >= 16 * 3, "grids used: " + grids);
    }

    @Test
    void jpegsWithColourProfilesConvertOnlyTheGridAndGiveTheSameInput() throws Exception {
        byte[] parrot = Files.readAllBytes(SharedData.image("parrot.jpg"));
        assertNotNull(JpegIcc.split(parrot), "parrot.jpg carries a profile");
        assertEquals(4, sameInput(SharedData.image("parrot.jpg")));
        // A profile whose conversion is far from the identity, and the same photo turned by its tag.
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] relinked = ImageFixtures.withSegment(ImageFixtures.jpeg(picture(300, 200), 0.9f, false), ImageFixtures.iccMarker(linear, 1, 1));
        assertNotNull(JpegIcc.split(relinked));
        assertTrue(sameInput(write("linear.jpg", relinked)) >= 3);
        assertTrue(sameInput(write("linear-cw.jpg", ImageFixtures.withSegment(relinked, ImageFixtures.exifOrientation(6)))) >= 3);
    }

    @Test
    void everyRasterLayoutAFileDecodesToGivesTheSameInputFromItsGrid() throws Exception {
        int n = 0;
        int grids = 0;
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_BYTE_INDEXED,
                BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_USHORT_GRAY}) {
            BufferedImage src = ImageFixtures.randomBits(new BufferedImage(71, 45, type), 20 + type);
            for (String fmt : new String[] {"png", "bmp", "gif", "jpeg", "tiff"}) {
                Path f = tmp.resolve("img" + n++ + "." + fmt);
                if (!ImageIO.write(src, fmt, f.toFile())) {
                    continue; // that writer does not take this type
                }
                grids += sameInput(f);
            }
        }
        grids += sameInput(write("cmyk.jpg", ImageFixtures.cmykJpeg(picture(80, 50), false)));
        grids += sameInput(write("ycck.jpg", ImageFixtures.cmykJpeg(picture(80, 50), true)));
        grids += sameInput(write("16bit.png", ImageFixtures.png16(picture(66, 40))));
        for (String name : new String[] {"cat.bmp", "grace_hopper.bmp"}) {
            grids += sameInput(SharedData.image(name));
        }
        assertTrue(grids > 40, "grids used: " + grids);
    }

    @Test
    void aSelectorsExceptionIsThrownAsItIsNotAsABadImage() throws Exception {
        Path f = SharedData.image("parrot.jpg");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new ImageLoader().decode(f, (w, h) -> {
                    throw new IllegalStateException("selector bug");
                }));
        assertEquals("selector bug", e.getMessage());
        // A grid of another size than the image's is the selector's error too.
        IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ImageLoader().decode(SharedData.image("cat.bmp"),
                        (w, h) -> new PixelGrid(w + 1, h, new int[] {0}, new int[] {0})));
        assertTrue(wrong.getMessage().contains("asked for the grid of a 512x341 image"), wrong.getMessage());
    }

    @Test
    void theGatheredPixelsAreTheWholeImagesAtTheGrid() {
        PixelGrid g = new PixelGrid(37, 23, new int[] {0, 4, 5, 22}, new int[] {1, 2, 17, 36});
        for (int type = BufferedImage.TYPE_INT_RGB; type <= BufferedImage.TYPE_BYTE_INDEXED; type++) {
            BufferedImage img = ImageFixtures.randomBits(new BufferedImage(37, 23, type), type);
            RgbImage whole = ImageLoader.toRgb(img);
            RgbImage part = ImageLoader.toRgb(ImageLoader.gather(img, g));
            assertEquals(4, part.width());
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(whole.pixels()[g.rows()[i] * 37 + g.cols()[j]], part.pixels()[i * 4 + j],
                            "type " + type + " at " + g.cols()[j] + "," + g.rows()[i]);
                }
            }
        }
    }
}
