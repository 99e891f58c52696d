package org.mobilenet.engine.shrink;

import java.util.Objects;
import org.mobilenet.engine.arch.Resolution;

/**
 * What to shrink a trained model to.
 *
 * @param alpha      the target width multiplier, absolute (against the paper's base widths); at most the source's
 * @param resolution the target input size, H x W (each side 32 to 4096)
 * @param shallow    remove the five 14x14x512 separable blocks (Table 5)
 * @param criterion  how channels are chosen
 * @param seed       the seed of {@link Criterion#RANDOM}
 */
public record ShrinkOptions(double alpha, Resolution resolution, boolean shallow, Criterion criterion, long seed) {
    public ShrinkOptions {
        Objects.requireNonNull(resolution, "resolution");
        Objects.requireNonNull(criterion, "criterion");
        if (!(alpha > 0 && alpha <= 4)) {
            throw new IllegalArgumentException("alpha must be in (0, 4], got " + alpha);
        }
    }

    /** A square target input of side {@code resolution}. */
    public ShrinkOptions(double alpha, int resolution, boolean shallow, Criterion criterion, long seed) {
        this(alpha, Resolution.square(resolution), shallow, criterion, seed);
    }
}
