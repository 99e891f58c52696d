package org.mobilenet.io.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mobilenet.io.json.Json;

/**
 * A Keras model's architecture as its config JSON gives it (the {@code model_config} attribute of a
 * whole-model .h5, the {@code config.json} of a .keras archive): the layers in the model's order
 * with the names of the layers each reads. Reads Keras 2 ({@code inbound_nodes} as nested lists) and
 * Keras 3 ({@code inbound_nodes} of {@code args} holding {@code __keras_tensor__}s whose
 * {@code keras_history} names the producing layer) Functional models, and Sequential models (each
 * layer reads the one before).
 *
 * @param className the model's class: {@code Functional}, {@code Model} or {@code Sequential}
 * @param layers    the layers in order
 * @param inputH    the input height the config declares, or 0 when it leaves it open (None)
 * @param inputW    the input width, or 0
 */
record KerasConfig(String className, List<KerasLayer> layers, int inputH, int inputW) {
    /** The most layers a config may list (MobileNet v2 has about 160). */
    static final int MAX_LAYERS = 4096;

    /** A config that is valid JSON but not a model this reader understands, or not valid JSON. */
    static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    KerasConfig {
        layers = List.copyOf(layers);
    }

    /** Parses a model config. */
    static KerasConfig parse(String json) throws ConfigException {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.JsonException e) {
            throw new ConfigException("the model config is not valid JSON: " + e.getMessage());
        }
        Map<String, Object> top = map(root, "the model config");
        String cls = string(top.get("class_name"), "the model's class_name");
        Object cfg = top.get("config");
        List<Object> entries;
        if (cfg instanceof List<?> l) {
            entries = new ArrayList<>(l); // Keras 2.2's Sequential: config is the layer list itself
        } else {
            entries = list(map(cfg, "the model's config").get("layers"), "the model's layers");
        }
        if (!cls.equals("Functional") && !cls.equals("Model") && !cls.equals("Sequential")) {
            throw new ConfigException("unsupported model class '" + cls + "' (expected Functional or Sequential)");
        }
        if (entries.size() > MAX_LAYERS) {
            throw new ConfigException("the model lists " + entries.size() + " layers, more than " + MAX_LAYERS);
        }
        boolean sequential = cls.equals("Sequential");
        List<KerasLayer> layers = new ArrayList<>();
        int[] hw = null;
        for (Object e : entries) {
            Map<String, Object> entry = map(e, "a layer entry");
            String lc = string(entry.get("class_name"), "a layer's class_name");
            Map<String, Object> lcfg = entry.get("config") == null ? Map.of() : map(entry.get("config"), lc + "'s config");
            Object n = entry.get("name") != null ? entry.get("name") : lcfg.get("name");
            String name = string(n, "the name of a " + lc + " layer");
            if (lc.equals("Functional") || lc.equals("Model") || lc.equals("Sequential")) {
                throw new ConfigException("unsupported: layer '" + name + "' is a nested model (" + lc
                        + "); save the model flattened, or its inner model alone");
            }
            List<String> inbound = new ArrayList<>();
            if (sequential) {
                if (layers.isEmpty() && !lc.equals("InputLayer")) {
                    // Keras 2's Sequential without an InputLayer: the first layer carries the input shape.
                    layers.add(new KerasLayer("InputLayer", "input", Map.of(), List.of()));
                }
                if (!layers.isEmpty()) {
                    inbound.add(layers.get(layers.size() - 1).name());
                }
            } else {
                inbound = inbound(entry.get("inbound_nodes"), name);
            }
            Object shape = lcfg.containsKey("batch_shape") ? lcfg.get("batch_shape") : lcfg.get("batch_input_shape");
            if (hw == null && shape != null) {
                hw = inputSize(shape, name);
            }
            layers.add(new KerasLayer(lc, name, lcfg, inbound));
        }
        if (layers.isEmpty()) {
            throw new ConfigException("the model config lists no layers");
        }
        return new KerasConfig(cls, layers, hw == null ? 0 : hw[0], hw == null ? 0 : hw[1]);
    }

    /** {@code [None, H, W, 3]}: H and W (0 for None). */
    private static int[] inputSize(Object shape, String layer) throws ConfigException {
        List<Object> s = list(shape, layer + "'s input shape");
        if (s.size() != 4) {
            throw new ConfigException("layer '" + layer + "' declares input shape " + s
                    + "; expected an image batch [None, H, W, 3]");
        }
        int[] hw = new int[2];
        for (int i = 0; i < 2; i++) {
            Object d = s.get(i + 1);
            if (d == null) {
                continue;
            }
            long v = integer(d, layer + "'s input size");
            if (v < 1 || v > 1 << 14) {
                throw new ConfigException("layer '" + layer + "' declares input shape " + s + "; sides must be 1.."
                        + (1 << 14));
            }
            hw[i] = (int) v;
        }
        Object c = s.get(3);
        if (c != null && integer(c, layer + "'s channels") != 3) {
            throw new ConfigException("unsupported: layer '" + layer + "' declares input shape " + s + ", "
                    + integer(c, layer + "'s channels") + " channels; the Keras import takes 3 channels last (RGB)");
        }
        return hw;
    }

    /** The producing layers' names of a layer's first (only) call. */
    private static List<String> inbound(Object nodes, String name) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (nodes == null) {
            return out;
        }
        List<Object> calls = list(nodes, name + "'s inbound_nodes");
        if (calls.isEmpty()) {
            return out;
        }
        if (calls.size() > 1) {
            throw new ConfigException("unsupported: layer '" + name + "' is called " + calls.size()
                    + " times (shared layers)");
        }
        Object call = calls.get(0);
        if (call instanceof List<?> keras2) {
            for (Object item : keras2) {
                List<Object> ref = list(item, name + "'s inbound node");
                if (ref.isEmpty()) {
                    throw new ConfigException("layer '" + name + "' has an empty inbound node");
                }
                out.add(string(ref.get(0), name + "'s inbound layer name"));
            }
        } else {
            Map<String, Object> keras3 = map(call, name + "'s inbound node");
            histories(keras3.get("args"), out, 0);
        }
        return out;
    }

    /** Keras 3: the layer names in every {@code keras_history} under {@code v}, in order. */
    private static void histories(Object v, List<String> out, int depth) throws ConfigException {
        if (depth > 8) {
            throw new ConfigException("inbound nodes nested too deeply");
        }
        if (v instanceof List<?> l) {
            for (Object o : l) {
                histories(o, out, depth + 1);
            }
        } else if (v instanceof Map<?, ?> m) {
            if ("__keras_tensor__".equals(m.get("class_name")) && m.get("config") instanceof Map<?, ?> c
                    && c.get("keras_history") instanceof List<?> h && !h.isEmpty()) {
                out.add(string(h.get(0), "a keras_history layer name"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) throws ConfigException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ConfigException(what + " is not a JSON object");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) throws ConfigException {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new ConfigException(what + " is not a JSON array");
    }

    static String string(Object o, String what) throws ConfigException {
        if (o instanceof String s) {
            return s;
        }
        throw new ConfigException(what + " is not a string");
    }

    static long integer(Object o, String what) throws ConfigException {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e9) {
            return d.longValue();
        }
        throw new ConfigException(what + " is not an integer (found " + o + ")");
    }

    /** The same config with layer {@code from} named {@code to} (where others name it as an input too). */
    KerasConfig renamed(String from, String to) {
        List<KerasLayer> out = new java.util.ArrayList<>();
        for (KerasLayer l : layers) {
            List<String> in = l.inbound().stream().map(n -> n.equals(from) ? to : n).toList();
            out.add(new KerasLayer(l.className(), l.name().equals(from) ? to : l.name(), l.config(), in));
        }
        return new KerasConfig(className, out, inputH, inputW);
    }
}
