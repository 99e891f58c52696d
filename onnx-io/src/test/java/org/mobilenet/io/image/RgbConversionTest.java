package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.SharedData;

/**
 * The direct raster-to-RGB conversion gives exactly what {@code getRGB} gives, on every image type but
 * gray ones, whose samples are the display values themselves (getRGB would take them for linear light).
 */
class RgbConversionTest {
    @TempDir
    Path tmp;

    /** What the loader returned before the fast paths: getRGB without the alpha bits. */
    private static int[] viaGetRgb(BufferedImage img) {
        int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        for (int i = 0; i < px.length; i++) {
            px[i] &= 0xFFFFFF;
        }
        return px;
    }

    private static int[] expected(BufferedImage img) {
        return ImageFixtures.expectedRgb(img);
    }

    @Test
    void everyBufferedImageTypeConvertsAsGetRgbDoes() {
        Set<Integer> direct = Set.of(BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_BYTE_INDEXED);
        for (int type = BufferedImage.TYPE_INT_RGB; type <= BufferedImage.TYPE_BYTE_INDEXED; type++) {
            BufferedImage img = ImageFixtures.randomBits(new BufferedImage(37, 23, type), type);
            int[] fast = ImageLoader.direct(img);
            if (direct.contains(type)) {
                assertNotNull(fast, "type " + type + " should take the direct path");
            }
            assertArrayEquals(expected(img), ImageLoader.toRgb(img).pixels(), "type " + type);
        }
    }

    @Test
    void subimagesAndOtherColourSpacesAreHandledOrLeftToGetRgb() {
        BufferedImage big = ImageFixtures.randomBits(new BufferedImage(50, 40, BufferedImage.TYPE_3BYTE_BGR), 3);
        BufferedImage sub = big.getSubimage(7, 5, 20, 30);
        assertArrayEquals(viaGetRgb(sub), ImageLoader.toRgb(sub).pixels());
        BufferedImage ints = ImageFixtures.randomBits(new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB), 4).getSubimage(3, 9, 31, 17);
        assertArrayEquals(viaGetRgb(ints), ImageLoader.toRgb(ints).pixels());

        // Linear RGB bytes: getRGB converts to sRGB, so the direct path must not apply.
        ColorModel linear = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB), false, false,
                ColorModel.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster r = linear.createCompatibleWritableRaster(16, 9);
        BufferedImage lin = ImageFixtures.randomBits(new BufferedImage(linear, r, false, null), 5);
        assertNull(ImageLoader.direct(lin));
        assertArrayEquals(viaGetRgb(lin), ImageLoader.toRgb(lin).pixels());

        // Premultiplied alpha: getRGB divides by alpha.
        BufferedImage pre = ImageFixtures.randomBits(new BufferedImage(16, 9, BufferedImage.TYPE_4BYTE_ABGR_PRE), 6);
        assertNull(ImageLoader.direct(pre));
        assertArrayEquals(viaGetRgb(pre), ImageLoader.toRgb(pre).pixels());
    }

    @Test
    void sharedPhotosDecodeToTheSamePixelsAsImageIoAndGetRgb() throws Exception {
        for (String name : new String[] {"cat.bmp", "bird.bmp", "grace_hopper.bmp", "parrot.jpg"}) {
            Path f = SharedData.image(name);
            BufferedImage ref = ImageIO.read(f.toFile());
            assertNotNull(ImageLoader.direct(ref), name + " should take the direct path");
            RgbImage img = new ImageLoader().load(f);
            assertEquals(ref.getWidth(), img.width());
            assertArrayEquals(viaGetRgb(ref), img.pixels(), name);
        }
    }

    @Test
    void writtenFilesOfEachFormatDecodeAsImageIoReadsThem() throws Exception {
        int n = 0;
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_BYTE_INDEXED,
                BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_4BYTE_ABGR}) {
            BufferedImage src = ImageFixtures.randomBits(new BufferedImage(29, 17, type), 10 + type);
            for (String fmt : new String[] {"png", "bmp", "gif", "jpeg"}) {
                File f = tmp.resolve("img" + n++ + "." + fmt).toFile();
                if (!ImageIO.write(src, fmt, f)) {
                    continue; // that writer does not take this type
                }
                BufferedImage ref = ImageIO.read(f);
                assertArrayEquals(expected(ref), new ImageLoader().load(f.toPath()).pixels(), fmt + " of type " + type);
            }
        }
        assertEquals(true, Files.list(tmp).count() > 10);
    }

    @Test
    void signedSixteenBitGraySamplesRunFromBlackToWhite() {
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                ColorModel.OPAQUE, DataBuffer.TYPE_SHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
        r.setSample(0, 0, 0, -32768);
        r.setSample(1, 0, 0, 0);
        r.setSample(2, 0, 0, 32767);
        int[] px = ImageLoader.toRgb(new BufferedImage(cm, r, false, null)).pixels();
        assertArrayEquals(new int[] {0, 128 * 0x010101, 255 * 0x010101}, px);
    }

    @Test
    void aGrayPictureGivesTheSamePixelsAsAPngJpegTiffOr16BitPngAsAsAPaletteBmp() throws Exception {
        // The BMP stores the grays as palette colours (sRGB): the reference for what a gray file means.
        BufferedImage gray = ImageFixtures.randomBits(new BufferedImage(31, 19, BufferedImage.TYPE_BYTE_GRAY), 77);
        File bmp = tmp.resolve("g.bmp").toFile();
        File png = tmp.resolve("g.png").toFile();
        File tif = tmp.resolve("g.tif").toFile();
        assertEquals(true, ImageIO.write(gray, "bmp", bmp));
        assertEquals(true, ImageIO.write(gray, "png", png));
        assertEquals(true, ImageIO.write(gray, "tiff", tif));
        int[] want = new ImageLoader().load(bmp.toPath()).pixels();
        for (int i = 0; i < want.length; i++) {
            int v = gray.getRaster().getSample(i % 31, i / 31, 0);
            assertEquals(v * 0x010101, want[i], "the palette BMP holds the grays themselves");
        }
        assertArrayEquals(want, new ImageLoader().load(png.toPath()).pixels(), "8-bit gray PNG");
        assertArrayEquals(want, new ImageLoader().load(tif.toPath()).pixels(), "8-bit gray TIFF");
        BufferedImage wide = new BufferedImage(31, 19, BufferedImage.TYPE_USHORT_GRAY);
        for (int i = 0; i < 31 * 19; i++) {
            wide.getRaster().setSample(i % 31, i / 31, 0, gray.getRaster().getSample(i % 31, i / 31, 0) * 257);
        }
        File png16 = tmp.resolve("g16.png").toFile();
        assertEquals(true, ImageIO.write(wide, "png", png16));
        assertArrayEquals(want, new ImageLoader().load(png16.toPath()).pixels(), "16-bit gray PNG");
        // A gray JPEG: lossy, so against its own decoded samples, and as bright as the source on average.
        File jpg = tmp.resolve("g.jpg").toFile();
        assertEquals(true, ImageIO.write(gray, "jpeg", jpg));
        int[] got = new ImageLoader().load(jpg.toPath()).pixels();
        BufferedImage raw = ImageIO.read(jpg);
        double mean = 0;
        double wantMean = 0;
        for (int i = 0; i < got.length; i++) {
            int v = raw.getRaster().getSample(i % 31, i / 31, 0);
            assertEquals(v * 0x010101, got[i], "gray JPEG pixel " + i);
            mean += got[i] & 0xFF;
            wantMean += want[i] & 0xFF;
        }
        assertEquals(wantMean / got.length, mean / got.length, 8, "the JPEG's mean brightness");
    }
}
