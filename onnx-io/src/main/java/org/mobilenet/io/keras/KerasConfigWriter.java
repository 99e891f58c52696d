package org.mobilenet.io.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.io.json.Json;

/**
 * Writes a chain of Keras layers as Keras 3's {@code config.json}: a Functional model whose layers
 * name their module and class, carry their config (with {@code name}, {@code trainable} and
 * {@code dtype}), and read the layer before them through an inbound node of one
 * {@code __keras_tensor__} naming it in its {@code keras_history}. The input layer is Keras 3's
 * {@code input_layer} with a {@code batch_shape}.
 */
final class KerasConfigWriter {
    private KerasConfigWriter() {
    }

    static String keras3(List<KerasLayer> layers, String modelName) {
        List<Object> out = new ArrayList<>();
        String prev = null;
        String first = null;
        for (KerasLayer l : layers) {
            boolean input = l.className().equals("InputLayer");
            String name = input ? "input_layer" : l.name();
            Map<String, Object> c = new LinkedHashMap<>();
            if (input) {
                Object shape = l.config().containsKey("batch_shape") ? l.config().get("batch_shape")
                        : l.config().get("batch_input_shape");
                c.put("batch_shape", shape);
                c.put("dtype", "float32");
                c.put("sparse", false);
                c.put("name", name);
                first = name;
            } else {
                c.put("name", name);
                c.put("trainable", true);
                c.put("dtype", "float32");
                l.config().forEach((k, v) -> {
                    if (!k.equals("name") && !k.equals("trainable")) {
                        c.put(k, v);
                    }
                });
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("module", "keras.layers");
            e.put("class_name", l.className());
            e.put("config", c);
            e.put("registered_name", null);
            e.put("name", name);
            List<Object> inbound = new ArrayList<>();
            if (prev != null) {
                Map<String, Object> history = new LinkedHashMap<>();
                history.put("shape", null);
                history.put("dtype", "float32");
                history.put("keras_history", List.of(prev, 0L, 0L));
                Map<String, Object> tensor = new LinkedHashMap<>();
                tensor.put("class_name", "__keras_tensor__");
                tensor.put("config", history);
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("args", List.of(tensor));
                node.put("kwargs", new LinkedHashMap<>());
                inbound.add(node);
            }
            e.put("inbound_nodes", inbound);
            out.add(e);
            prev = name;
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", modelName);
        cfg.put("trainable", true);
        cfg.put("layers", out);
        cfg.put("input_layers", List.of(List.of(first, 0L, 0L)));
        cfg.put("output_layers", List.of(List.of(prev, 0L, 0L)));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("module", "keras.src.models.functional");
        root.put("class_name", "Functional");
        root.put("config", cfg);
        root.put("registered_name", "Functional");
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("input_shape", null);
        root.put("build_config", build);
        root.put("compile_config", null);
        return Json.write(root);
    }
}
