package org.mobilenet.cli.classify;

import java.util.Locale;
import org.mobilenet.engine.model.Model;

/** The {@code --engine} choices. */
public final class Backends {
    private Backends() {
    }

    /**
     * Makes backends for {@code engine} ("java" or "ort"), one per worker thread. An unknown engine
     * fails here, before any image is read. Close the factory when done.
     */
    public static BackendFactory factory(String engine, Model model) {
        return switch (engine.toLowerCase(Locale.ROOT)) {
            case "java" -> new BackendFactory() {
                @Override
                public Backend get() {
                    return new JavaBackend(model);
                }

                @Override
                public void close() {
                }
            };
            case "ort" -> OrtBackend.factory(model);
            default -> throw new IllegalArgumentException("unknown --engine '" + engine + "': expected java or ort");
        };
    }
}
