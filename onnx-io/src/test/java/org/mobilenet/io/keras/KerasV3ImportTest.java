package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.json.Json;

/**
 * keras.applications.MobileNetV3's structure (hard-swish and the hard sigmoid written as tf.keras
 * saves them, squeeze-and-excite, the 1x1 convolution head) imports as the engine's v3 layers and
 * computes what Keras's definitions compute ({@link KerasReference}).
 */
class KerasV3ImportTest {
    @TempDir
    Path dir;

    /** A random 32 x 32 RGB image in pixel values 0..255. */
    private static float[] pixels(long seed) {
        float[] pixels = KerasImportTest.randomInput(32, seed);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (pixels[i] + 1) * 127.5f;
        }
        return pixels;
    }

    /** The engine's output for one image of pixels, normalized as the model says. */
    private static float[] engineOnPixels(Model m, float[] pixels) {
        float[] x = new float[pixels.length];
        m.preprocessing().normalize(pixels, 3, x);
        try (Network net = Network.compile(m)) {
            return net.forward(x, 1);
        }
    }

    @Test
    void aKerasMobileNetV3ImportsAsV3LayersAndMatchesKerasForwardPass() throws Exception {
        List<KerasTestModels.Layer> t = KerasTestModels.v3Like(32, 11, false);
        Path f = dir.resolve("v3.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertEquals("v3", m.graph().family());
        List<LayerSpec> ls = m.graph().layers();
        List<LayerKind> kinds = ls.stream().map(LayerSpec::kind).toList();
        assertEquals(List.of(LayerKind.CONV, LayerKind.DEPTHWISE, LayerKind.AVG_POOL, LayerKind.FC, LayerKind.FC,
                LayerKind.SCALE, LayerKind.POINTWISE, LayerKind.ADD, LayerKind.POINTWISE, LayerKind.AVG_POOL,
                LayerKind.FC, LayerKind.FC, LayerKind.SOFTMAX), kinds);
        assertEquals(List.of(Activation.HARD_SWISH, Activation.RELU, Activation.NONE, Activation.RELU,
                Activation.HARD_SIGMOID, Activation.NONE, Activation.NONE, Activation.NONE, Activation.HARD_SWISH,
                Activation.NONE, Activation.HARD_SWISH, Activation.NONE, Activation.NONE),
                ls.stream().map(LayerSpec::activation).toList());
        assertEquals(ls.get(1).name(), ls.get(5).addend()); // the gate scales the depthwise conv's map
        assertEquals(ls.get(0).name(), ls.get(7).addend());
        assertEquals(5, m.classes());
        // The in-model Rescaling: the file takes pixels.
        assertEquals("float32", m.metadata().get(Model.PIXEL_INPUT_KEY));
        float[] pixels = pixels(4);
        float[] ours = engineOnPixels(m, pixels);
        float[] want = KerasReference.forward(t, KerasImportTest.legacy(f, "model_weights/", ":0"), pixels, 32, 32);
        KerasImportTest.assertClose(want, ours, 1e-4);
    }

    @Test
    void aMultiplyThatIsNotHardSwishOrAGateIsRefusedNamingIt() throws Exception {
        // The squeeze-and-excite gate multiplied by the stem's map instead of the one its pooling read.
        BadInputException e = refusedWithInbound(12, "expanded_conv_squeeze_excite_Mul", "multiply_stem",
                "tf.math.multiply_se");
        assertTrue(e.getMessage().contains("expanded_conv_squeeze_excite_Mul"), e.getMessage());
    }

    @Test
    void aKeras3ArchiveOfMobileNetV3ImportsAndMatchesKerasForwardPass() throws Exception {
        // Keras 3 saves x + 3.0 and x * (1 / 6) as operations, and has Activation("hard_swish").
        List<KerasTestModels.Layer> t = KerasTestModels.v3Like(32, 13, true);
        Path f = dir.resolve("v3.keras");
        KerasTestModels.writeArchive(t, f);
        Model m = ModelFiles.load(f);
        assertEquals("v3", m.graph().family());
        assertEquals(Activation.HARD_SWISH, m.graph().layers().get(0).activation());
        assertEquals(LayerKind.SCALE, m.graph().layers().get(5).kind());
        float[] pixels = pixels(5);
        float[] ours = engineOnPixels(m, pixels);
        KerasImportTest.assertClose(KerasReference.forward(t, l -> l.vars().stream().map(KerasTestModels.Var::data).toList(), pixels, 32, 32), ours, 1e-4);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aKeras3ResidualWrittenAsAnAddOperationOfTwoTensorsStaysAResidual() throws Exception {
        // Keras 3 saves x + shortcut (no Add layer) as an operation of two tensors.
        List<KerasTestModels.Layer> t = KerasTestModels.v3Like(32, 14, true);
        Map<String, Object> root = (Map<String, Object>) Json.parse(KerasTestModels.keras3Config(t));
        List<Object> entries = (List<Object>) ((Map<String, Object>) root.get("config")).get("layers");
        for (Object o : entries) {
            Map<String, Object> e = (Map<String, Object>) o;
            if (e.get("name").equals("expanded_conv_Add")) {
                e.put("module", "keras.src.ops.numpy");
                Map<String, Object> node = (Map<String, Object>) ((List<Object>) e.get("inbound_nodes")).get(0);
                node.put("args", ((List<Object>) node.get("args")).get(0)); // [t1, t2], not [[t1, t2]]
            }
        }
        Path f = dir.resolve("ops-add.keras");
        KerasTestModels.writeArchive(t, f, "layers", Json.write(root));
        Model m = ModelFiles.load(f);
        assertEquals(LayerKind.ADD, m.graph().layers().get(7).kind());
    }

    @Test
    void aLayerReadingTheInputOfAHardSwishIsRefusedNamingIt() throws Exception {
        // The residual reads the stem's BatchNorm output, which the hard-swish Multiply folded away.
        BadInputException e = refusedWithInbound(15, "expanded_conv_Add", "Conv_BatchNorm",
                "expanded_conv_project_BatchNorm");
        assertTrue(e.getMessage().contains("reads 'Conv_BatchNorm'"), e.getMessage());
    }

    /** The tf.keras v3 model (weights of {@code seed}) with layer {@code name} reading {@code inbound}, refused. */
    private BadInputException refusedWithInbound(long seed, String name, String... inbound) throws Exception {
        List<KerasTestModels.Layer> t = new java.util.ArrayList<>(KerasTestModels.v3Like(32, seed, false));
        for (int i = 0; i < t.size(); i++) {
            KerasTestModels.Layer l = t.get(i);
            if (l.name().equals(name)) {
                t.set(i, new KerasTestModels.Layer(l.cls(), l.name(), l.config(), l.vars(), List.of(inbound)));
            }
        }
        Path f = dir.resolve("rewired-" + seed + ".h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        return org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> ModelFiles.load(f));
    }
}
