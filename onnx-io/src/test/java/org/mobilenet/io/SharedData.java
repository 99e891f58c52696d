package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared real models and photos: the system property {@code mobilenet.shared} (set by surefire),
 * else the environment variable {@code MOBILENET_SHARED}. Tests that need them fail when missing.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path dir() {
        String p = System.getProperty("mobilenet.shared");
        if (p == null || p.isBlank()) {
            p = System.getenv("MOBILENET_SHARED");
        }
        if (p == null || p.isBlank()) {
            fail("shared data location not set: pass -Dmobilenet.shared=DIR or set MOBILENET_SHARED");
        }
        Path d = Path.of(p);
        assertTrue(Files.isDirectory(d.resolve("models")), "shared data missing: " + d.resolve("models"));
        return d;
    }

    public static Path model(String name) {
        Path f = dir().resolve("models").resolve(name);
        assertTrue(Files.isRegularFile(f), "shared model missing: " + f);
        return f;
    }

    public static Path image(String name) {
        Path f = dir().resolve("images").resolve(name);
        assertTrue(Files.isRegularFile(f), "shared image missing: " + f);
        return f;
    }
}
