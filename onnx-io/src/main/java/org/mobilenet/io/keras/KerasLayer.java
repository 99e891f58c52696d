package org.mobilenet.io.keras;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One layer of a Keras model's config: its class ({@code Conv2D}), name, the layer's own config
 * (strides, padding, epsilon, activation, ...) and the names of the layers it reads, in order
 * (empty for an input layer).
 */
record KerasLayer(String className, String name, Map<String, Object> config, List<String> inbound) {
    KerasLayer {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(name, "name");
        config = config == null ? Map.of() : config;
        inbound = List.copyOf(inbound);
    }

    /** A config value, or null. */
    Object get(String key) {
        return config.get(key);
    }
}
