package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the TFLite model metadata (metadata_schema.fbs, stored in the buffer named
 * {@code TFLITE_METADATA}) used here: the model's name and description, and the names of its
 * associated files of type TENSOR_AXIS_LABELS (the class labels). Field numbers:
 * {@code ModelMetadata{name, description, version, subgraph_metadata, author, license,
 * associated_files, ...}}, {@code SubGraphMetadata{name, description, input_tensor_metadata,
 * output_tensor_metadata, associated_files, ...}}, {@code TensorMetadata{name, description,
 * dimension_names, content, process_units, stats, associated_files, ...}},
 * {@code AssociatedFile{name, description, type, locale, version}}.
 *
 * @param name        model name, or null
 * @param description model description, or null
 * @param labelFiles  names of the associated label files, output tensor's first
 */
record TfliteMetadata(String name, String description, List<String> labelFiles) {
    static final String BUFFER_NAME = "TFLITE_METADATA";
    private static final int TENSOR_AXIS_LABELS = 2;

    static final TfliteMetadata NONE = new TfliteMetadata(null, null, List.of());

    /** Parses the metadata of a model; {@link #NONE} when it has none. */
    static TfliteMetadata of(TfliteFile file) {
        ByteBuffer b = file.metadataBuffer(BUFFER_NAME);
        if (b == null) {
            return NONE;
        }
        FbTable root = new FlatBuffer(b).root();
        List<String> labels = new ArrayList<>();
        FbVector subgraphs = root.vector(3, 4);
        if (subgraphs != null && subgraphs.length() > 0) {
            FbTable sg = subgraphs.table(0);
            FbVector outs = sg.vector(3, 4);
            for (int i = 0; outs != null && i < outs.length(); i++) {
                addLabels(outs.table(i).vector(6, 4), labels);
            }
            addLabels(sg.vector(4, 4), labels);
        }
        addLabels(root.vector(6, 4), labels);
        return new TfliteMetadata(root.string(0), root.string(1), List.copyOf(labels));
    }

    private static void addLabels(FbVector files, List<String> out) {
        for (int i = 0; files != null && i < files.length(); i++) {
            FbTable f = files.table(i);
            String n = f.string(0);
            if (n != null && f.i8(2, 0) == TENSOR_AXIS_LABELS && !out.contains(n)) {
                out.add(n);
            }
        }
    }
}
