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
 * @param inputC    the input's channels: 3 (RGB), or 1 (a gray model, fed the luma of the photo)
 */
record KerasConfig(String className, List<KerasLayer> layers, int inputH, int inputW, int inputC) {
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

    /** A config of an RGB model (keras.applications'). */
    KerasConfig(String className, List<KerasLayer> layers, int inputH, int inputW) {
        this(className, layers, inputH, inputW, 3);
    }

    /**
     * The config key under which a TFOpLambda layer gets the keyword arguments of its call (Keras 2
     * keeps them in the inbound node, not in the layer's config: {@code ["input_1", 0, 0, {"y": 127.5}]}).
     */
    static final String CALL_KWARGS = "mobilenet.call_kwargs";
    /**
     * The config key naming the Keras 3 operation class ({@code Add}, {@code Multiply}...) a layer read as
     * a TFOpLambda came from, for messages.
     */
    static final String OPERATION = "mobilenet.operation";

    /** How deep nested models may go (Teachable Machine's files nest three). */
    private static final int MAX_NESTING = 8;

    /** Whether a layer class is a model (a nested model when a layer of another). */
    private static boolean isModel(String cls) {
        return cls.equals("Functional") || cls.equals("Model") || cls.equals("Sequential");
    }

    /**
     * Parses a model config. A model nested as a layer of another (a Sequential of a Keras
     * application and a head, as transfer learning and Teachable Machine save them) is flattened into
     * its parent: its layers take its place, its input layers stand for what the parent feeds it, and
     * the layers reading it read its output layer. Each inner layer keeps the models it sits in
     * ({@link KerasLayer#scope()}), which is where the weights files keep its variables.
     */
    static KerasConfig parse(String json) throws ConfigException {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.JsonException e) {
            throw new ConfigException("the model config is not valid JSON: " + e.getMessage());
        }
        Map<String, Object> top = map(root, "the model config");
        String cls = string(top.get("class_name"), "the model's class_name");
        if (!isModel(cls)) {
            throw new ConfigException("unsupported model class '" + cls + "' (expected Functional or Sequential)");
        }
        Flattener f = new Flattener();
        f.model(cls, top.get("config"), List.of(), List.of(), null, 0);
        if (f.layers.isEmpty()) {
            throw new ConfigException("the model config lists no layers");
        }
        List<KerasLayer> layers = new ArrayList<>();
        for (KerasLayer l : f.layers) {
            List<String> in = new ArrayList<>();
            for (String n : l.inbound()) {
                in.add(f.resolve(n));
            }
            layers.add(new KerasLayer(l.className(), l.name(), l.config(), in, l.scope(), l.storage()));
        }
        int[] hw = f.hw;
        return new KerasConfig(cls, layers, hw == null ? 0 : hw[0], hw == null ? 0 : hw[1], hw == null ? 3 : hw[2]);
    }

    /** Collects the layers of a model and of the models nested in it, in order. */
    private static final class Flattener {
        final List<KerasLayer> layers = new ArrayList<>();
        /** A nested model's name, or an inner input layer's, to the layer that stands for it. */
        final Map<String, String> alias = new java.util.HashMap<>();
        final java.util.Set<String> names = new java.util.HashSet<>();
        int[] hw;

        String resolve(String name) {
            for (int i = 0; i <= MAX_LAYERS && alias.containsKey(name); i++) {
                name = alias.get(name);
            }
            return name;
        }

        /**
         * Adds the layers of the model with that class and config; {@code scope} names the models it
         * sits in, {@code storage} their Keras 3 storage names, {@code feed} the layer feeding it (null
         * at the top). Returns the name of the layer giving its output.
         */
        String model(String cls, Object cfg, List<String> scope, List<String> storage, String feed, int depth)
                throws ConfigException {
            String where = scope.isEmpty() ? "the model" : "nested model '" + scope.get(scope.size() - 1) + "'";
            List<Object> entries;
            Map<String, Object> cfgMap = null;
            if (cfg instanceof List<?> l) {
                entries = new ArrayList<>(l); // Keras 2.2's Sequential: config is the layer list itself
            } else {
                cfgMap = map(cfg, where + "'s config");
                entries = list(cfgMap.get("layers"), where + "'s layers");
            }
            if (layers.size() + entries.size() > MAX_LAYERS) {
                throw new ConfigException("the model lists more than " + MAX_LAYERS + " layers");
            }
            boolean sequential = cls.equals("Sequential");
            Map<String, Integer> used = new java.util.HashMap<>();
            String previous = null;
            String last = null;
            for (Object e : entries) {
                Map<String, Object> entry = map(e, "a layer entry");
                String lc = string(entry.get("class_name"), "a layer's class_name");
                Map<String, Object> lcfg = entry.get("config") == null ? Map.of()
                        : map(entry.get("config"), lc + "'s config");
                Object n = entry.get("name") != null ? entry.get("name") : lcfg.get("name");
                String name = string(n, "the name of a " + lc + " layer");
                // Keras 3 keeps a layer's variables under its class in snake case, counted per model
                // (its operations, x + 3.0, are not layers: not counted).
                String base = KerasWeights.snakeCase(lc);
                int k = isOperation(entry) ? 0 : used.merge(base, 1, Integer::sum) - 1;
                List<String> stored = new ArrayList<>(storage);
                stored.add(k == 0 ? base : base + "_" + k);
                List<String> inbound = new ArrayList<>();
                if (sequential) {
                    if (previous == null && !lc.equals("InputLayer")) {
                        if (feed == null) {
                            // Keras 2's Sequential without an InputLayer: the first layer carries the input shape.
                            add(new KerasLayer("InputLayer", "input", Map.of(), List.of()));
                            previous = "input";
                        } else {
                            previous = feed;
                        }
                    }
                    if (previous != null) {
                        inbound.add(previous);
                    }
                } else {
                    inbound = inbound(entry.get("inbound_nodes"), name);
                }
                Object shape = lcfg.containsKey("batch_shape") ? lcfg.get("batch_shape") : lcfg.get("batch_input_shape");
                // The image input's size: a nested head's own input ([None, 1280]) says nothing of it.
                if (hw == null && shape != null && !isModel(lc) && (feed == null || shape instanceof List<?> d
                        && d.size() == 4)) {
                    hw = inputSize(shape, name);
                }
                if (feed != null && lc.equals("InputLayer")) {
                    claim(name);
                    alias.put(name, feed); // an inner input: what the parent feeds the model
                    previous = name;
                    continue;
                }
                if (isModel(lc)) {
                    if (depth + 1 > MAX_NESTING) {
                        throw new ConfigException("models nested more than " + MAX_NESTING + " deep");
                    }
                    String from;
                    if (sequential) {
                        from = previous;
                    } else if (inbound.size() == 1) {
                        from = inbound.get(0);
                    } else {
                        throw new ConfigException("unsupported: nested model '" + name + "' reads " + inbound.size()
                                + " inputs; expected one");
                    }
                    if (from == null) {
                        throw new ConfigException("unsupported: nested model '" + name + "' is the first layer of "
                                + where + "; expected an input layer before it");
                    }
                    List<String> inner = new ArrayList<>(scope);
                    inner.add(name);
                    String out = model(lc, entry.get("config"), inner, stored, from, depth + 1);
                    claim(name);
                    alias.put(name, out);
                    previous = name;
                    last = name;
                    continue;
                }
                if (lc.equals("TFOpLambda")) {
                    Map<String, Object> withArgs = new java.util.LinkedHashMap<>(lcfg);
                    withArgs.put(CALL_KWARGS, callKwargs(entry.get("inbound_nodes")));
                    lcfg = withArgs;
                } else if (isOperation(entry) && !(OPERATIONS.containsKey(lc) && tensorArgs(entry) == 2
                        && (lc.equals("Add") || lc.equals("Multiply")))) {
                    // (an operation of two tensors, x + shortcut, stays the merge it is: Add or Multiply)
                    lcfg = operationAsLambda(entry, lc, name);
                    lc = "TFOpLambda";
                }
                add(new KerasLayer(lc, name, lcfg, inbound, scope, stored));
                previous = name;
                last = name;
            }
            String out = cfgMap == null || sequential ? last : outputLayer(cfgMap.get("output_layers"), where, last);
            if (out == null) {
                throw new ConfigException(where + " has no layers");
            }
            return out;
        }

        private void add(KerasLayer l) throws ConfigException {
            claim(l.name());
            layers.add(l);
        }

        private void claim(String name) throws ConfigException {
            if (!names.add(name)) {
                throw new ConfigException("unsupported: two layers are named '" + name + "' (in different nested"
                        + " models); expected unique layer names");
            }
        }

        /** A Functional model's one output layer ({@code [[name, 0, 0]]} or {@code [name, 0, 0]}). */
        private static String outputLayer(Object outputs, String where, String last) throws ConfigException {
            if (outputs == null) {
                return last;
            }
            List<Object> o = list(outputs, where + "'s output_layers");
            if (!o.isEmpty() && o.get(0) instanceof String s) {
                return s;
            }
            if (o.size() != 1) {
                throw new ConfigException("unsupported: " + where + " has " + o.size() + " outputs; expected one");
            }
            List<Object> ref = list(o.get(0), where + "'s output layer");
            if (ref.isEmpty()) {
                throw new ConfigException(where + " has an empty output layer reference");
            }
            return string(ref.get(0), where + "'s output layer name");
        }
    }

    /** {@code [None, H, W, 3]} or {@code [None, H, W, 1]}: H and W (0 for None) and the channels (3 when None). */
    private static int[] inputSize(Object shape, String layer) throws ConfigException {
        List<Object> s = list(shape, layer + "'s input shape");
        if (s.size() != 4) {
            throw new ConfigException("layer '" + layer + "' declares input shape " + s
                    + "; expected an image batch [None, H, W, 3]");
        }
        int[] hw = new int[3];
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
        long channels = c == null ? 3 : integer(c, layer + "'s channels");
        if (channels != 3 && channels != 1) {
            throw new ConfigException("unsupported: layer '" + layer + "' declares input shape " + s + ", "
                    + channels + " channels; the Keras import takes 3 channels last (RGB) or 1 (gray)");
        }
        hw[2] = (int) channels;
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

    /** Keras 3's arithmetic operations on a tensor and a constant, by class, as tf.keras's TFOpLambda names them. */
    private static final Map<String, String> OPERATIONS = Map.of("Add", "math.add", "Multiply", "math.multiply",
            "Subtract", "math.subtract", "Divide", "math.truediv", "TrueDivide", "math.truediv");

    /**
     * Whether an entry is one of Keras 3's operations rather than a layer: arithmetic on a symbolic tensor
     * ({@code x + 3.0} in a functional model) is saved as an entry of module {@code keras.src.ops...}.
     */
    private static boolean isOperation(Map<String, Object> entry) {
        return entry.get("module") instanceof String m && (m.startsWith("keras.src.ops") || m.startsWith("keras.ops"));
    }

    /**
     * A Keras 3 operation of a tensor and a constant ({@code x + 3.0}, {@code x * (1 / 6)}) as the config
     * of the TFOpLambda tf.keras saves for the same arithmetic: {@code function} and the constant as
     * {@code y} ({@link #CALL_KWARGS}), the tensor first (a constant minus or over a tensor is refused).
     */
    private static Map<String, Object> operationAsLambda(Map<String, Object> entry, String cls, String name)
            throws ConfigException {
        String function = OPERATIONS.get(cls);
        if (function == null) {
            throw new ConfigException("unsupported: operation '" + name + "' (" + cls + "); the Keras import takes "
                    + String.join(", ", new java.util.TreeSet<>(OPERATIONS.keySet())) + " of a tensor and a number");
        }
        List<?> args = args(entry);
        boolean tensorFirst = args.size() == 2 && args.get(0) instanceof Map<?, ?>;
        Object y = args.size() != 2 ? null : tensorFirst ? args.get(1) : args.get(0);
        boolean commutes = "math.add".equals(function) || "math.multiply".equals(function);
        if (!(y instanceof Number) || !(tensorFirst || commutes)) {
            throw new ConfigException("unsupported: operation '" + name + "' (" + cls + ") of " + describe(args)
                    + "; expected a tensor and a number" + (commutes ? "" : ", the tensor first"));
        }
        Map<String, Object> cfg = new java.util.LinkedHashMap<>();
        cfg.put("name", name);
        cfg.put("function", function);
        cfg.put(CALL_KWARGS, Map.of("y", y));
        cfg.put(OPERATION, cls);
        return cfg;
    }

    /** The positional arguments of an operation's only call, or an empty list. */
    private static List<?> args(Map<String, Object> entry) {
        if (entry.get("inbound_nodes") instanceof List<?> calls && calls.size() == 1
                && calls.get(0) instanceof Map<?, ?> call && call.get("args") instanceof List<?> args) {
            return args;
        }
        return List.of();
    }

    /** How many of an operation's positional arguments are tensors. */
    private static int tensorArgs(Map<String, Object> entry) {
        int n = 0;
        for (Object a : args(entry)) {
            n += a instanceof Map<?, ?> ? 1 : 0;
        }
        return n;
    }

    /** The arguments as a message says them: {@code [tensor, 3.0]}. */
    private static String describe(List<?> args) {
        List<String> out = new ArrayList<>();
        for (Object a : args) {
            out.add(a instanceof Map<?, ?> ? "tensor" : String.valueOf(a));
        }
        return out.toString();
    }

    /** The keyword arguments of a layer's first call in Keras 2's inbound nodes, or an empty map. */
    private static Map<String, Object> callKwargs(Object nodes) {
        if (nodes instanceof List<?> calls && !calls.isEmpty() && calls.get(0) instanceof List<?> call && !call.isEmpty()
                && call.get(0) instanceof List<?> ref && ref.size() >= 4 && ref.get(3) instanceof Map<?, ?> kw) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            kw.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return Map.of();
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
            out.add(new KerasLayer(l.className(), l.name().equals(from) ? to : l.name(), l.config(), in, l.scope(),
                    l.storage()));
        }
        return new KerasConfig(className, out, inputH, inputW, inputC);
    }
}
