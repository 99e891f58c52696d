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
     * @param onnx      how ONNX is written
     * @param overwrite replace an existing file
     */
    public record SaveOptions(OnnxExportOptions onnx, boolean overwrite) {
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
