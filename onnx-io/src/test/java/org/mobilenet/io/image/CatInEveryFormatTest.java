package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.tflite.TfliteImporter;

/**
 * cat.bmp saved in the formats people's photos come in classifies as the BMP does with the Coral
 * MobileNet v1 0.5/160: the same top-1 and a score within 0.05.
 */
class CatInEveryFormatTest {
    @TempDir
    static Path tmp;

    private static Model model;
    private static Network net;
    private static BufferedImage cat;

    @BeforeAll
    static void load() throws Exception {
        model = TfliteImporter.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite"));
        net = Network.compile(model);
        cat = ImageIO.read(SharedData.image("cat.bmp").toFile());
    }

    private static float[] classify(RgbImage img) {
        float[] x = new ImagePreprocessor(model.preprocessing(), model.resolution()).apply(img);
        return net.forward(x, 1);
    }

    private static int top(float[] p) {
        int t = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[t]) {
                t = i;
            }
        }
        return t;
    }

    private static Path write(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void everyFormatClassifiesLikeTheBmp() throws Exception {
        float[] bmp = classify(new ImageLoader().load(SharedData.image("cat.bmp")));
        int want = top(bmp);
        assertEquals("Egyptian cat", model.labels().get(want));

        Map<String, Path> files = new LinkedHashMap<>();
        files.put("WebP (lossy)", ImageFixtures.testdata("cat_lossy.webp"));
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        ImageIO.write(cat, "tiff", tiff);
        files.put("TIFF", write("cat.tiff", tiff.toByteArray()));
        files.put("CMYK JPEG", write("cmyk.jpg", ImageFixtures.cmykJpeg(cat, false)));
        files.put("YCCK JPEG", write("ycck.jpg", ImageFixtures.cmykJpeg(cat, true)));
        files.put("16-bit PNG", write("cat16.png", ImageFixtures.png16(cat)));
        files.put("progressive JPEG", write("progressive.jpg", ImageFixtures.jpeg(cat, 0.9f, true)));
        // Stored turned a quarter counter-clockwise, with the tag (6) that tells viewers to turn it back.
        files.put("EXIF-rotated JPEG", write("rotated.jpg", ImageFixtures.withSegment(
                ImageFixtures.jpeg(ImageFormatsTest.stored(cat, 6), 0.9f, false), ImageFixtures.exifOrientation(6))));
        for (Map.Entry<String, Path> e : files.entrySet()) {
            float[] p = classify(new ImageLoader().load(e.getValue()));
            int t = top(p);
            System.out.printf("%s: top-1 %d %s %.4f (BMP %.4f)%n", e.getKey(), t, model.labels().get(t), p[t], bmp[want]);
            assertEquals(want, t, e.getKey() + ": top-1 " + model.labels().get(t));
            assertEquals(bmp[want], p[want], 0.05, e.getKey() + ": score");
        }
        // The same rotated file read as stored (the tag ignored) is the sideways picture.
        RgbImage sideways = new ImageLoader(ImageOptions.defaults().withApplyExif(false)).load(files.get("EXIF-rotated JPEG"));
        assertEquals(cat.getHeight(), sideways.width());
        float[] p = classify(sideways);
        System.out.printf("EXIF-rotated JPEG, tag ignored: top-1 %d %s %.4f%n", top(p), model.labels().get(top(p)), p[top(p)]);
        assertTrue(Math.abs(p[want] - bmp[want]) > 0.05 || top(p) != want, "sideways the scores change");
    }
}
