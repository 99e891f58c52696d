package org.mobilenet.io.keras;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One layer of a Keras model's config: its class ({@code Conv2D}), name, the layer's own config
 * (strides, padding, epsilon, activation, ...) and the names of the layers it reads, in order
 * (empty for an input layer).
 *
 * @param scope   the nested models the layer sits in, outermost first (empty for a layer of the model
 *                itself): a whole-model .h5 keeps its variables in the outermost one's group
 * @param storage where Keras 3 keeps its variables: its own and its models' storage names (class in
 *                snake case, numbered per model), outermost first; null when not from a parsed config
 */
record KerasLayer(String className, String name, Map<String, Object> config, List<String> inbound, List<String> scope,
        List<String> storage) {
    KerasLayer {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(name, "name");
        config = config == null ? Map.of() : config;
        inbound = List.copyOf(inbound);
        scope = List.copyOf(scope);
        storage = storage == null ? null : List.copyOf(storage);
    }

    /** A layer of the model itself, its storage left to its position ({@link KerasWeights#keras3}). */
    KerasLayer(String className, String name, Map<String, Object> config, List<String> inbound) {
        this(className, name, config, inbound, List.of(), null);
    }

    /** A config value, or null. */
    Object get(String key) {
        return config.get(key);
    }
}
