package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A GIF whose image data ends early, though properly closed, is damaged: not silently half blank. */
class TruncatedGifTest {
    @TempDir
    Path tmp;

    /** The GIF with its first image's data sub-blocks cut to the first half, then closed (terminator, trailer). */
    private static byte[] cutImageData(byte[] gif) {
        return cutImageData(gif, false);
    }

    /** As above, or with no data block at all ({@code none}): the image data ends before its first row. */
    private static byte[] cutImageData(byte[] gif, boolean none) {
        int i = 13;
        int flags = gif[10] & 0xFF;
        if ((flags & 0x80) != 0) {
            i += 3 << ((flags & 7) + 1); // global colour table
        }
        while (gif[i] == 0x21) { // extensions: label, then sub-blocks
            i += 2;
            while (gif[i] != 0) {
                i += (gif[i] & 0xFF) + 1;
            }
            i++;
        }
        assertEquals(0x2C, gif[i] & 0xFF, "an image descriptor");
        int local = gif[i + 9] & 0xFF;
        i += 10;
        if ((local & 0x80) != 0) {
            i += 3 << ((local & 7) + 1);
        }
        i++; // LZW minimum code size
        int start = i;
        int blocks = 0;
        while (gif[i] != 0) {
            i += (gif[i] & 0xFF) + 1;
            blocks++;
        }
        assertTrue(blocks >= 4, "enough data blocks to cut: " + blocks);
        int end = start;
        for (int b = 0; b < (none ? 0 : blocks / 2); b++) {
            end += (gif[end] & 0xFF) + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gif, 0, end);
        out.write(0); // block terminator
        out.write(0x3B); // trailer
        return out.toByteArray();
    }

    @Test
    void aGifWhoseImageDataStopsEarlyIsTruncatedAndKeptOnlyWhenAsked() throws Exception {
        BufferedImage img = new BufferedImage(200, 150, BufferedImage.TYPE_BYTE_INDEXED);
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 200; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 13 + (x * y) % 11) & 0xFF); // little to compress
            }
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "gif", whole));
        Path intact = tmp.resolve("whole.gif");
        Files.write(intact, whole.toByteArray());
        assertEquals(150, new ImageLoader().load(intact).height());

        Path cut = tmp.resolve("cut.gif");
        Files.write(cut, cutImageData(whole.toByteArray()));
        TruncatedImageException e = assertThrows(TruncatedImageException.class, () -> new ImageLoader().load(cut));
        assertTrue(e.getMessage().contains("the image data stops at"), e.getMessage());
        DecodedImage kept = new ImageLoader(ImageOptions.defaults().withAllowTruncated(true)).decode(cut);
        assertEquals(150, kept.image().height());
        assertTrue(kept.warning().contains("the image data stops at"), kept.warning());

        Path empty = tmp.resolve("empty.gif"); // not one row decoded: refused too (by the decoder itself here)
        Files.write(empty, cutImageData(whole.toByteArray(), true));
        assertThrows(org.mobilenet.io.BadInputException.class, () -> new ImageLoader().load(empty));
    }
}
