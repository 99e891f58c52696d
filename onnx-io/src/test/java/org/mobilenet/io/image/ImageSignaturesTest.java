package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;

/** Formats the loader does not read are named by their signatures; BigTIFF is read as TIFF. */
class ImageSignaturesTest {
    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String name(String head) {
        byte[] h = b(head);
        return ImageSignatures.name(h, h.length);
    }

    @Test
    void commonFormatsAreNamedAndUnknownBytesAreNot() {
        assertEquals("HEIC/HEIF", name("\0\0\0\u0018ftypheic\0\0\0\0mif1heic"));
        assertEquals("AVIF", name("\0\0\0\u001cftypavif\0\0\0\0avifmif1"));
        assertEquals("JPEG 2000", name("\0\0\0\u000cjP  \r\n\u0087\n"));
        assertEquals("JPEG XL", name("\u00ff\n\u00fa\u007f"));
        assertEquals("PSD", name("8BPS\0\u0001"));
        assertEquals("ICO", name("\0\0\u0001\0\u0001\0\u0010\u0010\0\0\u0001\0"));
        assertNull(name("\0\0\u0002\0\0\0\0\0\0\0\0\0\0\0\u0040\0\u0040\0\u0018\0"), "a truecolor TGA header");
        assertEquals("PNM (PBM/PGM/PPM/PAM)", name("P6\n640 480\n255\n"));
        assertEquals("QOI", name("qoif\0\0"));
        assertEquals("SVG", name("  <?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assertEquals("PDF", name("%PDF-1.7"));
        assertNull(name("hello, world"));
        assertNull(name("\0\0\0\u0018ftypisom"));
    }

    @Test
    void aHeicPhotoIsRefusedByItsFormat() throws Exception {
        Path f = tmp.resolve("IMG_0001.HEIC");
        Files.write(f, b("\0\0\0\u0018ftypheic\0\0\0\0mif1heic" + "x".repeat(200)));
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageLoader().load(f));
        assertTrue(e.getMessage().contains("IMG_0001.HEIC: is in the HEIC/HEIF format, which is not supported"),
                e.getMessage());
    }

    @Test
    void aBigTiffIsReadAsTiff() throws Exception {
        // A 2 x 2 8-bit gray BigTIFF (64-bit offsets), uncompressed: the pixels 0, 80, 160, 240.
        int entries = 9;
        int ifd = 16;
        int data = ifd + 8 + entries * 20 + 8;
        ByteBuffer t = ByteBuffer.allocate(data + 4).order(ByteOrder.LITTLE_ENDIAN);
        t.put((byte) 'I').put((byte) 'I').putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(ifd);
        t.putLong(entries);
        int[][] tags = {{256, 3, 2}, {257, 3, 2}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {273, 16, data}, {277, 3, 1},
            {278, 3, 2}, {279, 16, 4}};
        for (int[] tag : tags) {
            t.putShort((short) tag[0]).putShort((short) tag[1]).putLong(1);
            if (tag[1] == 3) {
                t.putShort((short) tag[2]).putShort((short) 0).putInt(0);
            } else {
                t.putLong(tag[2]);
            }
        }
        t.putLong(0);
        t.put(new byte[] {0, 80, (byte) 160, (byte) 240});
        Path f = tmp.resolve("big.tif");
        Files.write(f, t.array());
        assertArrayEquals(new int[] {0, 80 * 0x010101, 160 * 0x010101, 240 * 0x010101},
                new ImageLoader().load(f).pixels());
    }
}
