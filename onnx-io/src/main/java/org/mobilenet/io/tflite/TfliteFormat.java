package org.mobilenet.io.tflite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/** TFLite FlatBuffers: read by {@link TfliteImporter}, written by {@link TfliteExporter}. */
public final class TfliteFormat implements ModelFormat {
    @Override
    public String id() {
        return "tflite";
    }

    @Override
    public List<String> extensions() {
        return List.of("tflite");
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    @Override
    public Model read(Path file) throws IOException {
        return TfliteImporter.load(file);
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException {
        TfliteExporter.write(model, file, options.overwrite(), options.halfWeights());
    }
}
