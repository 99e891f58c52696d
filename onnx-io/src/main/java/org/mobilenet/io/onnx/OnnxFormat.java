package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;

/**
 * ONNX: read by {@link OnnxImporter} (PyTorch, tf2onnx, Keras and opset-9 styles), written by
 * {@link OnnxExporter}, or by {@link OnnxQdqExporter} for a quantized model.
 */
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

    /** A graph whose input height and width are symbolic, imported again at that size. */
    @Override
    public Model atInputSize(Model loaded, Path file, int size) throws IOException {
        return OnnxImporter.read(file, OnnxImporter.sizeFor(loaded, size)).model();
    }

    /** Imported at that size at once: a graph that fits only some sizes (a fixed-size pooling) may not import at 224. */
    @Override
    public Model read(Path file, int size) throws IOException {
        Model m = OnnxImporter.read(file, size).model();
        OnnxImporter.sizeFor(m, size); // refused when the file fixes its size
        return m;
    }

    @Override
    public void write(Model model, Path file, ModelFiles.SaveOptions options) throws IOException {
        if (model.isQuantized()) {
            // A quantized model stays quantized (QDQ); model.dequantized() gives the float export.
            org.mobilenet.io.onnx.proto.Onnx.ModelProto proto = OnnxQdqExporter.toProto(model, options.onnx());
            org.mobilenet.io.AtomicFiles.write(file, options.overwrite(), proto::writeTo);
            return;
        }
        if (options.halfWeights()) {
            // Half precision throughout, the input and output kept float32 (a Cast at each end).
            org.mobilenet.io.onnx.proto.Onnx.ModelProto half = OnnxExporter.toHalf(OnnxExporter.toProto(model, options.onnx()), true);
            org.mobilenet.io.AtomicFiles.write(file, options.overwrite(), half::writeTo);
            return;
        }
        OnnxExporter.write(model, options.onnx(), file, options.overwrite());
    }
}
