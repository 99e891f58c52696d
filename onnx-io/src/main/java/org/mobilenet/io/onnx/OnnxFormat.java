package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/** ONNX: read by {@link OnnxImporter} (PyTorch, tf2onnx, Keras and opset-9 styles), written by {@link OnnxExporter}. */
public final class OnnxFormat implements ModelFormat {
    @Override
    public String id() {
        return "onnx";
    }

    @Override
    public List<String> extensions() {
        return List.of("onnx");
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    @Override
    public Model read(Path file) throws IOException {
        return OnnxImporter.read(file).model();
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException {
        OnnxExporter.write(model, options.onnx(), file, options.overwrite());
    }
}
