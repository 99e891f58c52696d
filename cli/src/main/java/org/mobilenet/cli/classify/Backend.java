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
     * False while a batch should wait: the backend is deciding whether to warm up (until it is told
     * enough images, or all of them), or warming up (the Java engine while its fast kernels are
     * compiled). A caller with images left to decode decodes them first.
     */
    default boolean ready() {
        return true;
    }

    /**
     * True while the backend is getting ready on a thread of its own and needs a core to do it (the
     * Java engine's warm-up, whose speed is the JIT's: its compiler threads compete with the
     * decoding workers). A caller with several workers then leaves one core to it.
     */
    default boolean warmingUp() {
        return false;
    }

    /**
     * Told how many images the command expects so far ({@code images}: those taken plus those known
     * to be coming) and whether that is all of them; called again as the count grows. The Java
     * engine starts its warm-up once they are enough to pay for it, and runs cold when they are all
     * and too few.
     */
    default void expectImages(long images, boolean all) {
    }

    /**
     * @param outputs  {@code [n, outputSize]}: probabilities (or logits without softmax), or features
     *                 for a headless model
     * @param features {@code [n, featureWidth]}, or null when not asked for
     */
    record Result(float[] outputs, float[] features) {
    }
}
