package org.mobilenet.engine.kernels;

import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every Vector API kernel uses, chosen once per JVM: the CPU's preferred width
 * unless the system property {@code mobilenet.vector.bits} (or the environment variable
 * {@code MOBILENET_VECTOR_BITS}) asks for {@code 128}, {@code 256} or {@code 512} ({@code preferred}
 * or nothing: the default). It is a constant, not a parameter, because C2 only compiles Vector API
 * calls to vector instructions when their species is a compile-time constant. A width above the
 * CPU's preferred one still computes correctly (the Vector API falls back to plain Java), only
 * slowly: it exists so the tests can run the 256-bit code paths of AVX2 machines on an AVX-512
 * machine and the other way round.
 */
public final class VectorWidth {
    /** The system property that forces a width. */
    public static final String PROPERTY = "mobilenet.vector.bits";
    /** The environment variable that forces a width when the property is not set. */
    public static final String ENV = "MOBILENET_VECTOR_BITS";

    static final VectorSpecies<Float> SPECIES = species(parse(System.getProperty(PROPERTY, System.getenv(ENV))));

    static {
        OperatorProfile.prime(SPECIES);
    }

    private VectorWidth() {
    }

    /** The width in bits the kernels use. */
    public static int bits() {
        return SPECIES.vectorBitSize();
    }

    /**
     * A width setting: 128, 256 or 512 bits, or 0 for the preferred width (null, blank or
     * {@code preferred}).
     */
    public static int parse(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "preferred" -> 0;
            case "128", "256", "512" -> Integer.parseInt(v);
            default -> throw new IllegalArgumentException(PROPERTY + " (or " + ENV
                    + "): expected 128, 256, 512 or preferred, found '" + value + "'");
        };
    }

    /** The float species of a parsed width (0: the preferred one). */
    static VectorSpecies<Float> species(int bits) {
        return bits == 0 ? FloatVector.SPECIES_PREFERRED
                : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }
}
