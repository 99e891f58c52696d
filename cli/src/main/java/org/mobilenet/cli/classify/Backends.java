package org.mobilenet.cli.classify;

import java.util.Locale;
import org.mobilenet.engine.model.Model;

/** The {@code --engine} choices. */
public final class Backends {
    private Backends() {
    }

    /**
     * Makes backends for {@code engine} ("java" or "ort"). An unknown engine fails here, before any
     * image is read. Close the factory when done.
     */
    public static BackendFactory factory(String engine, Model model) {
        return factory(engine, model, 1);
    }

    /**
     * Makes backends for {@code engine} for a command that may use {@code threads} cores: the Java
     * engine a network compiled with its default kernels (its threads are the command's decoding
     * workers: {@link BatchClassifier} runs one batch at a time on whichever is free); ONNX Runtime one
     * session with {@code threads} intra-op threads.
     */
    public static BackendFactory factory(String engine, Model model, int threads) {
        check(engine);
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
            case "ort" -> OrtBackend.factory(model, threads);
            default -> throw new IllegalStateException(engine);
        };
    }

    /**
     * Backends of the engine's integer path, for {@code --precision int8} (a quantized model; the Java
     * engine only).
     */
    public static BackendFactory int8(Model model) {
        Int8Backend shared = new Int8Backend(model);
        return new BackendFactory() {
            @Override
            public Backend get() {
                return shared; // thread-safe: each run allocates its own buffers
            }

            @Override
            public void close() {
            }
        };
    }

    /** Refuses an unknown engine name (a usage error), before anything is loaded. */
    public static void check(String engine) {
        String e = engine.toLowerCase(Locale.ROOT);
        if (!e.equals("java") && !e.equals("ort")) {
            throw new IllegalArgumentException("unknown --engine '" + engine + "': expected java or ort");
        }
    }
}
