package org.mobilenet.cli.verify;

/**
 * How far a candidate's values are from a reference's.
 *
 * @param maxAbsDiff  max |c - r|
 * @param maxRelDiff  max |c - r| / max(|c|, |r|) (0 where both are 0), so at most 2
 * @param cosine      cosine similarity of the two as vectors (1 when both are all zeros)
 * @param worstExcess max of |c - r| - (atol + rtol |r|): > 0 means outside tolerance
 */
public record DiffStats(double maxAbsDiff, double maxRelDiff, double cosine, double worstExcess) {

    /** Compares two equally long arrays under the tolerance |c - r| <= atol + rtol |r|. */
    public static DiffStats of(float[] reference, float[] candidate, double atol, double rtol) {
        if (reference.length != candidate.length) {
            throw new IllegalArgumentException("cannot compare " + reference.length + " values with " + candidate.length);
        }
        double maxAbs = 0;
        double maxRel = 0;
        double dot = 0;
        double nr = 0;
        double nc = 0;
        double excess = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < reference.length; i++) {
            double r = reference[i];
            double c = candidate[i];
            double d = Math.abs(c - r);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            maxAbs = Math.max(maxAbs, d);
            double m = Math.max(Math.abs(r), Math.abs(c));
            if (m > 0) {
                maxRel = Math.max(maxRel, d / m);
            }
            excess = Math.max(excess, d - (atol + rtol * Math.abs(r)));
            dot += r * c;
            nr += r * r;
            nc += c * c;
        }
        double cos = nr == 0 && nc == 0 ? 1 : (nr == 0 || nc == 0 ? 0 : dot / Math.sqrt(nr * nc));
        return new DiffStats(maxAbs, maxRel, cos, reference.length == 0 ? 0 : excess);
    }

    public boolean within() {
        return worstExcess <= 0;
    }
}
