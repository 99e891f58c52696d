package org.mobilenet.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;
import org.mobilenet.io.onnx.OnnxImporter;
import org.mobilenet.io.safetensors.SafetensorsModels;
import org.mobilenet.io.tflite.TfliteImporter;

/** Loads and saves engine models, choosing the format from the file extension (or an explicit format). */
public final class ModelFiles {
    /** The model file formats. */
    public enum Format {
        ONNX("onnx"), SAFETENSORS("safetensors"), TFLITE("tflite");

        private final String id;

        Format(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Parses a format name, or an extension with or without its dot. */
        public static Format parse(String s) {
            String x = s.trim().toLowerCase(Locale.ROOT);
            if (x.startsWith(".")) {
                x = x.substring(1);
            }
            for (Format f : values()) {
                if (f.id.equals(x)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown model format '" + s + "': expected onnx, safetensors or tflite");
        }

        /** The format a file's extension names, or null. */
        public static Format of(Path file) {
            String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            try {
                return parse(n.substring(dot + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

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

    /** Loads a model by its extension (.onnx, .safetensors, .tflite). */
    public static Model load(Path file) throws IOException {
        Format f = Format.of(file);
        if (f == null) {
            throw new BadInputException(file, "has an unknown extension; expected .onnx, .safetensors or .tflite");
        }
        return load(file, f);
    }

    public static Model load(Path file, Format format) throws IOException {
        return switch (format) {
            case ONNX -> OnnxImporter.read(file).model();
            case SAFETENSORS -> SafetensorsModels.read(file);
            case TFLITE -> TfliteImporter.load(file);
        };
    }

    /** Saves by the extension, atomically (temp file in the same folder, then rename). */
    public static void save(Model model, Path file, SaveOptions options) throws IOException {
        Format f = Format.of(file);
        if (f == null) {
            throw new IllegalArgumentException(file + ": unknown extension; expected .onnx or .safetensors");
        }
        save(model, file, f, options);
    }

    public static void save(Model model, Path file, Format format, SaveOptions options) throws IOException {
        switch (format) {
            case ONNX -> OnnxExporter.write(model, options.onnx(), file, options.overwrite());
            case SAFETENSORS -> SafetensorsModels.write(model, file, options.overwrite());
            case TFLITE -> throw new IllegalArgumentException(file + ": writing TFLite is not supported; write .onnx or .safetensors");
        }
    }
}
