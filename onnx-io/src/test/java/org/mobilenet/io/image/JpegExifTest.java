package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataFormatImpl;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.mobilenet.io.SharedData;
import org.w3c.dom.Node;

/** The EXIF orientation read from a JPEG's bytes agrees with the reader's metadata, and only the plain case is read. */
class JpegExifTest {
    private static byte[] plain() throws Exception {
        return ImageFixtures.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), 0.9f, false);
    }

    /** An APP1 Exif segment with IFD0 holding {@code entries} (tag, type, count, value) in the given byte order. */
    private static byte[] exif(ByteOrder order, int[]... entries) {
        ByteBuffer t = ByteBuffer.allocate(8 + 2 + 12 * entries.length + 4).order(order);
        byte mark = (byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M');
        t.put(mark).put(mark).putShort((short) 42).putInt(8);
        t.putShort((short) entries.length);
        for (int[] e : entries) {
            t.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
            if (e[1] == 3) {
                t.putShort((short) e[3]).putShort((short) 0);
            } else {
                t.putInt(e[3]);
            }
        }
        t.putInt(0);
        return ImageFixtures.exifSegment(t.array());
    }

    /** An APP1 Exif segment with two linked IFDs (big-endian), each holding the given SHORT entries (tag, value). */
    private static byte[] exifTwoIfds(int[][] first, int[][] second) {
        int size0 = 2 + 12 * first.length + 4;
        ByteBuffer t = ByteBuffer.allocate(8 + size0 + 2 + 12 * second.length + 4).order(ByteOrder.BIG_ENDIAN);
        t.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        t.putShort((short) first.length);
        for (int[] e : first) {
            t.putShort((short) e[0]).putShort((short) 3).putInt(1).putShort((short) e[1]).putShort((short) 0);
        }
        t.putInt(8 + size0);
        t.putShort((short) second.length);
        for (int[] e : second) {
            t.putShort((short) e[0]).putShort((short) 3).putInt(1).putShort((short) e[1]).putShort((short) 0);
        }
        t.putInt(0);
        return ImageFixtures.exifSegment(t.array());
    }

    /** The orientation as the JPEG reader's standard metadata reports it (the path the bytes now spare). */
    private static Orientation reported(byte[] jpeg) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new java.io.IOException("no reader takes it");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                IIOMetadata m = r.getImageMetadata(0);
                Node root;
                try {
                    root = m.getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
                } catch (RuntimeException e) {
                    return Orientation.NORMAL; // what the loader makes of a metadata tree that cannot be built
                }
                for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                    for (Node d = n.getFirstChild(); d != null; d = d.getNextSibling()) {
                        if (d.getNodeName().equals("ImageOrientation")) {
                            return Orientation.ofMetadataName(d.getAttributes().getNamedItem("value").getNodeValue(), "jpeg");
                        }
                    }
                }
                return Orientation.NORMAL;
            } finally {
                r.dispose();
            }
        }
    }

    @Test
    void aJpegWithoutExifIsUpright() throws Exception {
        assertEquals(Orientation.NORMAL, JpegExif.orientation(plain()));
        assertEquals(Orientation.NORMAL, JpegExif.orientation(ImageFixtures.withSegment(plain(), ImageFixtures.adobe(1))));
    }

    @Test
    void everyTagValueInEitherByteOrderIsWhatTheReaderReports() throws Exception {
        for (int v = 1; v <= 8; v++) {
            byte[] big = ImageFixtures.withSegment(plain(), ImageFixtures.exifOrientation(v));
            assertEquals(Orientation.ofExif(v), JpegExif.orientation(big), "big-endian " + v);
            assertEquals(reported(big), JpegExif.orientation(big), "big-endian " + v);
            byte[] little = ImageFixtures.withSegment(plain(),
                    exif(ByteOrder.LITTLE_ENDIAN, new int[] {271, 2, 4, 0}, new int[] {274, 3, 1, v}));
            assertEquals(Orientation.ofExif(v), JpegExif.orientation(little), "little-endian " + v);
            assertEquals(reported(little), JpegExif.orientation(little), "little-endian " + v);
        }
        byte[] afterAdobe = ImageFixtures.withSegment(ImageFixtures.withSegment(plain(), ImageFixtures.exifOrientation(3)),
                ImageFixtures.adobe(1));
        assertEquals(Orientation.ROTATE_180, JpegExif.orientation(afterAdobe));
        byte[] camera = Files.readAllBytes(SharedData.image("parrot.jpg"));
        assertEquals(reported(camera), JpegExif.orientation(camera), "a camera photo");
    }

    @Test
    void exifWithoutAnOrientationTagIsUpright() throws Exception {
        byte[] f = ImageFixtures.withSegment(plain(), exif(ByteOrder.BIG_ENDIAN, new int[] {271, 2, 4, 0}));
        assertEquals(Orientation.NORMAL, JpegExif.orientation(f));
        assertEquals(reported(f), JpegExif.orientation(f));
    }

    @Test
    void corruptedExifNeverThrowsAndIsLeftToTheReaderWhenItWouldDisagree() throws Exception {
        byte[] good = ImageFixtures.withSegment(plain(),
                exif(ByteOrder.LITTLE_ENDIAN, new int[] {271, 2, 4, 0}, new int[] {274, 3, 1, 6}));
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] f = good.clone();
            for (int k = r.nextInt(4); k >= 0; k--) {
                f[2 + r.nextInt(48)] = (byte) r.nextInt(256); // the EXIF segment: its header, the TIFF header and IFD0
            }
            byte[] cut = r.nextInt(4) == 0 ? Arrays.copyOf(f, r.nextInt(f.length)) : f;
            Orientation o = JpegExif.orientation(cut); // never an exception; when it answers, the reader's answer
            Orientation want;
            try {
                want = reported(cut);
            } catch (java.io.IOException e) {
                continue; // the reader cannot read the header either: the decoding fails whatever the tag says
            }
            if (o != null) {
                StringBuilder d = new StringBuilder();
                for (int j = 0; j < Math.min(cut.length, good.length); j++) {
                    if (cut[j] != good[j]) {
                        d.append(j).append(':').append(good[j] & 0xFF).append("->").append(cut[j] & 0xFF).append(' ');
                    }
                }
                assertEquals(want, o, "mutation " + i + " " + d + " len " + cut.length + "/" + good.length);
            }
        }
    }

    @Test
    void theFirstIfdsTagCountsAndATagOnlyInALaterIfdIsLeftToTheReader() throws Exception {
        byte[] both = ImageFixtures.withSegment(plain(), exifTwoIfds(new int[][] {{274, 3}}, new int[][] {{274, 6}}));
        assertEquals(Orientation.ROTATE_180, JpegExif.orientation(both));
        assertEquals(reported(both), JpegExif.orientation(both));
        byte[] later = ImageFixtures.withSegment(plain(), exifTwoIfds(new int[][] {{271, 1}}, new int[][] {{274, 6}}));
        assertNull(JpegExif.orientation(later), "only the thumbnail's IFD has the tag: the reader's call");
        byte[] none = ImageFixtures.withSegment(plain(), exifTwoIfds(new int[][] {{271, 1}}, new int[][] {{256, 16}}));
        assertNull(JpegExif.orientation(none), "a second IFD the reader would also search");
        byte[] twice = ImageFixtures.withSegment(plain(), exifTwoIfds(new int[][] {{274, 3}, {274, 6}}, new int[][] {}));
        assertNull(JpegExif.orientation(twice), "two orientation entries in the first IFD");
    }

    @Test
    void anythingIrregularOrNotAJpegIsLeftToTheReader() throws Exception {
        byte[] jpeg = plain();
        assertNull(JpegExif.orientation(Arrays.copyOf(jpeg, 40)), "ends before the scan");
        assertNull(JpegExif.orientation(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0}), "a TIFF");
        byte[] bad = jpeg.clone();
        bad[2] = 0x12; // not a marker where one must be
        assertNull(JpegExif.orientation(bad));
        byte[] twice = ImageFixtures.withSegment(ImageFixtures.withSegment(jpeg, ImageFixtures.exifOrientation(6)),
                ImageFixtures.exifOrientation(3));
        assertNull(JpegExif.orientation(twice), "two EXIF segments");
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, exif(ByteOrder.BIG_ENDIAN, new int[] {274, 4, 1, 6}))),
                "a LONG orientation");
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, exif(ByteOrder.BIG_ENDIAN, new int[] {274, 3, 2, 6}))),
                "two values");
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, ImageFixtures.exifOrientation(9))), "value 9");
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, ImageFixtures.exifOrientation(0))), "value 0");
        byte[] seg = ImageFixtures.exifOrientation(6);
        seg[4 + 6 + 7] = 100; // IFD0 offset past the segment
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, seg)), "IFD0 out of bounds");
        byte[] many = ImageFixtures.exifOrientation(6);
        many[4 + 6 + 8] = 0x7F; // an entry count far beyond the segment
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, many)), "entries out of bounds");
        byte[] order = ImageFixtures.exifOrientation(6);
        order[4 + 6] = 'X';
        assertNull(JpegExif.orientation(ImageFixtures.withSegment(jpeg, order)), "no byte order");
    }
}
