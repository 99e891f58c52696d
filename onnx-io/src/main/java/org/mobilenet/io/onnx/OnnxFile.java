package org.mobilenet.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

/** Reads and checks the protobuf envelope of an {@code .onnx} file. */
public final class OnnxFile {
    /** Protobuf's own hard limit for one message. */
    private static final long MAX_SIZE = Integer.MAX_VALUE;

    private OnnxFile() {
    }

    /**
     * Parses a model file. Refuses empty, oversized, truncated or non-protobuf files, and models
     * with no graph, with a {@link BadInputException} naming the file.
     */
    public static ModelProto read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        }
        if (size == 0) {
            throw new BadInputException(file, "expected an ONNX model, found an empty file");
        }
        if (size > MAX_SIZE) {
            throw new BadInputException(file, "ONNX model of " + size + " bytes is larger than protobuf's 2 GiB "
                    + "limit; keep the weights in external data files");
        }
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit((int) size);
            cis.setRecursionLimit(100);
            model = ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException(file, "expected an ONNX model (protobuf ModelProto), found bytes that do not "
                    + "parse: " + firstLine(e.getMessage()));
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new BadInputException(file, "expected an ONNX model with a graph, found "
                    + (model.hasGraph() ? "an empty graph" : "no graph"));
        }
        if (model.getOpsetImportCount() == 0 && model.getIrVersion() == 0) {
            throw new BadInputException(file, "expected an ONNX model with an IR version and opset, found neither");
        }
        return model;
    }

    /**
     * A copy of the model with every externally stored initializer read into {@code raw_data}, so it
     * can be handed to a runtime as bytes. Locations are checked as on import.
     */
    public static ModelProto inlineExternalData(Path file, ModelProto model) throws IOException {
        TensorData data = new TensorData(file);
        var g = model.getGraph().toBuilder();
        boolean changed = false;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            var t = g.getInitializer(i);
            if (t.getDataLocation() != org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataLocation.EXTERNAL) {
                continue;
            }
            int size = switch (t.getDataType()) {
                case 1, 6, 12 -> 4;
                case 7, 11, 13 -> 8;
                case 10, 16, 4, 5 -> 2;
                case 2, 3, 9 -> 1;
                default -> throw new BadInputException(file, "tensor '" + t.getName() + "' has external data of "
                        + TensorData.typeName(t.getDataType()) + ", which cannot be inlined");
            };
            byte[] raw = data.externalBytes(t, size);
            g.setInitializer(i, t.toBuilder().clearExternalData().clearDataLocation()
                    .setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
            changed = true;
        }
        return changed ? model.toBuilder().setGraph(g).build() : model;
    }

    /** True when any initializer keeps its data in an external file. */
    public static boolean hasExternalData(ModelProto model) {
        return model.getGraph().getInitializerList().stream().anyMatch(
                t -> t.getDataLocation() == org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataLocation.EXTERNAL);
    }

    /** The default-domain opset the model imports (1 if none is listed, as ONNX specifies for IR < 3). */
    public static int opset(ModelProto model) {
        for (var o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return 1;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
