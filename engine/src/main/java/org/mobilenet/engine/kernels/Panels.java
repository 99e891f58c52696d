package org.mobilenet.engine.kernels;

/**
 * The packed weight layout of the matrix-product tiles ({@link VectorGemm}, {@link WideGemm},
 * {@link NarrowGemm}, {@link IndirectGemm}): B {@code [k, cols]} (row-major) as {@code [panels][k][nr]}
 * from index {@link #START}, panel {@code p} holding columns {@code p*nr .. p*nr+nr-1}, zero-padded
 * past the last column; the bias padded to whole panels.
 *
 * <p>Packing runs once per layer, when a network prepares it, so it lives apart from the tiles: the
 * launcher has the tiles' classes skip C1 and wait for C2 (their compile thresholds and blocking
 * compilations match them by class name), and one-time loops there ran interpreted and then waited
 * for C2 to compile them on the stack, behind whatever C2 was compiling (JFR, a folder of photos:
 * the classifier's packing 11-37 ms of the warm-up).
 */
final class Panels {
    /**
     * Where packed panels start in their array: on a cache-line boundary when the JVM aligns objects
     * to 64 bytes ({@code -XX:ObjectAlignmentInBytes=64}, which the launcher passes), since HotSpot's
     * 64-bit float arrays hold their first value 16 bytes into the object. The micro-kernels load
     * every vector of a panel once per step of k, and a 64-byte vector that straddles two cache lines
     * costs two loads: aligned, `bench` on 0.5/160 at batch 8 ran 7% faster on the eighth session's
     * Xeon (ratio 1.08 against 1.155, three runs each). Under the default 8-byte alignment the start
     * is wherever the object lies, as for any array.
     */
    static final int START = 12;

    private Panels() {
    }

    /** Panels of {@code nr} columns that hold {@code cols} columns. */
    static int count(int cols, int nr) {
        return (cols + nr - 1) / nr;
    }

    /** Packs {@code w [k, cols]} (row-major) into panels of {@code nr} columns, the first at {@link #START}. */
    static float[] pack(float[] w, int k, int cols, int nr) {
        int panels = count(cols, nr);
        float[] p = new float[START + panels * k * nr];
        // A row's columns of a panel are contiguous in both: one copy each, not a loop per value.
        for (int pa = 0; pa < panels; pa++) {
            int width = Math.min(nr, cols - pa * nr);
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(w, kk * cols + pa * nr, p, START + (pa * k + kk) * nr, width);
            }
        }
        return p;
    }

    /**
     * Packs {@code w [k, cols]} as whole panels of {@code nr} columns and then the last
     * {@code cols % nr} columns as one panel of {@code lastNr} columns, right after them (so it
     * starts on a cache line too: the panels before it are whole multiples of 64 bytes long).
     */
    static float[] packLastNarrower(float[] w, int k, int cols, int nr, int lastNr) {
        int rest = cols % nr;
        int whole = cols - rest;
        float[] first = new float[k * whole];
        float[] last = new float[k * rest];
        for (int kk = 0; kk < k; kk++) {
            System.arraycopy(w, kk * cols, first, kk * whole, whole);
            System.arraycopy(w, kk * cols + whole, last, kk * rest, rest);
        }
        float[] a = pack(first, k, whole, nr);
        float[] b = pack(last, k, rest, lastNr);
        float[] p = java.util.Arrays.copyOf(a, a.length + b.length - START);
        System.arraycopy(b, START, p, a.length, b.length - START);
        return p;
    }

    /** The bias padded to whole panels of {@code nr} columns (zeros for null). */
    static float[] padBias(float[] bias, int cols, int nr) {
        float[] b = new float[count(cols, nr) * nr];
        if (bias != null) {
            System.arraycopy(bias, 0, b, 0, cols);
        }
        return b;
    }
}
