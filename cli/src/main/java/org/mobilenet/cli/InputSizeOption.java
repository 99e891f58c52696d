package org.mobilenet.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import picocli.CommandLine.Option;

/**
 * {@code --input-size N}: the input size of a model whose file does not record one (see
 * {@link ModelFiles#atInputSize}).
 */
public final class InputSizeOption {
    @Option(names = "--input-size", paramLabel = "N",
            description = "Run a model whose file does not record its input size at N x N: Keras weights files"
                    + " (.h5 without a model config, .weights.h5; default: the size in a keras.applications file"
                    + " name such as mobilenet_5_0_160_tf.h5, else 224), ONNX graphs whose input height and width"
                    + " are symbolic, and PyTorch state dicts in safetensors (default 224).")
    Integer inputSize;

    /** The model command {@code spec} works on ({@link Session#model(Path)} of {@code option}) at the --input-size. */
    public Model model(Session session, Path option) throws IOException {
        if (inputSize != null && option != null) {
            return ModelFiles.load(option, null, inputSize); // read at the size (a read-ahead is left unused)
        }
        Model m = session.model(option);
        return apply(m, option != null ? option : session.modelFile().orElse(null), null);
    }

    /** {@code file} read as {@code format} (null: by its extension), at the --input-size when given. */
    public Model load(Path file, ModelFormat format) throws IOException {
        return inputSize == null ? (format == null ? ModelFiles.load(file) : ModelFiles.load(file, format))
                : ModelFiles.load(file, format, inputSize);
    }

    /**
     * {@code m}, read from {@code file} (as {@code format}, or by its extension when null), at the
     * --input-size when given (refused for models whose file gives their size).
     */
    public Model apply(Model m, Path file, ModelFormat format) throws IOException {
        if (inputSize == null) {
            return m;
        }
        if (file == null) {
            throw ModelFiles.sizeRecorded(m);
        }
        return ModelFiles.atInputSize(m, file, format, inputSize);
    }

    /** The asked size, or 0 when the option is not given. */
    public int size() {
        return inputSize == null ? 0 : inputSize;
    }
}
