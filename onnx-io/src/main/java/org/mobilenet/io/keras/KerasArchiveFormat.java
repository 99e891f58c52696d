package org.mobilenet.io.keras;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/** Keras 3 .keras archives ({@link KerasImporter#readArchive}). */
public final class KerasArchiveFormat implements ModelFormat {
    @Override
    public String id() {
        return "keras";
    }

    @Override
    public List<String> extensions() {
        return List.of("keras");
    }

    @Override
    public boolean canWrite() {
        return false;
    }

    @Override
    public Model read(Path file) throws IOException {
        return KerasImporter.readArchive(file, KerasH5Format.DEFAULT_INPUT_SIZE);
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) {
        throw new UnsupportedOperationException(file + ": writing Keras is not supported yet");
    }
}
