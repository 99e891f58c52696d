package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;

/**
 * The photos people have, through {@code classify}: EXIF-rotated JPEGs turned upright (or not, with
 * --ignore-exif), truncated JPEGs reported (or kept with --allow-truncated), harmless trailing bytes
 * accepted, and the files a folder scan skips reported on stderr without failing the command.
 */
class ClassifyImagesTest {
    @TempDir
    static Path tmp;

    private static Path cat;
    private static byte[] catJpeg;

    @BeforeAll
    static void fixtures() throws Exception {
        cat = CliRun.shared().resolve("images/cat.bmp");
        assertTrue(Files.isRegularFile(cat), "shared data missing: " + cat);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(ImageIO.read(cat.toFile()), "jpeg", b);
        catJpeg = b.toByteArray();
    }

    private static String model() {
        return CliRun.shared().resolve("models/mobilenet_v1_0.5_160_quant.tflite").toString();
    }

    private static Path write(Path dir, String name, byte[] bytes) throws Exception {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /** The image a camera stores with orientation tag 6: turned a quarter counter-clockwise. */
    private static BufferedImage storedForTag6(BufferedImage upright) {
        int w = upright.getWidth();
        BufferedImage s = new BufferedImage(upright.getHeight(), w, BufferedImage.TYPE_INT_RGB);
        for (int sy = 0; sy < s.getHeight(); sy++) {
            for (int sx = 0; sx < s.getWidth(); sx++) {
                // Stored row 0 is the visual right side, stored column 0 the visual top.
                s.setRGB(sx, sy, upright.getRGB(w - 1 - sy, sx));
            }
        }
        return s;
    }

    /** A JPEG with an APP1 Exif segment holding Orientation = {@code tag}, right after SOI. */
    private static byte[] withExifOrientation(byte[] jpeg, int tag) {
        ByteBuffer t = ByteBuffer.allocate(26);
        t.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8).putShort((short) 1);
        t.putShort((short) 274).putShort((short) 3).putInt(1).putShort((short) tag).putShort((short) 0).putInt(0);
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int len = 2 + exif.length + t.capacity();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(jpeg, 0, 2);
        b.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len});
        b.writeBytes(exif);
        b.writeBytes(t.array());
        b.write(jpeg, 2, jpeg.length - 2);
        return b.toByteArray();
    }

    private static JsonObject first(CliRun r) {
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        return all.get(0).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
    }

    @Test
    void exifRotatedPhotoClassifiesLikeTheUprightOneAndSidewaysWithIgnoreExif() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(storedForTag6(ImageIO.read(cat.toFile())), "jpeg", b);
        Path rotated = write(tmp.resolve("exif"), "rotated.jpg", withExifOrientation(b.toByteArray(), 6));

        JsonObject upright = first(CliRun.of("classify", "-m", model(), "--format", "json", cat.toString()));
        CliRun r = CliRun.of("classify", "-m", model(), "--format", "json", rotated.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject turned = first(r);
        assertEquals(upright.get("index").getAsInt(), turned.get("index").getAsInt(), turned.toString());
        assertEquals(upright.get("score").getAsDouble(), turned.get("score").getAsDouble(), 0.05);
        // ONNX Runtime gets the same decoded (turned) pixels.
        JsonObject ort = first(CliRun.of("classify", "-m", model(), "--engine", "ort", "--format", "json", rotated.toString()));
        assertEquals(turned.get("index").getAsInt(), ort.get("index").getAsInt());
        assertEquals(turned.get("score").getAsDouble(), ort.get("score").getAsDouble(), 1e-4);

        CliRun asStored = CliRun.of("classify", "-m", model(), "--format", "json", "--ignore-exif", rotated.toString());
        assertEquals(0, asStored.code(), asStored.err());
        JsonObject sideways = first(asStored);
        assertTrue(sideways.get("index").getAsInt() != upright.get("index").getAsInt()
                || Math.abs(sideways.get("score").getAsDouble() - upright.get("score").getAsDouble()) > 0.05,
                "read sideways: " + sideways);
    }

    @Test
    void shrinkCalibrationReadsImagesUprightUnlessIgnoreExif() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(storedForTag6(ImageIO.read(cat.toFile())), "jpeg", b);
        Path dir = tmp.resolve("calibration");
        write(dir, "rotated.jpg", withExifOrientation(b.toByteArray(), 6));
        Model m = ModelFiles.load(CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite"));
        Map<String, float[]> upright = ShrinkEvaluation.channelMeans(m, dir, false);
        Map<String, float[]> stored = ShrinkEvaluation.channelMeans(m, dir, true);
        assertEquals(upright.keySet(), stored.keySet());
        boolean differ = false;
        for (String layer : upright.keySet()) {
            differ |= !Arrays.equals(upright.get(layer), stored.get(layer));
        }
        assertTrue(differ, "the turned and the stored picture give other activations");
    }

    @Test
    void truncatedJpegIsAnErrorForThatFileAndTheOthersAreStillClassified() throws Exception {
        Path dir = tmp.resolve("cut");
        Path cut = write(dir, "b_cut.jpg", Arrays.copyOf(catJpeg, catJpeg.length * 6 / 10));
        Files.copy(cat, dir.resolve("a_cat.bmp"));
        write(dir, "c_cat.jpg", catJpeg);

        CliRun r = CliRun.of("classify", "-m", model(), "--format", "json", dir.toString());
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.err());
        String[] err = r.err().strip().split("\n");
        assertEquals(1, err.length, r.err());
        assertTrue(err[0].startsWith("mobilenet classify: " + cut + ": truncated or corrupt image ("), err[0]);
        assertTrue(err[0].endsWith("; --allow-truncated classifies what was decoded"), err[0]);
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(2, all.size(), "the two sound images are classified");

        for (String threads : new String[] {"1", "2"}) {
            CliRun kept = CliRun.of("classify", "-m", model(), "--format", "json", "--allow-truncated", "--threads", threads,
                    dir.toString());
            assertEquals(0, kept.code(), kept.err());
            String[] warn = kept.err().strip().split("\n");
            assertEquals(1, warn.length, kept.err());
            assertTrue(warn[0].startsWith("mobilenet classify: warning: " + cut + ": truncated or corrupt image"), warn[0]);
            JsonArray three = JsonParser.parseString(kept.out()).getAsJsonArray();
            assertEquals(3, three.size());
            assertEquals(cut.toString(), three.get(1).getAsJsonObject().get("path").getAsString());
            assertTrue(three.get(1).getAsJsonObject().get("warning").getAsString().startsWith("truncated or corrupt image"));
            assertFalse(three.get(0).getAsJsonObject().has("warning"));
        }
    }

    @Test
    void bytesAfterTheEndMarkerAreNotAnError() throws Exception {
        byte[] tail = Arrays.copyOf(catJpeg, catJpeg.length + 2048);
        Arrays.fill(tail, catJpeg.length, tail.length, (byte) 0x5A);
        Path f = write(tmp.resolve("tail"), "phone.jpg", tail);
        CliRun r = CliRun.of("classify", "-m", model(), "--format", "json", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void skippedFilesOfAFolderAreReportedOnStderrAndAreNotAnError() throws Exception {
        Path dir = tmp.resolve("folder");
        Files.createDirectories(dir.resolve("sub"));
        Files.copy(cat, dir.resolve("cat.bmp"));
        Files.writeString(dir.resolve("notes.txt"), "a shopping list");
        Files.writeString(dir.resolve("sub/zz.md"), "# readme");
        for (String threads : new String[] {"1", "2"}) {
            CliRun r = CliRun.of("classify", "-m", model(), "--format", "jsonl", "--threads", threads, dir.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(1, r.out().strip().split("\n").length, r.out());
            assertEquals("mobilenet classify: skipped " + dir.resolve("notes.txt")
                    + ": not an image file name (.jpg .jpeg .jpe .jfif .mpo .png .bmp .dib .gif .webp .tif .tiff)\n"
                    + "mobilenet classify: skipped " + dir.resolve("sub/zz.md")
                    + ": not an image file name (.jpg .jpeg .jpe .jfif .mpo .png .bmp .dib .gif .webp .tif .tiff)\n", r.err());
        }
        CliRun quiet = CliRun.of("classify", "-m", model(), "--quiet", dir.toString());
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("mobilenet classify: skipped 2 files that are not images (without --quiet each is listed)\n", quiet.err());
        assertFalse(quiet.out().contains("notes.txt"));
    }

    @Test
    void webpAndTiffFilesInAFolderAreClassified() throws Exception {
        Path dir = tmp.resolve("formats");
        Files.createDirectories(dir);
        Files.copy(CliRun.root().resolve("testdata/images/cat_lossy.webp"), dir.resolve("cat.webp"));
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        ImageIO.write(ImageIO.read(cat.toFile()), "tiff", tiff);
        write(dir, "cat.tif", tiff.toByteArray());
        CliRun r = CliRun.of("classify", "-m", model(), "--format", "json", "-k", "1", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(2, all.size());
        for (int i = 0; i < 2; i++) {
            assertEquals("Egyptian cat", all.get(i).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject()
                    .get("label").getAsString(), all.get(i).toString());
        }
    }
}
