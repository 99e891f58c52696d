package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.keras.KerasTestModels.Layer;

/**
 * A Keras model with a Rescaling layer takes the pixels and preprocesses them itself: the import says so
 * ({@link Model#PIXEL_INPUT_KEY}) and says how its input comes from an image's pixels, as they are or,
 * for a rescale of [0, 1] (TF Hub's x * 2 - 1), divided by 255.
 */
class KerasRescalingTest {
    @TempDir
    Path dir;

    private Model withRescaling(double scale, double offset, String name) throws Exception {
        List<Layer> layers = new ArrayList<>(KerasTestModels.tutorial(0.25, 32, 3, 21, false));
        layers.add(1, new Layer("Rescaling", "rescaling", new LinkedHashMap<>(Map.of("scale", scale, "offset", offset)),
                List.of()));
        Path f = dir.resolve(name);
        KerasTestModels.writeLegacy(layers, f, true, false);
        return ModelFiles.load(f);
    }

    @Test
    void aRescalingOfPixelsTakesThePixelsAsTheyAre() throws Exception {
        Model m = withRescaling(1 / 127.5, -1, "pixels.h5");
        assertEquals("float32", m.metadata().get(Model.PIXEL_INPUT_KEY));
        assertFalse(m.metadata().containsKey(Model.FILE_INPUT_STD_KEY));
        // Composed in double: exactly keras.applications' 127.5, not 1 / (float) (1 / 127.5).
        assertArrayEquals(new float[] {127.5f, 127.5f, 127.5f}, m.preprocessing().mean(), 0f);
        assertArrayEquals(new float[] {127.5f, 127.5f, 127.5f}, m.preprocessing().std(), 0f);
        float[] pixels = {0, 51, 255};
        float[] x = new float[3];
        m.networkInput(pixels, x);
        assertArrayEquals(new float[] {-1, 51 / 127.5f - 1, 1}, x, 1e-6f);
    }

    @Test
    void aRescalingOfZeroToOneTakesThePixelsOver255() throws Exception {
        Model m = withRescaling(2, -1, "unit.h5");
        assertEquals("float32", m.metadata().get(Model.PIXEL_INPUT_KEY));
        assertArrayEquals(new float[] {0, 0, 0}, m.fileInputNormalization().mean(), 0f);
        assertArrayEquals(new float[] {255, 255, 255}, m.fileInputNormalization().std(), 0f);
        // An image's pixels: the same [-1, 1] as the file computes from pixels / 255.
        assertArrayEquals(new float[] {127.5f, 127.5f, 127.5f}, m.preprocessing().mean(), 1e-3f);
        assertArrayEquals(new float[] {127.5f, 127.5f, 127.5f}, m.preprocessing().std(), 1e-3f);
        float[] x = new float[3];
        m.networkInput(new float[] {0, 0.2f, 1}, x);
        assertArrayEquals(new float[] {-1, -0.6f, 1}, x, 1e-6f);
    }
}
