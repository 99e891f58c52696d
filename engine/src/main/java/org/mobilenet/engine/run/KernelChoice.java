package org.mobilenet.engine.run;

import java.util.Locale;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.ScalarKernels;

/**
 * Picks the kernels a {@link Network} uses. The system property {@code mobilenet.kernels} (or the
 * environment variable {@code MOBILENET_KERNELS}) set to {@code scalar} forces the reference kernels.
 */
public final class KernelChoice {
    private KernelChoice() {
    }

    /** The kernels to use by default on this JVM. */
    public static Kernels defaultKernels() {
        String forced = System.getProperty("mobilenet.kernels", System.getenv("MOBILENET_KERNELS"));
        if (forced != null && forced.trim().toLowerCase(Locale.ROOT).equals("scalar")) {
            return new ScalarKernels();
        }
        return new ScalarKernels();
    }
}
