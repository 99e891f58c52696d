package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

/** Seeded corruptions of valid files: each either still loads or is refused as bad input, never anything else. */
class CorruptedFilesTest {
    @TempDir
    Path dir;

    @Test
    void corruptedOnnxAndSafetensorsFilesLoadOrAreRefusedCleanly() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.25, 32, 4, Variant.SHALLOW, Padding.TF_SAME, true), 1);
        for (String ext : new String[] {"onnx", "safetensors"}) {
            Path good = dir.resolve("good." + ext);
            ModelFiles.save(m, good, ModelFiles.SaveOptions.defaults());
            byte[] bytes = Files.readAllBytes(good);
            SplittableRandom rnd = new SplittableRandom(17);
            for (int i = 0; i < 150; i++) {
                byte[] b = bytes.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    // Headers and graph structure live near the start: aim half of the flips there.
                    int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(b.length, 400)) : rnd.nextInt(b.length);
                    b[at] = (byte) rnd.nextInt(256);
                }
                if (i % 10 == 0) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                Path f = dir.resolve("bad." + ext);
                Files.write(f, b);
                try {
                    ModelFiles.load(f);
                } catch (BadInputException e) {
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                } catch (Exception | Error e) {
                    fail(ext + " corruption " + i + " threw " + e, e);
                }
            }
        }
    }
}
