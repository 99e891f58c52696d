package org.mobilenet.io.keras;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/**
 * Keras 3 .keras archives: read ({@link KerasImporter#readArchive}), and written as
 * keras.applications.MobileNet ({@link KerasExporter#writeArchive}).
 */
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
        return true;
    }

    @Override
    public Model read(Path file) throws IOException {
        return KerasImporter.readArchive(file, KerasH5Format.DEFAULT_INPUT_SIZE);
    }

    @Override
    public Model atInputSize(Model loaded, Path file, int size) {
        return KerasImporter.withInputSize(loaded, size);
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException {
        KerasExporter.writeArchive(model, file, options.overwrite());
    }

    @Override
    public List<String> writeNotes(Model model) {
        return KerasExporter.notes(model, true);
    }
}
