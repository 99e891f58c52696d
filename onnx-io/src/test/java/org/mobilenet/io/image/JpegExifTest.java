package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mobilenet.io.SharedData;

/** Only a JPEG known to lack an EXIF segment skips the orientation lookup. */
class JpegExifTest {
    private static byte[] plain() throws Exception {
        return ImageFixtures.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), 0.9f, false);
    }

    @Test
    void aJpegWithoutExifHasNoOrientation() throws Exception {
        assertFalse(JpegExif.mayHaveOrientation(plain()));
        assertFalse(JpegExif.mayHaveOrientation(ImageFixtures.withSegment(plain(), ImageFixtures.adobe(1))));
    }

    @Test
    void anExifSegmentAnywhereBeforeTheScanMayHaveOne() throws Exception {
        assertTrue(JpegExif.mayHaveOrientation(ImageFixtures.withSegment(plain(), ImageFixtures.exifOrientation(6))));
        byte[] afterAdobe = ImageFixtures.withSegment(ImageFixtures.withSegment(plain(), ImageFixtures.exifOrientation(3)),
                ImageFixtures.adobe(1));
        assertTrue(JpegExif.mayHaveOrientation(afterAdobe));
        assertTrue(JpegExif.mayHaveOrientation(Files.readAllBytes(SharedData.image("parrot.jpg"))), "a camera photo");
    }

    @Test
    void anythingIrregularOrNotAJpegSaysMaybe() throws Exception {
        byte[] jpeg = plain();
        assertTrue(JpegExif.mayHaveOrientation(Arrays.copyOf(jpeg, 40)), "ends before the scan");
        assertTrue(JpegExif.mayHaveOrientation(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0}), "a TIFF");
        byte[] bad = jpeg.clone();
        bad[2] = 0x12; // not a marker where one must be
        assertTrue(JpegExif.mayHaveOrientation(bad));
    }
}
