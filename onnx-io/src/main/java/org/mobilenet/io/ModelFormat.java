package org.mobilenet.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;

/**
 * One model file format: how a file becomes a {@link Model} and back. Adding a format is one class
 * implementing this and one line in {@link ModelFormats#ALL}; the commands find it by name or by file
 * extension and know nothing else of it.
 *
 * <p>Readers treat their file as hostile (see {@link BadInputException}); writers write atomically
 * ({@link AtomicFiles}): a temporary file in the target's folder, renamed into place.
 */
public interface ModelFormat {
    /** The name used by {@code --from}/{@code --to} and printed by {@code info}: {@code onnx}, {@code tflite}. */
    String id();

    /**
     * The file name endings that mean this format, lower case without the leading dot, longest first
     * where one ends another ({@code weights.h5} before {@code h5}).
     */
    List<String> extensions();

    /** True when {@link #write} works (a format may be read-only). */
    boolean canWrite();

    /**
     * Reads a model.
     *
     * @throws BadInputException when the file is not a well-formed file of this format
     * @throws org.mobilenet.engine.model.UnsupportedModelException when it is well-formed but holds a
     *         model the engine does not support
     */
    Model read(Path file) throws IOException;

    /**
     * Writes a model atomically.
     *
     * @throws UnsupportedOperationException when {@link #canWrite()} is false
     * @throws org.mobilenet.engine.model.UnsupportedModelException when the model cannot be expressed
     *         in this format
     */
    void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException;

    /**
     * The model {@link #read} gave for {@code file} ({@code loaded}) at an input of {@code size x size},
     * for a file that does not record its input size ({@code --input-size}; see
     * {@link ModelFiles#atInputSize}). This default refuses: the file gives its size.
     *
     * @throws IllegalArgumentException when the file gives its input size
     */
    default Model atInputSize(Model loaded, Path file, int size) throws IOException {
        throw ModelFiles.sizeRecorded(loaded);
    }

    /**
     * Reads a model whose file does not record its input size at {@code size x size} (see
     * {@link #atInputSize}); the default reads it as it comes and then sizes it. A format whose import
     * depends on the size (a graph that fits only some sizes) reads it at that size in the first place.
     *
     * @throws IllegalArgumentException when the file gives its input size
     */
    default Model read(Path file, int size) throws IOException {
        return atInputSize(read(file), file, size);
    }

    /**
     * What writing {@code model} in this format changes or drops, one line each (for a note on
     * stderr); empty when the file holds the model as it is.
     */
    default List<String> writeNotes(Model model) {
        return List.of();
    }

    /**
     * The note of a format whose files hold float weights only ({@code name}: safetensors, Keras) when
     * {@code model} is quantized: it is written in its dequantized form.
     */
    static List<String> floatWeightsNotes(Model model, String name) {
        return model.isQuantized()
                ? List.of("the model is quantized and " + name + " files hold float weights: it is written dequantized"
                        + " (TFLite and ONNX files keep it quantized)")
                : List.of();
    }

    /** True when {@code file}'s name ends with one of {@link #extensions()} (case-insensitive). */
    default boolean matches(Path file) {
        return ModelFormats.extensionOf(file, this) != null;
    }
}
