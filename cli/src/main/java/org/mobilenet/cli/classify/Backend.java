package org.mobilenet.cli.classify;

/**
 * Runs a batch of preprocessed images through a model. Implementations are used by one thread at
 * a time; the command creates one per worker thread.
 */
public interface Backend {
    /**
     * The model's outputs and, when asked, the pooled feature vectors.
     *
     * @param input    {@code [n, R, R, 3]} NHWC
     * @param features whether to fill {@link Result#features()}
     */
    Result run(float[] input, int n, boolean features);

    /**
     * @param outputs  {@code [n, outputSize]}: probabilities (or logits without softmax), or features
     *                 for a headless model
     * @param features {@code [n, featureWidth]}, or null when not asked for
     */
    record Result(float[] outputs, float[] features) {
    }
}
