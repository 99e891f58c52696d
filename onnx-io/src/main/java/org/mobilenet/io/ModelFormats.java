package org.mobilenet.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mobilenet.io.keras.KerasArchiveFormat;
import org.mobilenet.io.keras.KerasH5Format;
import org.mobilenet.io.onnx.OnnxFormat;
import org.mobilenet.io.safetensors.SafetensorsFormat;
import org.mobilenet.io.tflite.TfliteFormat;

/** The registry of {@link ModelFormat}s: by name, and by file extension. */
public final class ModelFormats {
    public static final ModelFormat ONNX = new OnnxFormat();
    public static final ModelFormat SAFETENSORS = new SafetensorsFormat();
    public static final ModelFormat TFLITE = new TfliteFormat();
    public static final ModelFormat KERAS_H5 = new KerasH5Format();
    public static final ModelFormat KERAS = new KerasArchiveFormat();

    /** Every known format, in the order messages list them. */
    public static final List<ModelFormat> ALL = List.of(ONNX, SAFETENSORS, TFLITE, KERAS_H5, KERAS);

    private ModelFormats() {
    }

    /** Parses a format name ({@code onnx}) or an extension with or without its dot ({@code .onnx}). */
    public static ModelFormat parse(String s) {
        String x = s.trim().toLowerCase(Locale.ROOT);
        if (x.startsWith(".")) {
            x = x.substring(1);
        }
        for (ModelFormat f : ALL) {
            if (f.id().equals(x) || f.extensions().contains(x)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model format '" + s + "': expected " + names());
    }

    /**
     * The format a file's name says, or null. Where two formats' extensions both match, the longer
     * extension wins ({@code m.weights.h5} over {@code m.h5}).
     */
    public static ModelFormat of(Path file) {
        ModelFormat best = null;
        int bestLength = -1;
        for (ModelFormat f : ALL) {
            String e = extensionOf(file, f);
            if (e != null && e.length() > bestLength) {
                best = f;
                bestLength = e.length();
            }
        }
        return best;
    }

    /** The format names, for messages: "onnx, safetensors or tflite". */
    public static String names() {
        return orList(ALL.stream().map(ModelFormat::id).toList());
    }

    /** The readable extensions, for messages: ".onnx, .safetensors or .tflite". */
    public static String extensions() {
        List<String> all = new ArrayList<>();
        ALL.forEach(f -> f.extensions().forEach(e -> all.add("." + e)));
        return orList(all);
    }

    /** The extensions of the formats that can be written, for messages. */
    public static String writableExtensions() {
        List<String> all = new ArrayList<>();
        ALL.stream().filter(ModelFormat::canWrite).forEach(f -> f.extensions().forEach(e -> all.add("." + e)));
        return orList(all);
    }

    /** The extension of {@code f} that {@code file}'s name ends with, or null. */
    static String extensionOf(Path file, ModelFormat f) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String found = null;
        for (String e : f.extensions()) {
            if (n.endsWith("." + e) && n.length() > e.length() + 1 && (found == null || e.length() > found.length())) {
                found = e;
            }
        }
        return found;
    }

    private static String orList(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return items.subList(0, items.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + items.get(items.size() - 1);
    }
}
