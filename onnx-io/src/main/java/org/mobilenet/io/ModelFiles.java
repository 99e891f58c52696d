package org.mobilenet.io;

import java.io.IOException;
import java.nio.file.Path;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.onnx.OnnxExportOptions;

/** Loads and saves engine models through their {@link ModelFormat}, chosen by file extension or given. */
public final class ModelFiles {
    /**
     * Save options.
     *
     * @param onnx        how ONNX is written
     * @param overwrite   replace an existing file
     * @param halfWeights a float model's weights and biases stored as float16: in TFLite each behind a
     *                    DEQUANTIZE operator (TFLite's float16 quantization: it computes in float32 with
     *                    the float16 values); in ONNX the whole graph in half precision, its input and
     *                    output float32 with a Cast at each end (ONNX Runtime computes in float16)
     */
    public record SaveOptions(OnnxExportOptions onnx, boolean overwrite, boolean halfWeights) {
        public SaveOptions(OnnxExportOptions onnx, boolean overwrite) {
            this(onnx, overwrite, false);
        }

        public static SaveOptions defaults() {
            return new SaveOptions(OnnxExportOptions.defaults(), false);
        }
    }

    private ModelFiles() {
    }

    /** Loads a model by its extension ({@link ModelFormats#of}). */
    public static Model load(Path file) throws IOException {
        ModelFormat f = ModelFormats.of(file);
        if (f == null) {
            throw new BadInputException(file, "has an unknown extension; expected " + ModelFormats.extensions());
        }
        return f.read(file);
    }

    public static Model load(Path file, ModelFormat format) throws IOException {
        return format.read(file);
    }

    /**
     * Loads a model whose file does not record its input size at {@code size x size}
     * ({@code --input-size}; {@link ModelFormat#read(Path, int)}), as {@code format} (null: by its
     * extension).
     *
     * @throws IllegalArgumentException for a size outside 32 to 4096, or a file that gives its input size
     */
    public static Model load(Path file, ModelFormat format, int size) throws IOException {
        requireInputSize(size);
        ModelFormat f = format != null ? format : ModelFormats.of(file);
        if (f == null) {
            throw new BadInputException(file, "has an unknown extension; expected " + ModelFormats.extensions());
        }
        return f.read(file, size);
    }

    /**
     * The model {@code loaded} from {@code file} at an input of {@code size x size} ({@code --input-size}),
     * for the files that do not record their input size: Keras weights files, ONNX graphs whose input
     * height and width are symbolic, PyTorch state dicts in safetensors (each format's
     * {@link ModelFormat#atInputSize}).
     *
     * @throws IllegalArgumentException for a size outside 32 to 4096, or a file that gives its input size
     */
    public static Model atInputSize(Model loaded, Path file, int size) throws IOException {
        return atInputSize(loaded, file, ModelFormats.of(file), size);
    }

    /** {@link #atInputSize(Model, Path, int)} for a file read as {@code format} (null: by its extension). */
    public static Model atInputSize(Model loaded, Path file, ModelFormat format, int size) throws IOException {
        requireInputSize(size);
        ModelFormat f = format != null ? format : ModelFormats.of(file);
        if (f == null) {
            throw sizeRecorded(loaded);
        }
        return f.atInputSize(loaded, file, size);
    }

    /**
     * {@code size} when it is an input size {@link #atInputSize} takes (32 to 4096).
     *
     * @throws InputSizeException otherwise
     */
    public static int requireInputSize(int size) {
        if (size < 32 || size > 4096) {
            throw new InputSizeException("must be 32 to 4096, got " + size);
        }
        return size;
    }

    /** The refusal of {@link #atInputSize} for a model whose file gives its input size. */
    public static InputSizeException sizeRecorded(Model m) {
        return new InputSizeException("applies to files that do not record their input size"
                + " (Keras weights files, ONNX graphs with a symbolic height and width, PyTorch state dicts); this"
                + " model's file gives " + m.inputHeight() + "x" + m.inputWidth());
    }

    /** Saves by the extension, atomically (temp file in the same folder, then rename). */
    public static void save(Model model, Path file, SaveOptions options) throws IOException {
        ModelFormat f = ModelFormats.of(file);
        if (f == null || !f.canWrite()) {
            throw new IllegalArgumentException(file + ": " + (f == null ? "unknown extension" : "writing " + f.id()
                    + " is not supported") + "; expected " + ModelFormats.writableExtensions());
        }
        f.write(model, file, options);
    }

    public static void save(Model model, Path file, ModelFormat format, SaveOptions options) throws IOException {
        if (!format.canWrite()) {
            throw new IllegalArgumentException(file + ": writing " + format.id() + " is not supported; write "
                    + ModelFormats.writableExtensions());
        }
        format.write(model, file, options);
    }
}
