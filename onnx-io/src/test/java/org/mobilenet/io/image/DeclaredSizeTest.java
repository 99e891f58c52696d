package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.BadInputException;

/** A small file declaring a huge image is refused before its raster is allocated; real files pass. */
class DeclaredSizeTest {
    @TempDir
    Path tmp;

    /** A PNG of w x h 8-bit grey declaring its size honestly, with {@code idat} as its (deflated) data. */
    private static byte[] png(int w, int h, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        return out.toByteArray();
    }

    /** A JPEG header: SOI, a frame header (marker sof, 8-bit or other precision) of w x h, one component, EOI. */
    private static byte[] jpegHeader(int sof, int precision, int w, int h) {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) sof, 0, 11, (byte) precision, (byte) (h >> 8),
            (byte) h, (byte) (w >> 8), (byte) w, 1, 1, 0x11, 0, (byte) 0xFF, (byte) 0xD9};
    }

    private Path file(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void tinyFilesDeclaringHugeImagesAreRefusedAtOnceEvenWhenTruncatedImagesAreKept() throws Exception {
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 0x10, 0x27, 0x10, 0x27, 0, 0, 0, ',', 0, 0, 0, 0, 0x10, 0x27, 0x10,
            0x27, 0, 2, 2, 0x44, 0x01, 0, ';'};
        Path[] bombs = {
            file("bomb.png", png(10000, 10000, deflate(new byte[100]))),
            file("bomb.gif", gif),
            file("bomb.jpg", jpegHeader(0xC0, 8, 10000, 10000)),
        };
        for (ImageLoader loader : new ImageLoader[] {new ImageLoader(),
            new ImageLoader(ImageOptions.defaults().withAllowTruncated(true))}) {
            for (Path f : bombs) {
                long t0 = System.nanoTime();
                BadInputException e = assertThrows(BadInputException.class, () -> loader.load(f));
                assertTrue(e.getMessage().contains("declares a 10000x10000"), e.getMessage());
                assertTrue(e.getMessage().contains("the file has " + Files.size(f)), e.getMessage());
                assertFalse(e instanceof TruncatedImageException, "refused whatever the options");
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "refused before decoding");
            }
        }
    }

    @Test
    void theMostCompressedRealFilesStillPass() throws Exception {
        // All one value: deflate's best case, and ImageIO's own writer.
        int w = 2000;
        int h = 1500;
        byte[] raw = new byte[h * (w + 1)];
        Path flat = file("flat.png", png(w, h, deflate(raw)));
        assertTrue(Files.size(flat) >= DeclaredSize.fewestBytes("png", w, h, null), Files.size(flat) + " bytes");
        RgbImage img = new ImageLoader().load(flat);
        assertEquals(w, img.width());
        assertEquals(0, img.pixels()[w * h - 1]);

        BufferedImage binary = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        for (String format : new String[] {"png", "gif", "jpeg"}) {
            Path f = tmp.resolve("binary." + format);
            assertTrue(ImageIO.write(format.equals("jpeg") ? gray(binary) : binary, format, f.toFile()), format);
            assertEquals(h, new ImageLoader().load(f).height(), format);
        }
    }

    private static BufferedImage gray(BufferedImage img) {
        BufferedImage g = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        g.getGraphics().drawImage(img, 0, 0, null);
        return g;
    }

    @Test
    void theBoundsFollowEachFormatsCoding() {
        // PNG: one filter byte a row and one bit a pixel, over deflate's best ratio.
        assertEquals(10000L * (1 + 1250) / DeclaredSize.DEFLATE_RATIO, DeclaredSize.fewestBytes("png", 10000, 10000, null));
        assertEquals(100_000_000L / DeclaredSize.LZW_PIXELS_PER_BYTE, DeclaredSize.fewestBytes("gif", 10000, 10000, null));
        assertEquals(100_000_000L / 512, DeclaredSize.fewestBytes("jpeg", 10000, 10000, jpegHeader(0xC2, 8, 10000, 10000)));
        assertEquals(0, DeclaredSize.fewestBytes("jpeg", 10000, 10000, jpegHeader(0xC9, 8, 10000, 10000)),
                "arithmetic coding: no bound");
        assertEquals(0, DeclaredSize.fewestBytes("jpeg", 10000, 10000, null), "bytes unknown: no bound");
        for (String format : new String[] {"webp", "tiff", "bmp"}) {
            assertEquals(0, DeclaredSize.fewestBytes(format, 10000, 10000, null), format);
        }
    }

    @Test
    void aTiffWhoseDirectoryIsCutOffHoldsNoReadableImage() throws Exception {
        byte[] tiff = new byte[4096];
        tiff[0] = 'I';
        tiff[1] = 'I';
        tiff[2] = 42;
        ByteBuffer.wrap(tiff).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << 20); // the directory, past the end
        Path f = file("cut.tif", tiff);
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageLoader().load(f));
        assertTrue(e.getMessage().contains("holds no readable image (a TIFF file truncated or corrupt"), e.getMessage());
    }

    @Test
    void aJpegOfAnotherPrecisionIsCalledUnsupported() throws Exception {
        assertEquals(12, DeclaredSize.precision(jpegHeader(0xC1, 12, 16, 16)));
        assertEquals(8, DeclaredSize.precision(jpegHeader(0xC0, 8, 16, 16)));
        assertEquals(-1, DeclaredSize.precision(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}));
        Path f = file("twelve.jpg", jpegHeader(0xC1, 12, 16, 16));
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageLoader().load(f));
        assertTrue(e.getMessage().contains("12-bit samples: not supported"), e.getMessage());
        Path eight = file("eight.jpg", jpegHeader(0xC0, 8, 16, 16));
        e = assertThrows(BadInputException.class, () -> new ImageLoader().load(eight));
        assertFalse(e.getMessage().contains("not supported"), e.getMessage());
    }
}
