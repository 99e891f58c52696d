package org.mobilenet.cli.classify;

/**
 * Runs a batch of preprocessed images through a model. An instance is used by one thread at a time
 * ({@link BatchClassifier} runs one batch at a time through the command's one backend).
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
     * False while a batch would run slower than it soon will (the Java engine before its fast
     * kernels have taken over): a caller with images left to decode decodes them first.
     */
    default boolean ready() {
        return true;
    }

    /** Told when more than one batch's images are coming (the engine then starts its warm-up at once). */
    default void expectMore() {
    }

    /** Told when the first batch is the only one (the engine then starts no warm-up after it). */
    default void expectNoMore() {
    }

    /**
     * @param outputs  {@code [n, outputSize]}: probabilities (or logits without softmax), or features
     *                 for a headless model
     * @param features {@code [n, featureWidth]}, or null when not asked for
     */
    record Result(float[] outputs, float[] features) {
    }
}
