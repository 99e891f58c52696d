package org.mobilenet.engine.eval;

/** The indices of the largest values of a row, best first; ties go to the lower index. */
public final class TopK {
    private TopK() {
    }

    /**
     * Top {@code k} of {@code row[offset, offset + n)}, as indices into that row (fewer when the row
     * is shorter than k).
     *
     * @throws IllegalArgumentException when k is negative
     * @throws IndexOutOfBoundsException when the range is not inside {@code row}
     */
    public static int[] of(float[] row, int offset, int n, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        java.util.Objects.checkFromIndexSize(offset, n, row.length);
        int m = Math.min(k, n);
        int[] best = new int[m];
        int count = 0;
        for (int i = 0; i < n; i++) {
            float v = row[offset + i];
            int pos = count;
            while (pos > 0 && v > row[offset + best[pos - 1]]) {
                pos--;
            }
            if (pos < m) {
                int end = Math.min(count, m - 1);
                System.arraycopy(best, pos, best, pos + 1, end - pos);
                best[pos] = i;
                count = Math.min(count + 1, m);
            }
        }
        return best;
    }
}
