package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.SharedData;

class ImageLoaderTest {
    @TempDir
    Path tmp;

    private static BufferedImage sample() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[] colors = {0xFF0000, 0x00FF00, 0x0000FF, 0x102030, 0xFFFFFF, 0x000000};
        for (int i = 0; i < 6; i++) {
            img.setRGB(i % 3, i / 3, colors[i]);
        }
        return img;
    }

    private Path write(String format, String name) throws Exception {
        Path f = tmp.resolve(name);
        assertTrue(ImageIO.write(sample(), format, f.toFile()), "no writer for " + format);
        return f;
    }

    @Test
    void losslessFormatsDecodeToTheExactPixels() throws Exception {
        for (String fmt : new String[] {"png", "bmp"}) {
            RgbImage img = new ImageLoader().load(write(fmt, "x." + fmt));
            assertEquals(3, img.width());
            assertEquals(2, img.height());
            assertEquals(0xFF0000, img.pixels()[0], fmt);
            assertEquals(0x102030, img.pixels()[3], fmt);
            assertEquals(0xFFFFFF, img.pixels()[4], fmt);
        }
    }

    @Test
    void jpegAndGifDecode() throws Exception {
        RgbImage jpg = new ImageLoader().load(write("jpeg", "x.jpg"));
        assertEquals(3, jpg.width());
        RgbImage gif = new ImageLoader().load(write("gif", "x.gif"));
        assertEquals(3, gif.width());
        assertEquals(2, gif.height());
    }

    @Test
    void sharedPhotosDecode() throws Exception {
        RgbImage cat = new ImageLoader().load(SharedData.image("cat.bmp"));
        assertEquals(512, cat.width());
        assertEquals(341, cat.height());
        RgbImage parrot = new ImageLoader().load(SharedData.image("parrot.jpg"));
        assertEquals(512, parrot.width());
        assertEquals(929, parrot.height());
    }

    @Test
    void imagesAbovePixelLimitAreRefusedFromTheHeader() throws Exception {
        Path f = write("png", "x.png");
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageLoader(5).load(f));
        assertTrue(e.getMessage().contains("3x2"), e.getMessage());
    }

    @Test
    void pngHeaderClaimingTenGigapixelsIsRefusedBeforeDecoding() throws Exception {
        // A PNG signature and an IHDR claiming 100000 x 100000 RGB pixels, with no pixel data at all.
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 17 + 4);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}).putInt(13).put(ihdr.array())
                .putInt((int) crc.getValue());
        Path f = tmp.resolve("bomb.png");
        Files.write(f, b.array());
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageLoader().load(f));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    }

    @Test
    void nonImagesAreBadInput() throws Exception {
        Path text = tmp.resolve("notes.jpg");
        Files.writeString(text, "this is not an image");
        BadInputException notImage = assertThrows(BadInputException.class, () -> new ImageLoader().load(text));
        assertTrue(notImage.getMessage().endsWith("found an unrecognised format"), notImage.getMessage());
        Path empty = tmp.resolve("empty.png");
        Files.write(empty, new byte[0]);
        BadInputException nothing = assertThrows(BadInputException.class, () -> new ImageLoader().load(empty));
        assertTrue(nothing.getMessage().startsWith(empty + ": ") && nothing.getMessage().endsWith("found an empty file"),
                nothing.getMessage());
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path random = tmp.resolve("noise.bmp");
        Files.write(random, noise);
        assertThrows(BadInputException.class, () -> new ImageLoader().load(random));
        assertThrows(BadInputException.class, () -> new ImageLoader().load(tmp.resolve("missing.png")));
        assertThrows(BadInputException.class, () -> new ImageLoader().load(tmp));
    }

    @Test
    void truncatedPngIsBadInput() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(1);
        for (int i = 0; i < 64 * 64; i++) {
            big.setRGB(i % 64, i / 64, rnd.nextInt());
        }
        ImageIO.write(big, "png", out);
        byte[] all = out.toByteArray();
        Path f = tmp.resolve("cut.png");
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        assertThrows(BadInputException.class, () -> new ImageLoader().load(f));
    }
}
