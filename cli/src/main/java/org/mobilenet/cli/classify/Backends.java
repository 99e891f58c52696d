package org.mobilenet.cli.classify;

import java.util.Locale;
import java.util.function.Supplier;
import org.mobilenet.engine.model.Model;

/** The {@code --engine} choices. */
public final class Backends {
    private Backends() {
    }

    /**
     * Makes backends for {@code engine} ("java" or "ort"), one per call of the supplier (one per
     * worker thread). An unknown or unavailable engine fails here, before any image is read.
     */
    public static Supplier<Backend> factory(String engine, Model model) {
        return switch (engine.toLowerCase(Locale.ROOT)) {
            case "java" -> () -> new JavaBackend(model);
            case "ort" -> ort(model);
            default -> throw new IllegalArgumentException("unknown --engine '" + engine + "': expected java or ort");
        };
    }

    /**
     * INTEGRATION POINT for {@code --engine ort}: export the engine model with the onnx-io exporter,
     * and return a supplier of {@link Backend}s (one ONNX Runtime session each, or one shared
     * thread-safe session) whose {@code run(input [n, R, R, 3] NHWC, n, features)} returns the same
     * {@code [n, outputSize]} layout as {@link JavaBackend}. Not wired in this build: the command
     * refuses the option with a usage error (exit 2) until it is.
     */
    static Supplier<Backend> ort(Model model) {
        throw new IllegalArgumentException("--engine ort is not available in this build yet; use --engine java");
    }
}
