package org.mobilenet.io.fuzz;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mobilenet.io.BadInputException;

/**
 * Runs a reader on seeded mutations of a few valid files. Each input must either load or be refused
 * with a one-line {@link BadInputException} naming the file; anything else (another exception, an
 * error such as OutOfMemoryError or StackOverflowError, or a load that allocates more than the input
 * justifies) fails with the seed and iteration that reproduce it.
 *
 * <p>Iterations and seed come from the system properties {@code mobilenet.fuzz.iterations} and
 * {@code mobilenet.fuzz.seed}; iteration {@code i} uses its own generator derived from both, so a
 * failure reproduces with the same seed whatever the iteration count, and alone with
 * {@code mobilenet.fuzz.first} (the first iteration to run).
 */
final class FuzzCampaign {
    /** A reader under test. */
    @FunctionalInterface
    interface Reader {
        Object read(Path file) throws Exception;
    }

    /** The outcome of a campaign. */
    record Result(int iterations, int loaded, int refused, long seed, long maxAllocatedBytes, long slowestNanos) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d inputs (seed %d): %d loaded, %d refused; at most %.1f MB allocated,"
                    + " slowest %.1f ms", iterations, seed, loaded, refused, maxAllocatedBytes / 1e6, slowestNanos / 1e6);
        }
    }

    static final long DEFAULT_SEED = 20261122L;

    private final String name;
    private final Path dir;
    private final String extension;
    private final Reader reader;
    private final long allowedBytesPerInputByte;
    private final long allowedBaseBytes;

    /**
     * @param allowedBytesPerInputByte and {@code allowedBaseBytes}: an input of {@code n} bytes may
     *                                 allocate at most {@code n * allowedBytesPerInputByte + allowedBaseBytes}
     */
    FuzzCampaign(String name, Path dir, String extension, Reader reader, long allowedBytesPerInputByte,
            long allowedBaseBytes) {
        this.name = name;
        this.dir = dir;
        this.extension = extension;
        this.reader = reader;
        this.allowedBytesPerInputByte = allowedBytesPerInputByte;
        this.allowedBaseBytes = allowedBaseBytes;
    }

    static int iterations(int dflt) {
        return Integer.getInteger("mobilenet.fuzz.iterations", dflt);
    }

    static long seed() {
        return Long.getLong("mobilenet.fuzz.seed", DEFAULT_SEED);
    }

    /** Mutates the seed files {@code iterations} times and checks every outcome. */
    Result run(List<byte[]> corpus, int iterations, long seed) throws Exception {
        Path file = dir.resolve("fuzz-" + name + "." + extension);
        // Warm up class loading and registries on the valid inputs first; they must load.
        for (byte[] valid : corpus) {
            Files.write(file, valid);
            reader.read(file);
        }
        int loaded = 0;
        int refused = 0;
        long maxAlloc = 0;
        long slowest = 0;
        int first = Integer.getInteger("mobilenet.fuzz.first", 0);
        for (int i = first; i < iterations; i++) {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
            byte[] input = Mutator.mutate(corpus.get(rnd.nextInt(corpus.size())), rnd);
            Files.write(file, input);
            long before = allocatedBytes();
            long t0 = System.nanoTime();
            try {
                reader.read(file);
                loaded++;
            } catch (BadInputException e) {
                String m = e.getMessage();
                if (m == null || m.contains("\n") || m.contains("\r") || !m.contains(file.getFileName().toString())) {
                    throw failure(seed, i, input, "a message that is not one line naming the file: " + m, null);
                }
                refused++;
            } catch (Throwable t) {
                throw failure(seed, i, input, t.toString(), t);
            }
            slowest = Math.max(slowest, System.nanoTime() - t0);
            long used = allocatedBytes() - before;
            maxAlloc = Math.max(maxAlloc, used);
            long allowed = input.length * allowedBytesPerInputByte + allowedBaseBytes;
            if (used > allowed) {
                throw failure(seed, i, input, "allocated " + used + " bytes for an input of " + input.length
                        + " bytes (allowed " + allowed + ")", null);
            }
        }
        return new Result(Math.max(0, iterations - first), loaded, refused, seed, maxAlloc, slowest);
    }

    private AssertionError failure(long seed, int iteration, byte[] input, String what, Throwable cause) {
        Path keep = dir.resolve("crash-" + name + "-" + seed + "-" + iteration + "." + extension);
        try {
            Files.write(keep, input);
        } catch (java.io.IOException ignored) {
            // the message below still reproduces it
        }
        return new AssertionError(name + " fuzz input failed: " + what + "; reproduce with -Dmobilenet.fuzz.seed="
                + seed + " -Dmobilenet.fuzz.first=" + iteration + " -Dmobilenet.fuzz.iterations=" + (iteration + 1)
                + " (" + input.length + " bytes)", cause);
    }

    /** Bytes allocated by this thread so far (HotSpot's per-thread allocation counter). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
