package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;

/** A PNG's eXIf chunk and a WebP's EXIF chunk turn the picture as a JPEG's EXIF tag would. */
class ChunkExifTest {
    @TempDir
    Path tmp;

    /** A TIFF structure (as EXIF chunks hold it) whose first IFD has one Orientation entry. */
    private static byte[] tiff(ByteOrder order, int orientation) {
        ByteBuffer t = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
        byte mark = (byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M');
        t.put(mark).put(mark).putShort((short) 42).putInt(8).putShort((short) 1);
        t.putShort((short) 274).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        t.putInt(0);
        return t.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return concat(ByteBuffer.allocate(4).putInt(data.length).array(), t, data,
                ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The PNG with {@code chunks} inserted after IHDR (which ends at byte 33). */
    private static byte[] withChunks(byte[] png, byte[]... chunks) {
        byte[] head = java.util.Arrays.copyOf(png, 33);
        byte[] rest = java.util.Arrays.copyOfRange(png, 33, png.length);
        return concat(head, concat(chunks), rest);
    }

    /** A small picture with no symmetry, as a PNG. */
    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, (x * 50) << 16 | (y * 100) << 8 | (x + y * 5) * 10);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private RgbImage load(byte[] bytes, boolean applyExif) throws Exception {
        Path f = tmp.resolve("img");
        Files.write(f, bytes);
        return new ImageLoader(ImageOptions.defaults().withApplyExif(applyExif)).load(f);
    }

    private static void assertSame(RgbImage expected, RgbImage actual) {
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertArrayEquals(expected.pixels(), actual.pixels());
    }

    @Test
    void aPngsExifOrientationTurnsThePicture() throws Exception {
        byte[] plain = png();
        RgbImage upright = load(plain, true);
        for (int o = 1; o <= 8; o++) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                byte[] tagged = withChunks(plain, pngChunk("eXIf", tiff(order, o)));
                assertEquals(Orientation.ofExif(o), ChunkExif.orientation(tagged));
                assertSame(Orientation.ofExif(o).apply(upright), load(tagged, true));
                assertSame(upright, load(tagged, false)); // --ignore-exif
            }
        }
        // Some writers keep JPEG's "Exif\0\0" before the TIFF structure.
        byte[] prefixed = withChunks(plain, pngChunk("eXIf", concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII),
                tiff(ByteOrder.BIG_ENDIAN, 6))));
        assertSame(Orientation.ofExif(6).apply(upright), load(prefixed, true));
        // Two eXIf chunks: not the plain case, upright.
        byte[] two = withChunks(plain, pngChunk("eXIf", tiff(ByteOrder.BIG_ENDIAN, 6)),
                pngChunk("eXIf", tiff(ByteOrder.BIG_ENDIAN, 3)));
        assertNull(ChunkExif.orientation(two));
        assertSame(upright, load(two, true));
        assertEquals(Orientation.NORMAL, ChunkExif.orientation(plain));
    }

    @Test
    void aWebpsExifChunkTurnsThePicture() throws Exception {
        byte[] webp = Files.readAllBytes(ImageFixtures.testdata("cat_corner_lossless.webp"));
        RgbImage upright = load(webp, true);
        byte[] tiff = tiff(ByteOrder.LITTLE_ENDIAN, 8);
        ByteBuffer chunk = ByteBuffer.allocate(8 + tiff.length + (tiff.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        chunk.put("EXIF".getBytes(StandardCharsets.US_ASCII)).putInt(tiff.length).put(tiff);
        byte[] tagged = concat(webp, chunk.array());
        ByteBuffer.wrap(tagged).order(ByteOrder.LITTLE_ENDIAN).putInt(4, tagged.length - 8); // the RIFF size
        assertEquals(Orientation.ofExif(8), ChunkExif.orientation(tagged));
        assertSame(Orientation.ofExif(8).apply(upright), load(tagged, true));
        assertEquals(Orientation.NORMAL, ChunkExif.orientation(webp));
    }
}
