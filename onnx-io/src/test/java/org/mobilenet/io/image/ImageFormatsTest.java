package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.SharedData;

/** The formats photos come in decode to the pixels of the image they were made from. */
class ImageFormatsTest {
    @TempDir
    Path tmp;

    private static BufferedImage cat;
    private static RgbImage catPixels;

    @BeforeAll
    static void readCat() throws Exception {
        cat = ImageIO.read(SharedData.image("cat.bmp").toFile());
        catPixels = new ImageLoader().load(SharedData.image("cat.bmp"));
    }

    private Path file(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /** Mean absolute difference per channel value, 0..255. */
    static double meanAbsDiff(RgbImage a, RgbImage b) {
        assertEquals(a.width(), b.width(), "width");
        assertEquals(a.height(), b.height(), "height");
        long sum = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            for (int s = 0; s <= 16; s += 8) {
                sum += Math.abs((a.pixels()[i] >> s & 0xFF) - (b.pixels()[i] >> s & 0xFF));
            }
        }
        return sum / (3.0 * a.pixels().length);
    }

    @Test
    void tiffDecodesToTheExactPixels() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(cat, "tiff", b), "a TIFF writer");
        assertArrayEquals(catPixels.pixels(), new ImageLoader().load(file("cat.tiff", b.toByteArray())).pixels());
        byte[] handMade = ImageFixtures.tiff(cat, 0, cat.getWidth(), cat.getHeight());
        assertArrayEquals(catPixels.pixels(), new ImageLoader().load(file("cat2.tif", handMade)).pixels());
    }

    @Test
    void sixteenBitPngDecodesToTheEightBitValues() throws Exception {
        RgbImage img = new ImageLoader().load(file("cat16.png", ImageFixtures.png16(cat)));
        assertArrayEquals(catPixels.pixels(), img.pixels());
    }

    @Test
    void webpFilesDecodeCloseToTheImageTheyWereMadeFrom() throws Exception {
        // cwebp -q 80 (lossy, VP8) of cat.bmp; see testdata/images/README.md.
        RgbImage lossy = new ImageLoader().load(ImageFixtures.testdata("cat_lossy.webp"));
        double d = meanAbsDiff(catPixels, lossy);
        assertTrue(d < 4, "lossy WebP off by " + d + " per channel on average");
        // cwebp -lossless (VP8L) of the 64x48 top-left corner of cat.bmp: exact.
        RgbImage lossless = new ImageLoader().load(ImageFixtures.testdata("cat_corner_lossless.webp"));
        assertEquals(64, lossless.width());
        assertEquals(48, lossless.height());
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(catPixels.pixels()[y * catPixels.width() + x], lossless.pixels()[y * 64 + x], "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void progressiveJpegDecodesAsTheBaselineOne() throws Exception {
        RgbImage baseline = new ImageLoader().load(file("b.jpg", ImageFixtures.jpeg(cat, 0.9f, false)));
        RgbImage progressive = new ImageLoader().load(file("p.jpg", ImageFixtures.jpeg(cat, 0.9f, true)));
        double d = meanAbsDiff(baseline, progressive);
        assertTrue(d < 0.5, "progressive differs from baseline by " + d);
        assertTrue(meanAbsDiff(catPixels, progressive) < 4);
    }

    @Test
    void cmykAndYcckJpegsWithoutProfileConvertAsBrowsersDo() throws Exception {
        // One flat colour: C, M, Y, K = 40, 120, 200, 30 must come out as (255 - C)(255 - K) / 255 each.
        BufferedImage flat = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        int[] cmyk = {40, 120, 200, 30};
        int want = 0;
        for (int c = 0; c < 3; c++) {
            want = want << 8 | Math.round((255 - cmyk[c]) * (255 - cmyk[3]) / 255f);
        }
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                flat.setRGB(x, y, want);
            }
        }
        for (boolean ycck : new boolean[] {false, true}) {
            RgbImage img = new ImageLoader().load(file("flat" + ycck + ".jpg", ImageFixtures.cmykJpeg(flat, ycck)));
            int got = img.pixels()[16 * 32 + 16];
            for (int s = 0; s <= 16; s += 8) {
                assertTrue(Math.abs((got >> s & 0xFF) - (want >> s & 0xFF)) <= 3,
                        (ycck ? "YCCK" : "CMYK") + ": got " + Integer.toHexString(got) + ", want " + Integer.toHexString(want));
            }
        }
        for (boolean ycck : new boolean[] {false, true}) {
            RgbImage img = new ImageLoader().load(file("cat" + ycck + ".jpg", ImageFixtures.cmykJpeg(cat, ycck)));
            double d = meanAbsDiff(catPixels, img);
            assertTrue(d < 5, (ycck ? "YCCK" : "CMYK") + " cat off by " + d);
        }
    }

    /** An upright test image of 3 × 2 blocks of {@code block} pixels, each block its own colour. */
    private static BufferedImage blocks(int block) {
        int[] colors = {0xE02020, 0x20E020, 0x2020E0, 0xE0E020, 0x20E0E0, 0xE020E0};
        BufferedImage img = new BufferedImage(3 * block, 2 * block, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, colors[(y / block) * 3 + x / block]);
            }
        }
        return img;
    }

    /**
     * The image a camera stores for orientation tag {@code tag}, from the upright one, written from the
     * EXIF specification's words: stored row 0 is the visual top (1, 2), bottom (3, 4), left (5, 8) or
     * right (6, 7) side; stored column 0 the visual left (1, 4), right (2, 3), top (5, 6) or bottom (7, 8).
     */
    static BufferedImage stored(BufferedImage upright, int tag) {
        int w = upright.getWidth();
        int h = upright.getHeight();
        boolean swap = tag >= 5;
        BufferedImage s = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int sy = 0; sy < s.getHeight(); sy++) {
            for (int sx = 0; sx < s.getWidth(); sx++) {
                int x;
                int y;
                switch (tag) {
                    case 1 -> { x = sx; y = sy; }
                    case 2 -> { x = w - 1 - sx; y = sy; }
                    case 3 -> { x = w - 1 - sx; y = h - 1 - sy; }
                    case 4 -> { x = sx; y = h - 1 - sy; }
                    case 5 -> { x = sy; y = sx; }
                    case 6 -> { x = w - 1 - sy; y = sx; }
                    case 7 -> { x = w - 1 - sy; y = h - 1 - sx; }
                    case 8 -> { x = sy; y = h - 1 - sx; }
                    default -> throw new IllegalArgumentException("tag " + tag);
                }
                s.setRGB(sx, sy, upright.getRGB(x, y));
            }
        }
        return s;
    }

    @Test
    void tiffOrientationTagsTurnTheImageUpright() throws Exception {
        BufferedImage upright = blocks(1);
        int[] want = upright.getRGB(0, 0, 3, 2, null, 0, 3);
        for (int i = 0; i < want.length; i++) {
            want[i] &= 0xFFFFFF;
        }
        for (int tag = 1; tag <= 8; tag++) {
            BufferedImage s = stored(upright, tag);
            Path f = file("o" + tag + ".tif", ImageFixtures.tiff(s, tag, s.getWidth(), s.getHeight()));
            RgbImage img = new ImageLoader().load(f);
            assertEquals(3, img.width(), "tag " + tag);
            assertArrayEquals(want, img.pixels(), "tag " + tag);
            RgbImage raw = new ImageLoader(ImageOptions.defaults().withApplyExif(false)).load(f);
            assertEquals(s.getWidth(), raw.width(), "tag " + tag + " ignored");
        }
    }

    @Test
    void exifOrientationTagsTurnJpegsUpright() throws Exception {
        int block = 16;
        BufferedImage upright = blocks(block);
        for (int tag = 1; tag <= 8; tag++) {
            BufferedImage s = stored(upright, tag);
            Path f = file("o" + tag + ".jpg", ImageFixtures.withSegment(ImageFixtures.jpeg(s, 1f, false),
                    ImageFixtures.exifOrientation(tag)));
            RgbImage img = new ImageLoader().load(f);
            assertEquals(upright.getWidth(), img.width(), "tag " + tag);
            assertEquals(upright.getHeight(), img.height(), "tag " + tag);
            for (int by = 0; by < 2; by++) {
                for (int bx = 0; bx < 3; bx++) {
                    int x = bx * block + block / 2;
                    int y = by * block + block / 2;
                    int want = upright.getRGB(x, y) & 0xFFFFFF;
                    int got = img.pixels()[y * img.width() + x];
                    for (int sh = 0; sh <= 16; sh += 8) {
                        assertTrue(Math.abs((got >> sh & 0xFF) - (want >> sh & 0xFF)) <= 8, "tag " + tag + " block "
                                + bx + "," + by + ": got " + Integer.toHexString(got) + ", want " + Integer.toHexString(want));
                    }
                }
            }
            RgbImage raw = new ImageLoader(ImageOptions.defaults().withApplyExif(false)).load(f);
            assertEquals(s.getWidth(), raw.width(), "tag " + tag + " ignored: the stored pixels");
            assertEquals(s.getHeight(), raw.height(), "tag " + tag + " ignored: the stored pixels");
        }
    }

    @Test
    void truncatedJpegIsRefusedByDefaultAndKeptWithAWarningWhenAllowed() throws Exception {
        byte[] jpeg = ImageFixtures.jpeg(cat, 0.9f, false);
        Path f = file("cut.jpg", java.util.Arrays.copyOf(jpeg, jpeg.length * 6 / 10));
        BadInputException e = assertThrows(TruncatedImageException.class, () -> new ImageLoader().load(f));
        assertTrue(e.getMessage().startsWith(f + ": truncated or corrupt image ("), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        DecodedImage kept = new ImageLoader(ImageOptions.defaults().withAllowTruncated(true)).decode(f);
        assertEquals(cat.getWidth(), kept.image().width());
        assertTrue(kept.warning().startsWith("truncated or corrupt image"), kept.warning());
        // The decoded top of the picture is the cat's.
        RgbImage whole = new ImageLoader().load(file("whole.jpg", jpeg));
        long diff = 0;
        for (int i = 0; i < cat.getWidth() * 100; i++) {
            diff += Math.abs((whole.pixels()[i] & 0xFF) - (kept.image().pixels()[i] & 0xFF));
        }
        assertEquals(0, diff, "the first 100 rows are decoded as in the whole file");
    }

    @Test
    void bytesAfterTheJpegEndMarkerAreHarmless() throws Exception {
        byte[] jpeg = ImageFixtures.jpeg(cat, 0.9f, false);
        byte[] tail = java.util.Arrays.copyOf(jpeg, jpeg.length + 4096);
        for (int i = jpeg.length; i < tail.length; i++) {
            tail[i] = (byte) (i * 7);
        }
        DecodedImage d = new ImageLoader().decode(file("tail.jpg", tail));
        assertNull(d.warning());
        assertArrayEquals(new ImageLoader().load(file("plain.jpg", jpeg)).pixels(), d.image().pixels());
    }

    @Test
    void truncatedLosslessFilesKeepTheRowsDecodedWhenAllowed() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(cat, "bmp", b);
        Path f = file("cut.bmp", java.util.Arrays.copyOf(b.toByteArray(), b.size() / 2));
        assertThrows(TruncatedImageException.class, () -> new ImageLoader().load(f));
        DecodedImage kept = new ImageLoader(ImageOptions.defaults().withAllowTruncated(true)).decode(f);
        assertTrue(kept.warning().contains("% decoded"), kept.warning());
        // A bottom-up BMP cut in half holds the bottom rows.
        int last = (cat.getHeight() - 1) * cat.getWidth();
        assertEquals(catPixels.pixels()[last + 10], kept.image().pixels()[last + 10]);
    }

    @Test
    void webpAndTiffHeadersClaimingHugeImagesAreRefusedBeforeDecoding() throws Exception {
        byte[] tiff = ImageFixtures.tiff(blocks(1), 0, 100_000, 100_000);
        BadInputException e = assertThrows(BadInputException.class, () -> new ImageLoader().load(file("bomb.tif", tiff)));
        assertTrue(e.getMessage().contains("declares 100000x100000"), e.getMessage());
        // A WebP extended header (VP8X) declaring 16384 x 16384 and nothing else.
        byte[] webp = {'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
            0, 0, 0, 0, (byte) 0xFF, 0x3F, 0, (byte) 0xFF, 0x3F, 0};
        e = assertThrows(BadInputException.class, () -> new ImageLoader().load(file("bomb.webp", webp)));
        assertTrue(e.getMessage().contains("declares 16384x16384"), e.getMessage());
    }
}
