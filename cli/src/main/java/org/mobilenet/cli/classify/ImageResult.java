package org.mobilenet.cli.classify;

import java.nio.file.Path;
import java.util.List;

/**
 * What classifying one image gave.
 *
 * @param path     the image as it was named
 * @param indices  class indices, best first (empty for a headless model)
 * @param scores   their scores
 * @param features the pooled feature vector, or null when not asked for
 * @param error    why the image failed (one line), or null when it did not
 * @param warning  what is wrong with an image classified anyway (a truncated file under
 *                 --allow-truncated: one line, without the path), or null
 * @param skipped  the files skipped in a directory just before this image (reported before it)
 */
public record ImageResult(Path path, int[] indices, float[] scores, float[] features, String error, String warning,
        List<ImageInputs.Skipped> skipped) {
    public ImageResult {
        skipped = List.copyOf(skipped);
    }

    /** A result without warning or skipped files. */
    public ImageResult(Path path, int[] indices, float[] scores, float[] features, String error) {
        this(path, indices, scores, features, error, null, List.of());
    }

    public boolean failed() {
        return error != null;
    }

    static ImageResult failure(Path path, String error) {
        return new ImageResult(path, new int[0], new float[0], null, error);
    }

    /** This result with a warning and the files skipped before it. */
    ImageResult with(String warning, List<ImageInputs.Skipped> skipped) {
        return new ImageResult(path, indices, scores, features, error, warning, skipped);
    }
}
