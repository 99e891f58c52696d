package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;

/**
 * A head as transfer-learning scripts write it on a keras.applications body: GlobalAveragePooling2D,
 * Reshape((1, 1, -1)) (Keras infers the -1), a 1x1 Conv2D with softmax, Reshape((classes,)).
 */
class KerasReshapeHeadTest {
    @TempDir
    Path dir;

    @Test
    void aReshapeWithAnInferredDimensionAfterPoolingIsTheIdentity() throws Exception {
        List<KerasTestModels.Layer> t = new ArrayList<>(KerasTestModels.tutorial(0.25, 64, 3, 8, false));
        KerasTestModels.Layer dense = t.remove(t.size() - 1);
        int c = dense.vars().get(0).shape()[0];
        Map<String, Object> toMap = new LinkedHashMap<>(Map.of("target_shape", List.of(1L, 1L, -1L)));
        t.add(new KerasTestModels.Layer("Reshape", "reshape", toMap, List.of()));
        Map<String, Object> conv = new LinkedHashMap<>();
        conv.put("filters", 4L);
        conv.put("kernel_size", List.of(1L, 1L));
        conv.put("strides", List.of(1L, 1L));
        conv.put("padding", "same");
        conv.put("data_format", "channels_last");
        conv.put("dilation_rate", List.of(1L, 1L));
        conv.put("groups", 1L);
        conv.put("activation", "softmax");
        conv.put("use_bias", true);
        Random r = new Random(3);
        float[] k = new float[c * 4];
        float[] b = new float[4];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (r.nextGaussian() / Math.sqrt(c));
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian() * 0.1f;
        }
        t.add(new KerasTestModels.Layer("Conv2D", "conv2d_head", conv, List.of(
                new KerasTestModels.Var("kernel", new int[] {1, 1, c, 4}, k), new KerasTestModels.Var("bias", new int[] {4}, b))));
        t.add(new KerasTestModels.Layer("Reshape", "reshape_1", new LinkedHashMap<>(Map.of("target_shape", List.of(4L))),
                List.of()));
        Path f = dir.resolve("reshape-head.h5");
        KerasTestModels.writeLegacy(t, f, true, false);
        Model m = ModelFiles.load(f);
        assertEquals(4, m.classes());
        float[] x = KerasImportTest.randomInput(64, 2);
        float[] ours;
        try (Network net = Network.compile(m)) {
            ours = net.forward(x, 1);
        }
        KerasImportTest.assertClose(KerasReference.forward(t, KerasImportTest.legacy(f, "model_weights/", ":0"), x, 64, 64),
                ours, 1e-4);
    }
}
