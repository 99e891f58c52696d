package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which decoder warnings mean damage: junk libjpeg skips before a marker outside the scan data is not
 * (djpeg decodes such files whole), before a restart marker it is, and so are truncation warnings.
 */
class DecodeWarningsTest {
    @TempDir
    Path tmp;

    @Test
    void junkBeforeATableOrTheEndIsHarmlessBeforeARestartMarkerItIsDamage() {
        assertFalse(DecodeWarnings.isDamage("Corrupt JPEG data: 5 extraneous bytes before marker 0xdb"));
        assertFalse(DecodeWarnings.isDamage("Corrupt JPEG data: 1 extraneous bytes before marker 0xd9"));
        assertFalse(DecodeWarnings.isDamage("Corrupt JPEG data: 2 extraneous bytes before marker 0xc4"));
        assertTrue(DecodeWarnings.isDamage("Corrupt JPEG data: 12 extraneous bytes before marker 0xd3"));
        assertTrue(DecodeWarnings.isDamage("Corrupt JPEG data: premature end of data segment"));
        assertTrue(DecodeWarnings.isDamage("Premature end of JPEG file"));
        assertFalse(DecodeWarnings.isDamage("Bogus APP2 marker"));
    }

    @Test
    void aJpegWithJunkBetweenItsHeaderSegmentsDecodesWhole() throws Exception {
        BufferedImage img = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, (x * 10) << 16 | (y * 15) << 8 | 77);
            }
        }
        byte[] jpeg = ImageFixtures.jpeg(img, 0.95f, false);
        Path clean = tmp.resolve("clean.jpg");
        Files.write(clean, jpeg);
        // Five zero bytes before the first DQT segment (FF DB), as some writers leave them.
        int at = -1;
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDB) {
                at = i;
                break;
            }
        }
        assertTrue(at > 0);
        byte[] junk = new byte[jpeg.length + 5];
        System.arraycopy(jpeg, 0, junk, 0, at);
        System.arraycopy(jpeg, at, junk, at + 5, jpeg.length - at);
        Path f = tmp.resolve("junk.jpg");
        Files.write(f, junk);
        assertArrayEquals(new ImageLoader().load(clean).pixels(), new ImageLoader().load(f).pixels());
    }
}
