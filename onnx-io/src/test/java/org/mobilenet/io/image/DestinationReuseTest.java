package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;

/**
 * A thread decodes each JPEG or PNG into its last one's destination when size and type match: every
 * photo still decodes to exactly its own pixels, whatever came before it on the thread.
 */
class DestinationReuseTest {
    @TempDir
    Path tmp;

    private static BufferedImage picture(int w, int h, int seed, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * seed) & 0xFF) << 16 | ((y * 3 + seed) & 0xFF) << 8 | ((x ^ y) * seed & 0xFF));
            }
        }
        return img;
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static int[] imageIo(byte[] jpeg) throws Exception {
        return ImageFixtures.expectedRgb(ImageIO.read(new ByteArrayInputStream(jpeg)));
    }

    @Test
    void photosOfOneSizeInARowEachDecodeToTheirOwnPixels() throws Exception {
        ImageLoader loader = new ImageLoader();
        byte[][] files = {
            ImageFixtures.jpeg(picture(120, 80, 3, BufferedImage.TYPE_INT_RGB), 0.9f, false),
            ImageFixtures.jpeg(picture(120, 80, 7, BufferedImage.TYPE_INT_RGB), 0.8f, true), // progressive
            ImageFixtures.jpeg(picture(120, 80, 11, BufferedImage.TYPE_BYTE_GRAY), 0.9f, false), // another type
            ImageFixtures.jpeg(picture(120, 80, 5, BufferedImage.TYPE_INT_RGB), 0.9f, false),
            ImageFixtures.jpeg(picture(80, 120, 5, BufferedImage.TYPE_INT_RGB), 0.9f, false), // another size
            ImageFixtures.jpeg(picture(120, 80, 13, BufferedImage.TYPE_INT_RGB), 0.7f, false),
            ImageFixtures.cmykJpeg(picture(120, 80, 19, BufferedImage.TYPE_INT_RGB), false), // Adobe CMYK
            ImageFixtures.cmykJpeg(picture(120, 80, 23, BufferedImage.TYPE_INT_RGB), true), // YCCK
            ImageFixtures.jpeg(picture(120, 80, 29, BufferedImage.TYPE_INT_RGB), 0.9f, false),
        };
        RgbImage previous = null;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < files.length; i++) {
                RgbImage img = loader.load(write("p" + round + i + ".jpg", files[i]));
                assertArrayEquals(imageIo(files[i]), img.pixels(), "photo " + i);
                if (previous != null && previous.width() == img.width()) {
                    assertTrue(!Arrays.equals(previous.pixels(), img.pixels()), "photo " + i + " is not the one before");
                }
                previous = img;
            }
        }
    }

    private static byte[] png(BufferedImage img) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    @Test
    void pngsOfOneSizeInARowEachDecodeToTheirOwnPixels() throws Exception {
        ImageLoader loader = new ImageLoader();
        byte[][] files = {
            png(picture(90, 70, 3, BufferedImage.TYPE_INT_RGB)),
            png(picture(90, 70, 5, BufferedImage.TYPE_INT_RGB)),
            png(picture(90, 70, 7, BufferedImage.TYPE_4BYTE_ABGR)), // another type: RGBA
            png(picture(90, 70, 9, BufferedImage.TYPE_BYTE_GRAY)),
            ImageFixtures.png16(picture(90, 70, 11, BufferedImage.TYPE_INT_RGB)),
            png(picture(90, 70, 13, BufferedImage.TYPE_INT_RGB)),
            ImageFixtures.jpeg(picture(90, 70, 15, BufferedImage.TYPE_INT_RGB), 0.9f, false), // a JPEG between
            png(picture(90, 70, 17, BufferedImage.TYPE_INT_RGB)),
        };
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < files.length; i++) {
                RgbImage img = loader.load(write("q" + round + i + (i == 6 ? ".jpg" : ".png"), files[i]));
                assertArrayEquals(imageIo(files[i]), img.pixels(), "file " + i);
            }
        }
    }

    @Test
    void aTruncatedPhotoBetweenWholeOnesIsRefusedAndTheNextDecodesWhole() throws Exception {
        byte[] first = ImageFixtures.jpeg(picture(120, 80, 3, BufferedImage.TYPE_INT_RGB), 0.9f, false);
        byte[] second = ImageFixtures.jpeg(picture(120, 80, 9, BufferedImage.TYPE_INT_RGB), 0.9f, false);
        byte[] third = ImageFixtures.jpeg(picture(120, 80, 17, BufferedImage.TYPE_INT_RGB), 0.9f, false);
        ImageLoader loader = new ImageLoader();
        assertArrayEquals(imageIo(first), loader.load(write("first.jpg", first)).pixels());
        Path cut = write("cut.jpg", Arrays.copyOf(second, second.length * 6 / 10));
        assertThrows(TruncatedImageException.class, () -> loader.load(cut));
        // The destination the failed decode wrote part of serves the next photo, which fills all of it.
        assertArrayEquals(imageIo(third), loader.load(write("third.jpg", third)).pixels());
        assertEquals(120, loader.load(write("again.jpg", first)).width());
    }
}
