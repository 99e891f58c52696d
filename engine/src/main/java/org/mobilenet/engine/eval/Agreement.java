package org.mobilenet.engine.eval;

/**
 * How often a candidate network agrees with a reference over a batch of outputs {@code [n, classes]}.
 * Top-1 agreement: both rank the same class first. Top-5 agreement: the reference's first class is
 * among the candidate's five best (top-5 accuracy with the reference as the labeller).
 *
 * @param images         rows compared
 * @param top1           rows whose first classes agree
 * @param top5           rows where the reference's first class is in the candidate's top 5
 */
public record Agreement(int images, int top1, int top5) {

    public static Agreement of(float[] reference, float[] candidate, int n, int classes) {
        if (reference.length != (long) n * classes || candidate.length != (long) n * classes) {
            throw new IllegalArgumentException("outputs must both be [" + n + ", " + classes + "]");
        }
        int t1 = 0;
        int t5 = 0;
        for (int b = 0; b < n; b++) {
            int ref = TopK.of(reference, b * classes, classes, 1)[0];
            int[] cand = TopK.of(candidate, b * classes, classes, 5);
            if (cand[0] == ref) {
                t1++;
            }
            for (int c : cand) {
                if (c == ref) {
                    t5++;
                    break;
                }
            }
        }
        return new Agreement(n, t1, t5);
    }

    /** Combines two counts. */
    public Agreement plus(Agreement o) {
        return new Agreement(images + o.images, top1 + o.top1, top5 + o.top5);
    }

    public double top1Rate() {
        return images == 0 ? 0 : (double) top1 / images;
    }

    public double top5Rate() {
        return images == 0 ? 0 : (double) top5 / images;
    }
}
