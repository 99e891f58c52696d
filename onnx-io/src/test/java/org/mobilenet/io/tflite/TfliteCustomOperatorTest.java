package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;

/**
 * A CUSTOM operator is refused by its name, and a model compiled for the Edge TPU (one
 * {@code edgetpu-custom-op} holding the whole network) is called that, with what to give instead.
 */
class TfliteCustomOperatorTest {
    @TempDir
    Path dir;

    private BadInputException refused(String custom) throws Exception {
        TfliteSubgraphBuilder b = new TfliteSubgraphBuilder();
        int in = b.activation("input", new int[] {1, 8, 8, 3}, null);
        int out = b.activation("out", new int[] {1, 10}, null);
        b.customOp(custom, new int[] {in}, out);
        Path f = dir.resolve(custom + ".tflite");
        Files.write(f, b.build(in, out, "test"));
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not a supported TFLite MobileNet: operator 0 is CUSTOM '"
                + custom + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("malformed"), e.getMessage());
        return e;
    }

    @Test
    void anEdgeTpuModelIsCalledOneAndACustomOperatorIsNamed() throws Exception {
        assertTrue(refused("edgetpu-custom-op").getMessage().contains("compiled for the Edge TPU"));
        assertTrue(refused("TFLite_Detection_PostProcess").getMessage()
                .contains("a custom operator, which a MobileNet import does not support"));
    }
}
