package org.mobilenet.io.safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/** safetensors with the engine's tensor names and its architecture in the metadata ({@link SafetensorsModels}). */
public final class SafetensorsFormat implements ModelFormat {
    @Override
    public String id() {
        return "safetensors";
    }

    @Override
    public List<String> extensions() {
        return List.of("safetensors");
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    @Override
    public Model read(Path file) throws IOException {
        return SafetensorsModels.read(file);
    }

    /** A PyTorch state dict without the architecture's metadata (read at 224), at that size instead. */
    @Override
    public Model atInputSize(Model loaded, Path file, int size) throws IOException {
        if (SafetensorsModels.recordsInputSize(file) || !loaded.isV1()) {
            throw ModelFiles.sizeRecorded(loaded);
        }
        return loaded.withSpec(loaded.spec().withResolution(size));
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException {
        SafetensorsModels.write(model, file, options.overwrite());
    }

    @Override
    public List<String> writeNotes(Model model) {
        return ModelFormat.floatWeightsNotes(model, "safetensors");
    }
}
