package org.mobilenet.io.keras;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import java.util.Locale;

/**
 * Keras HDF5 files: reads .h5 and .weights.h5 in every layout Keras writes ({@link KerasImporter});
 * writes keras.applications.MobileNet's weights ({@link KerasExporter}): .h5 in the legacy layout,
 * .weights.h5 in Keras 3's.
 */
public final class KerasH5Format implements ModelFormat {
    /** The input side of a weights-only file whose name does not say it (keras.applications' default). */
    public static final int DEFAULT_INPUT_SIZE = 224;

    @Override
    public String id() {
        return "keras-h5";
    }

    @Override
    public List<String> extensions() {
        return List.of("weights.h5", "h5");
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    @Override
    public Model read(Path file) throws IOException {
        return KerasImporter.readH5(file, DEFAULT_INPUT_SIZE);
    }

    @Override
    public Model atInputSize(Model loaded, Path file, int size) {
        return KerasImporter.withInputSize(loaded, size);
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException {
        if (String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT).endsWith(".weights.h5")) {
            KerasExporter.writeKeras3Weights(model, file, options.overwrite());
        } else {
            KerasExporter.writeH5(model, file, options.overwrite());
        }
    }

    @Override
    public List<String> writeNotes(Model model) {
        return KerasExporter.notes(model);
    }
}
