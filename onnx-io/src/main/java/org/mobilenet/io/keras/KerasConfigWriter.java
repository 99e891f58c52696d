package org.mobilenet.io.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.io.json.Json;

/**
 * Writes Keras layers as Keras 3's {@code config.json}: a Functional model whose layers name their
 * module and class, carry their config (with {@code name}, {@code trainable} and {@code dtype}), and
 * read the layers they name through an inbound node of {@code __keras_tensor__}s naming them in their
 * {@code keras_history}. The input layer is Keras 3's
 * {@code input_layer} with a {@code batch_shape}.
 */
final class KerasConfigWriter {
    private KerasConfigWriter() {
    }

    static String keras3(List<KerasLayer> layers, String modelName) {
        List<Object> out = new ArrayList<>();
        String prev = null;
        String first = null;
        Map<String, String> renamed = new java.util.HashMap<>();
        for (KerasLayer l : layers) {
            boolean input = l.className().equals("InputLayer");
            String name = input ? "input_layer" : l.name();
            renamed.put(l.name(), name);
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
            List<String> from = new ArrayList<>();
            for (String f : l.inbound()) {
                from.add(renamed.getOrDefault(f, f));
            }
            if (!from.isEmpty()) {
                List<Object> tensors = new ArrayList<>();
                for (String f : from) {
                    Map<String, Object> history = new LinkedHashMap<>();
                    history.put("shape", null);
                    history.put("dtype", "float32");
                    history.put("keras_history", List.of(f, 0L, 0L));
                    Map<String, Object> tensor = new LinkedHashMap<>();
                    tensor.put("class_name", "__keras_tensor__");
                    tensor.put("config", history);
                    tensors.add(tensor);
                }
                Map<String, Object> node = new LinkedHashMap<>();
                // One tensor is the call's argument; a merge layer (Add) takes its inputs as one list.
                node.put("args", tensors.size() == 1 ? tensors : List.of(tensors));
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
