package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.SharedData;

/** JPEGs with ICC profiles decode to exactly what ImageIO gives, through the cached transform or not. */
class JpegIccTest {
    @TempDir
    Path tmp;

    /** The file's segments up to the first scan, and the rest. */
    private static List<byte[]> segments(byte[] f) {
        List<byte[]> out = new ArrayList<>();
        int pos = 2;
        while ((f[pos + 1] & 0xFF) != 0xDA) {
            int len = ((f[pos + 2] & 0xFF) << 8) | (f[pos + 3] & 0xFF);
            out.add(Arrays.copyOfRange(f, pos, pos + 2 + len));
            pos += 2 + len;
        }
        out.add(Arrays.copyOfRange(f, pos, f.length));
        return out;
    }

    private static boolean isIcc(byte[] seg) {
        return (seg[1] & 0xFF) == 0xE2 && new String(seg, 4, 11, StandardCharsets.US_ASCII).equals("ICC_PROFILE");
    }

    /** The JPEG with its ICC markers replaced by {@code markers}, put after the first segment. */
    private static byte[] withMarkers(byte[] jpeg, List<byte[]> markers) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xFF);
        b.write(0xD8);
        List<byte[]> segs = segments(jpeg);
        b.writeBytes(segs.get(0));
        markers.forEach(b::writeBytes);
        for (byte[] s : segs.subList(1, segs.size())) {
            if (!isIcc(s)) {
                b.writeBytes(s);
            }
        }
        return b.toByteArray();
    }

    /** The profile in {@code parts} markers numbered from {@code first}. */
    private static List<byte[]> chunked(byte[] profile, int parts, int first) {
        List<byte[]> out = new ArrayList<>();
        int size = (profile.length + parts - 1) / parts;
        for (int i = 0; i < parts; i++) {
            out.add(ImageFixtures.iccMarker(Arrays.copyOfRange(profile, i * size, Math.min(profile.length, (i + 1) * size)), first + i, parts));
        }
        return out;
    }

    /** ImageLoader gives what ImageIO.read gives (getRGB without alpha), or both refuse the file. */
    private void sameAsImageIo(String name, byte[] jpeg) throws Exception {
        Path f = tmp.resolve(name + ".jpg");
        Files.write(f, jpeg);
        BufferedImage ref;
        try {
            ref = ImageIO.read(new ByteArrayInputStream(jpeg));
        } catch (Exception e) {
            assertThrows(BadInputException.class, () -> new ImageLoader().load(f), name + ": ImageIO refused it: " + e);
            return;
        }
        assertArrayEquals(ImageFixtures.expectedRgb(ref), new ImageLoader().load(f).pixels(), name);
    }

    private static byte[] profile(int space) {
        return ICC_Profile.getInstance(space).getData();
    }

    @Test
    void photosWithProfilesTakeTheCachedTransformAndKeepTheirPixels() throws Exception {
        byte[] parrot = Files.readAllBytes(SharedData.image("parrot.jpg"));
        JpegIcc.Split split = JpegIcc.split(parrot);
        assertNotNull(split, "parrot.jpg carries an sRGB profile");
        assertTrue(JpegIcc.transform(split.profile()) != JpegIcc.Transform.UNUSABLE);
        for (int run = 0; run < 2; run++) { // the second time through the cached transform
            sameAsImageIo("parrot", parrot);
        }
        // A profile whose conversion is not the identity, whole and in three markers.
        byte[] linear = profile(ColorSpace.CS_LINEAR_RGB);
        byte[] withLinear = withMarkers(parrot, List.of(ImageFixtures.iccMarker(linear, 1, 1)));
        assertNotNull(JpegIcc.split(withLinear));
        sameAsImageIo("linear", withLinear);
        byte[] inThree = withMarkers(parrot, chunked(linear, 3, 1));
        assertArrayEquals(linear, JpegIcc.split(inThree).profile());
        sameAsImageIo("linear-in-three", inThree);
        // The camera's profile back after the linear one (another cache entry).
        sameAsImageIo("parrot-again", parrot);
    }

    @Test
    void anythingButThePlainCaseIsLeftToImageIo() throws Exception {
        byte[] parrot = Files.readAllBytes(SharedData.image("parrot.jpg"));
        byte[] srgb = JpegIcc.split(parrot).profile();
        List<byte[]> three = chunked(srgb, 3, 1);
        byte[][] cases = {
            withMarkers(parrot, chunked(srgb, 3, 0)), // numbered from 0 (ImageIO tolerates it)
            withMarkers(parrot, List.of(three.get(0), three.get(2))), // one missing
            withMarkers(parrot, List.of(three.get(0), three.get(1), three.get(1), three.get(2))), // one twice
            withMarkers(parrot, List.of(ImageFixtures.iccMarker(srgb, 1, 2))), // counts disagree with what is there
            withMarkers(parrot, List.of(ImageFixtures.iccMarker(new byte[0], 1, 1))), // empty
        };
        for (int i = 0; i < cases.length; i++) {
            assertNull(JpegIcc.split(cases[i]), "case " + i);
            sameAsImageIo("case" + i, cases[i]);
        }
        // Profiles ImageIO ignores or cannot use: garbage, gray, and (for a gray JPEG) any.
        byte[] garbage = new byte[600];
        new Random(3).nextBytes(garbage);
        sameAsImageIo("garbage", withMarkers(parrot, List.of(ImageFixtures.iccMarker(garbage, 1, 1))));
        sameAsImageIo("gray-profile", withMarkers(parrot, List.of(ImageFixtures.iccMarker(profile(ColorSpace.CS_GRAY), 1, 1))));
        BufferedImage gray = new BufferedImage(33, 21, BufferedImage.TYPE_BYTE_GRAY);
        new Random(4).nextBytes(((java.awt.image.DataBufferByte) gray.getRaster().getDataBuffer()).getData());
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        ImageIO.write(gray, "jpeg", g);
        byte[] grayJpeg = withMarkers(g.toByteArray(), List.of(ImageFixtures.iccMarker(profile(ColorSpace.CS_GRAY), 1, 1)));
        assertNull(JpegIcc.split(grayJpeg), "one component: not the plain case");
        sameAsImageIo("gray-jpeg", grayJpeg);
    }

    @Test
    void aSmallWrittenJpegWithAProfileMatchesToo() throws Exception {
        BufferedImage img = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(5);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                img.setRGB(x, y, rnd.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        byte[] jpeg = withMarkers(out.toByteArray(), List.of(ImageFixtures.iccMarker(profile(ColorSpace.CS_LINEAR_RGB), 1, 1)));
        assertNotNull(JpegIcc.split(jpeg));
        sameAsImageIo("small", jpeg);
    }
}
