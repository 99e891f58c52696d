package org.mobilenet.engine.run;

import java.util.Locale;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.LoopKernels;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.kernels.VectorKernels;

/**
 * Picks the kernels a {@link Network} uses: {@link VectorKernels} when the module
 * {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules=jdk.incubator.vector}), otherwise {@link LoopKernels}; a network compiled
 * with the defaults starts on {@link LoopKernels} until the vector kernels are warm
 * ({@link #coldKernels()}). The system property {@code mobilenet.kernels} (or the environment
 * variable {@code MOBILENET_KERNELS}) forces one set for the whole run: {@code scalar} (the
 * reference), {@code loops} or {@code vector}; {@code auto} or nothing is the default.
 */
public final class KernelChoice {
    private KernelChoice() {
    }

    /** True when the Vector API module is available to this JVM. */
    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The forced kernel set's name, or "auto". */
    private static String forced() {
        String v = System.getProperty("mobilenet.kernels", System.getenv("MOBILENET_KERNELS"));
        return v == null || v.isBlank() ? "auto" : v.trim().toLowerCase(Locale.ROOT);
    }

    /** The kernels to use by default on this JVM (in steady state). */
    public static Kernels defaultKernels() {
        return switch (defaultKernelsName()) {
            case "scalar" -> new ScalarKernels();
            case "vector" -> new VectorKernels();
            default -> new LoopKernels();
        };
    }

    /**
     * The {@link Kernels#name() name} of {@link #defaultKernels()} ("scalar", "loops" or "vector")
     * without making them: making the vector kernels initializes the Vector API's classes, some 25 ms
     * of a cold JVM that {@code --version} would spend only to print the name.
     */
    public static String defaultKernelsName() {
        return switch (forced()) {
            case "scalar" -> "scalar";
            case "loops" -> "loops";
            default -> vectorApiPresent() ? "vector" : "loops";
        };
    }

    /**
     * The kernels a network compiled with the defaults runs until {@link #defaultKernels()} are
     * compiled by the JIT, or null when it starts with those directly (they are forced, or are not
     * the Vector API kernels).
     */
    public static Kernels coldKernels() {
        return forced().equals("auto") && vectorApiPresent() ? new LoopKernels() : null;
    }
}
