package org.mobilenet.io.tflite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.io.tflite.FbWriter.Floats;
import org.mobilenet.io.tflite.FbWriter.Str;
import org.mobilenet.io.tflite.FbWriter.Table;
import org.mobilenet.io.tflite.FbWriter.Tables;

/**
 * Writes the TFLite model metadata (metadata_schema.fbs, identifier {@code M001}) that the TFLite
 * Support tools write and {@link TfliteMetadata} reads: the model's name and description, the input
 * tensor's normalization ({@code NormalizationOptions} mean and std in pixel units, per RGB channel)
 * and, when the model has labels, an associated file {@value #LABELS} of type TENSOR_AXIS_LABELS on
 * the output tensor, stored (uncompressed, as the Support tools store it) in a zip archive appended
 * to the FlatBuffer. The channel order and the resize mode have no place in that schema and are not
 * written.
 */
final class TfliteMetadataWriter {
    static final String LABELS = "labels.txt";
    private static final int NORMALIZATION_OPTIONS = 1;
    private static final int TENSOR_AXIS_LABELS = 2;

    private TfliteMetadataWriter() {
    }

    /** Adds the {@code TFLITE_METADATA} buffer for {@code model}. */
    static void addTo(TfliteSubgraphBuilder b, Model model) {
        // A file that keeps its own input steps (its graph rescales the input) takes the file's input:
        // its normalization is that input's, not the whole preprocessing.
        boolean steps = model.quantization().map(q -> !q.inputSteps().isEmpty()).orElse(false);
        Preprocessing p = steps ? model.fileInputNormalization() : model.preprocessing();
        Table normalization = new Table().put(0, new Floats(p.mean())).put(1, new Floats(p.std()));
        Table processUnit = new Table().i8(0, NORMALIZATION_OPTIONS).put(1, normalization);
        Table input = new Table().put(0, new Str("image"))
                .put(1, new Str("RGB image, " + model.inputHeight() + "x" + model.inputWidth()))
                .put(4, new Tables(List.of(processUnit)));
        Table output = new Table().put(0, new Str(model.classes() > 0 ? "probability" : "features"));
        if (!model.labels().isEmpty()) {
            output.put(6, new Tables(List.of(new Table().put(0, new Str(LABELS))
                    .put(1, new Str("Labels for the " + model.labels().size() + " classes"))
                    .i8(2, TENSOR_AXIS_LABELS))));
        }
        Table subgraph = new Table().put(2, new Tables(List.of(input))).put(3, new Tables(List.of(output)));
        String name = model.metadata().getOrDefault("name", model.describe());
        Table root = new Table().put(0, new Str(name)).put(3, new Tables(List.of(subgraph)))
                .put(7, new Str("1.0.0"));
        String description = model.metadata().get("description");
        if (description != null) {
            root.put(1, new Str(description));
        }
        b.metadata(TfliteMetadata.BUFFER_NAME, FbWriter.write(root, "M001"));
    }

    /** The FlatBuffer followed by a zip of the associated files (the labels), or alone when there are none. */
    static byte[] withAssociatedFiles(byte[] flatBuffer, Model model) {
        if (model.labels().isEmpty()) {
            return flatBuffer;
        }
        byte[] labels = (String.join("\n", model.labels()) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(flatBuffer.length + labels.length + 256);
        out.writeBytes(flatBuffer);
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry(LABELS);
            e.setMethod(ZipEntry.STORED);
            e.setSize(labels.length);
            e.setCompressedSize(labels.length);
            CRC32 crc = new CRC32();
            crc.update(labels);
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            zip.write(labels);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }
}
