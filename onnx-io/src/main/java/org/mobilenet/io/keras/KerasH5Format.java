package org.mobilenet.io.keras;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/** Keras HDF5 files, .h5 and .weights.h5, in every layout Keras writes ({@link KerasImporter}). */
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
        return false;
    }

    @Override
    public Model read(Path file) throws IOException {
        return KerasImporter.readH5(file, DEFAULT_INPUT_SIZE);
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) {
        throw new UnsupportedOperationException(file + ": writing Keras is not supported yet");
    }
}
