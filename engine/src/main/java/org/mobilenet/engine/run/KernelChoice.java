package org.mobilenet.engine.run;

import java.util.Locale;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.kernels.VectorKernels;

/**
 * Picks the kernels a {@link Network} uses: {@link VectorKernels} when the module
 * {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules=jdk.incubator.vector}), otherwise {@link ScalarKernels}. The system property
 * {@code mobilenet.kernels} (or the environment variable {@code MOBILENET_KERNELS}) set to
 * {@code scalar} forces the reference kernels.
 */
public final class KernelChoice {
    private KernelChoice() {
    }

    /** True when the Vector API module is available to this JVM. */
    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The kernels to use by default on this JVM. */
    public static Kernels defaultKernels() {
        String forced = System.getProperty("mobilenet.kernels", System.getenv("MOBILENET_KERNELS"));
        if (forced != null && forced.trim().toLowerCase(Locale.ROOT).equals("scalar")) {
            return new ScalarKernels();
        }
        if (vectorApiPresent()) {
            return new VectorKernels();
        }
        return new ScalarKernels();
    }
}
