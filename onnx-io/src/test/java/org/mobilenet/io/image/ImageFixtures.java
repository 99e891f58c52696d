package org.mobilenet.io.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Image files made in code for the decoding tests: JPEGs in the variants cameras and print workflows
 * write (progressive, CMYK and YCCK with an Adobe marker, an EXIF orientation tag), 16-bit PNGs, and
 * uncompressed TIFFs written byte by byte (so that the orientation tag is the test's, not a writer's).
 */
final class ImageFixtures {
    private ImageFixtures() {
    }

    /** Fills the raster's data buffer with random bits (every sample value, alpha included); returns img. */
    static BufferedImage randomBits(BufferedImage img, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        java.awt.image.DataBuffer db = img.getRaster().getDataBuffer();
        if (db instanceof java.awt.image.DataBufferByte b) {
            rnd.nextBytes(b.getData());
        } else if (db instanceof java.awt.image.DataBufferInt i) {
            for (int k = 0; k < i.getData().length; k++) {
                i.getData()[k] = rnd.nextInt();
            }
        } else if (db instanceof java.awt.image.DataBufferUShort s) {
            for (int k = 0; k < s.getData().length; k++) {
                s.getData()[k] = (short) rnd.nextInt();
            }
        }
        return img;
    }

    /** An APP2 "ICC_PROFILE" marker holding {@code chunk}, part {@code seq} of {@code count}. */
    static byte[] iccMarker(byte[] chunk, int seq, int count) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int len = 2 + 12 + 2 + chunk.length;
        b.write(0xFF);
        b.write(0xE2);
        b.write(len >> 8);
        b.write(len);
        b.writeBytes("ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(seq);
        b.write(count);
        b.writeBytes(chunk);
        return b.toByteArray();
    }

    /** The repository's own fixture folder (testdata/images). */
    static Path testdata(String name) {
        return Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize()
                .resolve("testdata").resolve("images").resolve(name);
    }

    /** A JPEG of {@code img} at {@code quality}, progressive or baseline. */
    static byte[] jpeg(BufferedImage img, float quality, boolean progressive) throws IOException {
        return jpeg(new IIOImage(img, null, null), quality, progressive);
    }

    private static byte[] jpeg(IIOImage img, float quality, boolean progressive) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        if (progressive) {
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(b)) {
            w.setOutput(out);
            w.write(null, img, p);
        } finally {
            w.dispose();
        }
        return b.toByteArray();
    }

    /** The JPEG with {@code segment} (a whole marker segment) inserted right after its SOI marker. */
    static byte[] withSegment(byte[] jpeg, byte[] segment) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(jpeg, 0, 2);
        b.writeBytes(segment);
        b.write(jpeg, 2, jpeg.length - 2);
        return b.toByteArray();
    }

    /** An APP1 Exif segment holding only the Orientation tag (274) with {@code value}, big-endian TIFF. */
    static byte[] exifOrientation(int value) {
        ByteBuffer t = ByteBuffer.allocate(8 + 2 + 12 + 4).order(ByteOrder.BIG_ENDIAN);
        t.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // TIFF header, IFD0 at 8
        t.putShort((short) 1); // one entry
        t.putShort((short) 274).putShort((short) 3).putInt(1).putShort((short) value).putShort((short) 0);
        t.putInt(0); // no next IFD
        return exifSegment(t.array());
    }

    /** An APP1 Exif segment around {@code tiff} (a TIFF header and its IFDs). */
    static byte[] exifSegment(byte[] tiff) {
        return segment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff));
    }

    /** An APP14 Adobe segment with {@code transform}: 0 CMYK (or RGB), 1 YCbCr, 2 YCCK. */
    static byte[] adobe(int transform) {
        byte[] d = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        return segment(0xEE, d);
    }

    private static byte[] segment(int marker, byte[] data) {
        int len = data.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (len >> 8), (byte) len}, data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * The CMYK (0..255, 255 = full ink) of each pixel that the plain conversion browsers use,
     * R = (255 − C)(255 − K) / 255, turns back into it: K = 255 − max(R, G, B), C = 255 − 255 R / (255 − K).
     */
    static int[] cmyk(int rgb) {
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        int max = Math.max(r, Math.max(g, b));
        int k = 255 - max;
        if (max == 0) {
            return new int[] {0, 0, 0, 255};
        }
        return new int[] {255 - Math.round(255f * r / max), 255 - Math.round(255f * g / max),
            255 - Math.round(255f * b / max), k};
    }

    /**
     * A CMYK JPEG of {@code img} as Photoshop writes one: four components, an Adobe marker, and
     * either inverted CMYK (transform 0) or YCCK (transform 2: the YCbCr of C, M, Y taken as R, G, B,
     * and inverted K), no ICC profile.
     */
    static byte[] cmykJpeg(BufferedImage img, boolean ycck) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = cmyk(img.getRGB(x, y));
                if (ycck) {
                    px[0] = clamp(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
                    px[1] = clamp(-0.168736 * c[0] - 0.331264 * c[1] + 0.5 * c[2] + 128);
                    px[2] = clamp(0.5 * c[0] - 0.418688 * c[1] - 0.081312 * c[2] + 128);
                    px[3] = 255 - c[3];
                } else {
                    for (int i = 0; i < 4; i++) {
                        px[i] = 255 - c[i];
                    }
                }
                r.setPixel(x, y, px);
            }
        }
        // Written as a raster: no colour conversion, no JFIF marker; the Adobe marker says what it is.
        return withSegment(jpeg(new IIOImage(r, null, null), 0.95f, false), adobe(ycck ? 2 : 0));
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** A 16-bit-per-channel RGB PNG of {@code img} (each 8-bit value v stored as v × 257). */
    static byte[] png16(BufferedImage img) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        ImageTypeSpecifier t = ImageTypeSpecifier.createInterleaved(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), new int[] {0, 1, 2},
                DataBuffer.TYPE_USHORT, false, false);
        BufferedImage out = t.createBufferedImage(w, h);
        WritableRaster r = out.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                r.setPixel(x, y, new int[] {(p >> 16 & 0xFF) * 257, (p >> 8 & 0xFF) * 257, (p & 0xFF) * 257});
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (!ImageIO.write(out, "png", b)) {
            throw new IOException("no PNG writer for 16-bit RGB");
        }
        return b.toByteArray();
    }

    /**
     * An uncompressed 8-bit RGB TIFF (little-endian, one strip) of {@code img}, with the Orientation
     * tag {@code orientation} (0: no tag) and the dimensions {@code declaredW × declaredH} in its header
     * (the real ones unless a test lies).
     */
    static byte[] tiff(BufferedImage img, int orientation, int declaredW, int declaredH) {
        int w = img.getWidth();
        int h = img.getHeight();
        int entries = orientation > 0 ? 10 : 9;
        int ifd = 8;
        int bps = ifd + 2 + entries * 12 + 4; // three SHORTs of BitsPerSample
        int strip = bps + 6;
        ByteBuffer t = ByteBuffer.allocate(strip + w * h * 3).order(ByteOrder.LITTLE_ENDIAN);
        t.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        t.putShort((short) entries);
        entry(t, 256, 4, 1, declaredW); // ImageWidth
        entry(t, 257, 4, 1, declaredH); // ImageLength
        entry(t, 258, 3, 3, bps); // BitsPerSample -> 8, 8, 8
        entry(t, 259, 3, 1, 1); // Compression: none
        entry(t, 262, 3, 1, 2); // PhotometricInterpretation: RGB
        entry(t, 273, 4, 1, strip); // StripOffsets
        if (orientation > 0) {
            entry(t, 274, 3, 1, orientation); // Orientation
        }
        entry(t, 277, 3, 1, 3); // SamplesPerPixel
        entry(t, 278, 4, 1, h); // RowsPerStrip
        entry(t, 279, 4, 1, w * h * 3); // StripByteCounts
        t.putInt(0);
        t.putShort((short) 8).putShort((short) 8).putShort((short) 8);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                t.put((byte) (p >> 16)).put((byte) (p >> 8)).put((byte) p);
            }
        }
        return t.array();
    }

    /** One IFD entry; a SHORT value sits in the first two bytes of the value field. */
    private static void entry(ByteBuffer t, int tag, int type, int count, int value) {
        t.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            t.putShort((short) value).putShort((short) 0);
        } else {
            t.putInt(value);
        }
    }

    /** What the loader must give: a gray image's samples as (v, v, v) in 8 bits, else getRGB's RGB bits. */
    static int[] expectedRgb(BufferedImage img) {
        if (img.getColorModel().getColorSpace().getType() != java.awt.color.ColorSpace.TYPE_GRAY
                || img.getColorModel() instanceof java.awt.image.IndexColorModel) {
            int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
            for (int i = 0; i < px.length; i++) {
                px[i] &= 0xFFFFFF;
            }
            return px;
        }
        int bits = img.getColorModel().getComponentSize(0);
        int[] px = new int[img.getWidth() * img.getHeight()];
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = img.getRaster().getSample(x, y, 0);
                int g = (int) Math.round(v * 255.0 / ((1 << bits) - 1));
                px[y * img.getWidth() + x] = g << 16 | g << 8 | g;
            }
        }
        return px;
    }
}
