package org.mobilenet.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;

/** An image within the pixel limit that does not fit the JVM's heap fails alone, as bad input, and the next one decodes. */
class OutOfMemoryImageTest {
    @TempDir
    Path tmp;

    /** Run in a JVM with a small heap: decodes each argument and prints one line per file. */
    public static final class Child {
        public static void main(String[] args) {
            ImageLoader loader = new ImageLoader();
            for (String a : args) {
                try {
                    System.out.println("ok " + loader.load(Path.of(a)).width());
                } catch (BadInputException e) {
                    System.out.println("bad " + e.getMessage());
                }
            }
        }
    }

    @Test
    void anImageTooBigForTheHeapIsBadInputAndTheNextOneDecodes() throws Exception {
        Path big = tmp.resolve("big.png"); // 4000 x 4000: 64 MB as packed RGB alone
        BufferedImage img = new BufferedImage(4000, 4000, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4000; y += 7) {
            for (int x = 0; x < 4000; x++) {
                img.getRaster().setSample(x, y, 0, (x * 31 + y) & 0xFF);
            }
        }
        ImageIO.write(img, "png", big.toFile());
        Path small = tmp.resolve("small.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", small.toFile());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                big.toString(), small.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals(2, lines.length, out);
        assertTrue(lines[0].startsWith("bad " + big + ": not enough memory to decode the image"), out);
        assertEquals("ok 8", lines[1].strip(), out);
    }
}
