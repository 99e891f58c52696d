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
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.WritableRaster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.SharedData;

/** The direct raster-to-RGB conversion gives exactly what {@code getRGB} gives, on every image type. */
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

    /** Fills the raster's data buffer with random bits (every sample value, alpha included). */
    private static BufferedImage random(BufferedImage img, long seed) {
        Random rnd = new Random(seed);
        DataBuffer db = img.getRaster().getDataBuffer();
        if (db instanceof DataBufferByte b) {
            rnd.nextBytes(b.getData());
        } else if (db instanceof DataBufferInt i) {
            for (int k = 0; k < i.getData().length; k++) {
                i.getData()[k] = rnd.nextInt();
            }
        } else if (db instanceof DataBufferUShort s) {
            for (int k = 0; k < s.getData().length; k++) {
                s.getData()[k] = (short) rnd.nextInt();
            }
        }
        return img;
    }

    @Test
    void everyBufferedImageTypeConvertsAsGetRgbDoes() {
        Set<Integer> direct = Set.of(BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_BYTE_INDEXED);
        for (int type = BufferedImage.TYPE_INT_RGB; type <= BufferedImage.TYPE_BYTE_INDEXED; type++) {
            BufferedImage img = random(new BufferedImage(37, 23, type), type);
            int[] fast = ImageLoader.direct(img);
            if (direct.contains(type)) {
                assertNotNull(fast, "type " + type + " should take the direct path");
            }
            assertArrayEquals(viaGetRgb(img), ImageLoader.toRgb(img).pixels(), "type " + type);
        }
    }

    @Test
    void subimagesAndOtherColourSpacesAreHandledOrLeftToGetRgb() {
        BufferedImage big = random(new BufferedImage(50, 40, BufferedImage.TYPE_3BYTE_BGR), 3);
        BufferedImage sub = big.getSubimage(7, 5, 20, 30);
        assertArrayEquals(viaGetRgb(sub), ImageLoader.toRgb(sub).pixels());
        BufferedImage ints = random(new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB), 4).getSubimage(3, 9, 31, 17);
        assertArrayEquals(viaGetRgb(ints), ImageLoader.toRgb(ints).pixels());

        // Linear RGB bytes: getRGB converts to sRGB, so the direct path must not apply.
        ColorModel linear = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB), false, false,
                ColorModel.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster r = linear.createCompatibleWritableRaster(16, 9);
        BufferedImage lin = random(new BufferedImage(linear, r, false, null), 5);
        assertNull(ImageLoader.direct(lin));
        assertArrayEquals(viaGetRgb(lin), ImageLoader.toRgb(lin).pixels());

        // Premultiplied alpha: getRGB divides by alpha.
        BufferedImage pre = random(new BufferedImage(16, 9, BufferedImage.TYPE_4BYTE_ABGR_PRE), 6);
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
            BufferedImage src = random(new BufferedImage(29, 17, type), 10 + type);
            for (String fmt : new String[] {"png", "bmp", "gif", "jpeg"}) {
                File f = tmp.resolve("img" + n++ + "." + fmt).toFile();
                if (!ImageIO.write(src, fmt, f)) {
                    continue; // that writer does not take this type
                }
                BufferedImage ref = ImageIO.read(f);
                assertArrayEquals(viaGetRgb(ref), new ImageLoader().load(f.toPath()).pixels(), fmt + " of type " + type);
            }
        }
        assertEquals(true, Files.list(tmp).count() > 10);
    }
}
