package org.mobilenet.cli;

import org.mobilenet.engine.model.Model;
import org.mobilenet.io.keras.KerasImporter;
import picocli.CommandLine.Option;

/** {@code --input-size N}: the input size of a Keras weights file, which does not record one. */
public final class InputSizeOption {
    @Option(names = "--input-size", paramLabel = "N",
            description = "Keras weights files (.h5 without a model config, .weights.h5) do not record their input size:"
                    + " run them at N x N (default: the size in a keras.applications file name such as"
                    + " mobilenet_5_0_160_tf.h5, else 224).")
    Integer inputSize;

    /** The model at the --input-size when given (refused for models whose file gives their size). */
    public Model apply(Model m) {
        if (inputSize == null) {
            return m;
        }
        if (inputSize < 32 || inputSize > 4096) {
            throw new IllegalArgumentException("--input-size must be 32 to 4096, got " + inputSize);
        }
        return KerasImporter.withInputSize(m, inputSize);
    }
}
