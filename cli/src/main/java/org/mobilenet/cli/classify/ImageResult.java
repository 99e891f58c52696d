package org.mobilenet.cli.classify;

import java.nio.file.Path;

/**
 * What classifying one image gave.
 *
 * @param path     the image as it was named
 * @param indices  class indices, best first (empty for a headless model)
 * @param scores   their scores
 * @param features the pooled feature vector, or null when not asked for
 * @param error    why the image failed (one line), or null when it did not
 */
public record ImageResult(Path path, int[] indices, float[] scores, float[] features, String error) {
    public boolean failed() {
        return error != null;
    }

    static ImageResult failure(Path path, String error) {
        return new ImageResult(path, new int[0], new float[0], null, error);
    }
}
