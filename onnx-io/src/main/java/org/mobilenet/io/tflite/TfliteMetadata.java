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
 * @param mean        the input's NormalizationOptions mean (one or three values, pixel units), or null
 * @param std         the input's NormalizationOptions std, or null; present when {@code mean} is
 */
record TfliteMetadata(String name, String description, List<String> labelFiles, float[] mean, float[] std) {
    static final String BUFFER_NAME = "TFLITE_METADATA";
    private static final int TENSOR_AXIS_LABELS = 2;
    private static final int NORMALIZATION_OPTIONS = 1;

    static final TfliteMetadata NONE = new TfliteMetadata(null, null, List.of(), null, null);

    /** Parses the metadata of a model; {@link #NONE} when it has none. */
    static TfliteMetadata of(TfliteFile file) {
        ByteBuffer b = file.metadataBuffer(BUFFER_NAME);
        if (b == null) {
            return NONE;
        }
        FbTable root = new FlatBuffer(b).root();
        List<String> labels = new ArrayList<>();
        FbVector subgraphs = root.vector(3, 4);
        float[] mean = null;
        float[] std = null;
        if (subgraphs != null && subgraphs.length() > 0) {
            FbTable sg = subgraphs.table(0);
            FbVector ins = sg.vector(2, 4);
            FbVector units = ins != null && ins.length() > 0 ? ins.table(0).vector(4, 4) : null;
            for (int i = 0; units != null && i < units.length(); i++) {
                FbTable u = units.table(i);
                FbTable n = u.i8(0, 0) == NORMALIZATION_OPTIONS ? u.table(1) : null;
                FbVector m = n == null ? null : n.vector(0, 4);
                FbVector s = n == null ? null : n.vector(1, 4);
                if (m != null && s != null && (m.length() == 1 || m.length() == 3) && s.length() == m.length()) {
                    mean = m.floats();
                    std = s.floats();
                }
            }
            FbVector outs = sg.vector(3, 4);
            for (int i = 0; outs != null && i < outs.length(); i++) {
                addLabels(outs.table(i).vector(6, 4), labels);
            }
            addLabels(sg.vector(4, 4), labels);
        }
        addLabels(root.vector(6, 4), labels);
        return new TfliteMetadata(root.string(0), root.string(1), List.copyOf(labels), mean, std);
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
