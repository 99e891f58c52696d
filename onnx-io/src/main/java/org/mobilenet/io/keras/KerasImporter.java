package org.mobilenet.io.keras;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.StandardArchitectures;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.InputRescale;
import org.mobilenet.io.LabelLines;
import org.mobilenet.io.keras.KerasConfig.ConfigException;

/**
 * Reads Keras models: every .h5 layout Keras writes, and Keras 3 .keras archives.
 * <ul>
 *   <li>a whole model, {@code model.save("m.h5")} (Keras 2, and Keras 3's legacy h5): the root
 *       attribute {@code model_config} holds the architecture, the weights are under
 *       {@code model_weights/<layer>/} as its {@code weight_names} list them;</li>
 *   <li>weights only, {@code save_weights("w.h5")}: root attribute {@code layer_names}, a group per
 *       layer; the file holds no architecture, so it is read as {@code keras.applications.MobileNet}
 *       or {@code MobileNetV2} ({@link KerasApplications}) when its layer names are that model's, with
 *       alpha and classes from the weights' shapes and the input size from a keras.applications file
 *       name ({@code mobilenet_5_0_160_tf.h5}) or the default;</li>
 *   <li>Keras 3 weights ({@code .weights.h5}, and {@code model.weights.h5} inside a .keras archive):
 *       {@code layers/<snake_case class>[_N]/vars/<i>}, matched to the layers of the archive's
 *       {@code config.json}, or for a lone .weights.h5 to keras.applications.MobileNet's or
 *       MobileNetV2's.</li>
 * </ul>
 * The layers become an engine graph ({@link KerasGraphBuilder}), recognized as a MobileNet v1 or v2
 * where it is one ({@link StandardArchitectures}; tensors then take the generator's names), else
 * kept as a generic graph. Preprocessing is Keras's {@code x / 127.5 - 1} on RGB, stretched.
 */
public final class KerasImporter {
    /**
     * Metadata key saying where the input size came from: {@code config} (the model's own),
     * {@code file name} (a keras.applications name), {@code default} (a weights file holds none), or
     * {@code option} ({@link #withInputSize}).
     */
    public static final String INPUT_SIZE_KEY = "keras.input_size";

    /** The largest file read (a MobileNet v1 at alpha 1 is 17 MB of float32). */
    static final long MAX_FILE = 1L << 30;

    private KerasImporter() {
    }

    /**
     * Reads an .h5 or .weights.h5 file.
     *
     * @param defaultSize the input side for a weights-only file whose name does not say it
     */
    public static Model readH5(Path path, int defaultSize) throws IOException {
        byte[] bytes = readAll(path);
        try (H5File h5 = H5File.open(path, "", bytes)) {
            return fromH5(path, h5, null, defaultSize, "keras-h5");
        }
    }

    /** Reads a Keras 3 .keras archive. */
    public static Model readArchive(Path path, int defaultSize) throws IOException {
        KerasArchive a = KerasArchive.read(path, readAll(path));
        KerasConfig config;
        try {
            config = KerasConfig.parse(a.config());
        } catch (ConfigException e) {
            throw new BadInputException(path, "config.json: " + e.getMessage());
        }
        try (H5File h5 = H5File.open(path, "model.weights.h5: ", a.weights())) {
            return fromH5(path, h5, config, defaultSize, "keras");
        }
    }

    private static byte[] readAll(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE) {
            throw new BadInputException(path, "is " + size + " bytes; Keras MobileNet files are at most " + MAX_FILE);
        }
        return Files.readAllBytes(path);
    }

    /** The model in {@code h5}; {@code archiveConfig} is a .keras archive's config, or null. */
    private static Model fromH5(Path path, H5File h5, KerasConfig archiveConfig, int defaultSize, String format)
            throws BadInputException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", format);
        meta.put("source", String.valueOf(path.getFileName()));
        KerasConfig config;
        KerasWeights weights;
        try {
            if (archiveConfig != null) {
                config = archiveConfig;
                weights = KerasWeights.keras3(h5, config.layers());
                meta.put("keras.layout", "keras 3 archive");
            } else if (h5.stringAttribute("", "model_config") != null) {
                config = KerasConfig.parse(h5.stringAttribute("", "model_config"));
                if (!h5.isGroup("model_weights")) {
                    throw h5.bad("has a model_config but no model_weights group");
                }
                weights = KerasWeights.legacy(h5, "model_weights");
                meta.put("keras.layout", "whole model (h5)");
                version(h5, "model_weights", meta);
            } else if (h5.stringListAttribute("", "layer_names") != null) {
                config = applicationsLegacy(h5, path, defaultSize);
                meta.put(INPUT_SIZE_KEY, inputSizeSource(path));
                weights = KerasWeights.legacy(h5, "");
                meta.put("keras.layout", "weights only (h5), as keras.applications.MobileNet");
                version(h5, "", meta);
            } else if (h5.isGroup("layers")) {
                config = applicationsKeras3(h5, path, defaultSize);
                meta.put(INPUT_SIZE_KEY, inputSizeSource(path));
                weights = KerasWeights.keras3(h5, config.layers());
                meta.put("keras.layout", "keras 3 weights, as keras.applications.MobileNet");
            } else {
                throw h5.bad("not a Keras file: no model_config or layer_names attribute and no 'layers' group");
            }
            meta.putIfAbsent(INPUT_SIZE_KEY, config.inputH() > 0 && config.inputW() > 0 ? "config" : "default");
            KerasGraphBuilder.Result r = KerasGraphBuilder.build(config, defaultSize, weights);
            return assemble(path, r, meta);
        } catch (ConfigException e) {
            throw h5.bad(e.getMessage());
        }
    }

    private static String inputSizeSource(Path path) {
        return KerasApplications.hint(String.valueOf(path.getFileName())) != null ? "file name" : "default";
    }

    /**
     * The model at an {@code size x size} input, for a Keras file that does not record its input
     * size (a weights file; {@code --input-size}). MobileNet's weights fit any input size.
     *
     * @throws IllegalArgumentException for a model whose file gives its input size
     */
    public static Model withInputSize(Model m, int size) {
        String source = m.metadata().get(INPUT_SIZE_KEY);
        if (source == null || source.equals("config") || !(m.isV1() || m.architecture() instanceof MobileNetV2Spec)) {
            throw org.mobilenet.io.ModelFiles.sizeRecorded(m);
        }
        Map<String, String> meta = new LinkedHashMap<>(m.metadata());
        meta.put(INPUT_SIZE_KEY, "option");
        Model resized = m.architecture() instanceof MobileNetV2Spec v2
                ? m.withArchitecture(v2.withResolution(org.mobilenet.engine.arch.Resolution.square(size)))
                : m.withSpec(m.spec().withResolution(size));
        return resized.withMetadata(meta);
    }

    private static void version(H5File h5, String group, Map<String, String> meta) throws BadInputException {
        String v = h5.stringAttribute(group, "keras_version");
        if (v != null) {
            meta.put("keras_version", v);
        }
        String b = h5.stringAttribute(group, "backend");
        if (b != null) {
            meta.put("keras.backend", b);
        }
    }

    /** A legacy weights-only file: keras.applications.MobileNet or MobileNetV2 if its layer names are theirs. */
    private static KerasConfig applicationsLegacy(H5File h5, Path path, int defaultSize) throws BadInputException {
        List<String> names = h5.stringListAttribute("", "layer_names");
        if (names.contains("Conv1") && names.contains("block_16_project") && names.contains("Conv_1")) {
            return applicationsV2(h5, path, defaultSize, names);
        }
        if (!names.contains("conv1") || !names.contains("conv_pw_13")) {
            throw h5.bad("unsupported: a weights-only file holds no architecture, and its layers ("
                    + preview(names) + ") are not keras.applications.MobileNet's (conv1 ... conv_pw_13) nor"
                    + " MobileNetV2's (Conv1 ... block_16_project, Conv_1)");
        }
        int[] last = firstWeightShape(h5, "conv_pw_13");
        int[] preds = names.contains("conv_preds") ? firstWeightShape(h5, "conv_preds") : null;
        return applications(h5, path, defaultSize, last, preds);
    }

    /**
     * keras.applications.MobileNetV2: the alpha whose widths give Conv1's, block_16_project's and
     * Conv_1's output channels (the published ones first, then the file name's), classes from
     * {@code predictions}.
     */
    private static KerasConfig applicationsV2(H5File h5, Path path, int defaultSize, List<String> names)
            throws BadInputException {
        // The classifier is 'predictions'; keras_applications up to 1.0.8 named it 'Logits'.
        String top = names.contains("predictions") ? "predictions" : names.contains(LEGACY_V2_TOP) ? LEGACY_V2_TOP : null;
        KerasConfig c = applicationsV2(h5, path, defaultSize, firstWeightShape(h5, "Conv1"),
                firstWeightShape(h5, "block_16_project"), firstWeightShape(h5, "Conv_1"),
                top == null ? null : firstWeightShape(h5, top));
        return LEGACY_V2_TOP.equals(top) ? c.renamed("predictions", LEGACY_V2_TOP) : c;
    }

    /** The name keras_applications (to 1.0.8) gave MobileNetV2's classifier, now {@code predictions}. */
    static final String LEGACY_V2_TOP = "Logits";

    private static KerasConfig applicationsV2(H5File h5, Path path, int defaultSize, int[] stemShape, int[] lastShape,
            int[] topShape, int[] preds) throws BadInputException {
        if (stemShape.length != 4 || lastShape.length != 4 || topShape.length != 4) {
            throw h5.bad("MobileNetV2's convolution kernels are (KH, KW, Cin, Cout); found "
                    + java.util.Arrays.toString(stemShape));
        }
        int stem = stemShape[3];
        int last = lastShape[3];
        int top = topShape[3];
        if (preds != null && preds.length != 2) {
            throw h5.bad("predictions' kernel has shape " + java.util.Arrays.toString(preds) + "; expected (C, classes)");
        }
        KerasApplications.NameHint hint = KerasApplications.hint(String.valueOf(path.getFileName()));
        int size = hint != null ? hint.size() : defaultSize;
        int classes = preds == null ? 0 : preds[1];
        List<Double> alphas = new java.util.ArrayList<>();
        if (hint != null) {
            alphas.add(hint.alpha());
        }
        alphas.addAll(List.of(1.0, 0.35, 0.5, 0.75, 1.3, 1.4, last / 320.0, stem / 32.0));
        for (double a : alphas) {
            if (!(a > 0 && a <= 4)) {
                continue;
            }
            MobileNetV2Spec spec = new MobileNetV2Spec(a, org.mobilenet.engine.arch.Resolution.square(size), classes,
                    true);
            if (spec.width(32) == stem && spec.width(320) == last && spec.lastWidth() == top) {
                return KerasApplications.mobileNetV2(spec, classes);
            }
        }
        throw h5.bad("unsupported: the MobileNetV2 layers' widths (" + stem + ", ..., " + last + ", " + top
                + ") follow no width multiplier");
    }

    /** A lone Keras 3 weights file: read as keras.applications.MobileNet (conv2d_13 is conv_pw_13). */
    private static KerasConfig applicationsKeras3(H5File h5, Path path, int defaultSize) throws BadInputException {
        // MobileNetV2: 17 depthwise convs; Conv2D 0 is Conv1, 1 block 0's projection, 2N and 2N + 1 block N's
        // expansion and projection, 34 Conv_1; the classifier is Dense.
        if (h5.isDataset("layers/depthwise_conv2d_16/vars/0") && !h5.isGroup("layers/depthwise_conv2d_17")
                && h5.isDataset("layers/conv2d_34/vars/0")) {
            return applicationsV2(h5, path, defaultSize, h5.floats("layers/conv2d/vars/0", null).shape(),
                    h5.floats("layers/conv2d_33/vars/0", null).shape(), h5.floats("layers/conv2d_34/vars/0", null).shape(),
                    h5.isDataset("layers/dense/vars/0") ? h5.floats("layers/dense/vars/0", null).shape() : null);
        }
        if (!h5.isDataset("layers/conv2d_13/vars/0") || !h5.isDataset("layers/depthwise_conv2d_12/vars/0")
                || h5.isGroup("layers/depthwise_conv2d_13")) {
            throw h5.bad("unsupported: a Keras 3 weights file holds no architecture, and its layers are not"
                    + " keras.applications.MobileNet's (13 depthwise and 14 or 15 Conv2D layers) nor MobileNetV2's;"
                    + " read the .keras archive instead");
        }
        int[] last = h5.floats("layers/conv2d_13/vars/0", null).shape();
        int[] preds = h5.isDataset("layers/conv2d_14/vars/0") ? h5.floats("layers/conv2d_14/vars/0", null).shape()
                : null;
        return applications(h5, path, defaultSize, last, preds);
    }

    private static KerasConfig applications(H5File h5, Path path, int defaultSize, int[] last, int[] preds)
            throws BadInputException {
        if (last.length != 4 || (preds != null && preds.length != 4)) {
            throw h5.bad("the last pointwise kernel has shape " + java.util.Arrays.toString(last)
                    + "; expected (1, 1, Cin, Cout)");
        }
        double alpha = last[3] / 1024.0;
        KerasApplications.NameHint hint = KerasApplications.hint(String.valueOf(path.getFileName()));
        if (hint != null && ModelSpec.width(1024, hint.alpha()) == last[3]) {
            alpha = hint.alpha();
        }
        int size = hint != null ? hint.size() : defaultSize;
        int classes = preds == null ? 0 : preds[3];
        return KerasApplications.model(alpha, size, size, classes);
    }

    private static int[] firstWeightShape(H5File h5, String layer) throws BadInputException {
        List<String> w = h5.stringListAttribute(layer, "weight_names");
        if (w == null || w.isEmpty()) {
            throw h5.bad("layer '" + layer + "' lists no weights");
        }
        return h5.floats(layer + "/" + w.get(0), null).shape();
    }

    private static String preview(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 6)) + ", ... (" + names.size() + " layers)";
    }

    /** The engine model: recognized architecture (and its tensor names) where there is one, labels, metadata. */
    private static Model assemble(Path path, KerasGraphBuilder.Result r, Map<String, String> meta)
            throws BadInputException {
        Optional<StandardArchitectures.Match> match = StandardArchitectures.match(r.graph());
        Architecture arch = match.isPresent() ? match.get().architecture() : r.graph();
        if (match.isPresent() && match.get().plainRelu()) {
            meta.put(Model.ACTIVATION_KEY, "relu");
        }
        Map<String, Tensor> tensors = rename(r.graph(), arch.graph(), r.tensors());
        int classes = r.graph().classes();
        List<String> labels = classes > 0 ? labels(path, classes, meta) : List.of();
        try {
            Preprocessing pre = Preprocessing.tensorflow();
            if (r.rescale() != null) {
                // The file takes pixels and preprocesses them in its graph (Model.PIXEL_INPUT_KEY): as they
                // are or over 255 (fileInput: mean 0, std 1 or 255), then x * a + b, composed in double.
                double a = r.rescale()[0];
                double b = r.rescale()[1];
                Preprocessing fileInput = new InputRescale(new float[] {(float) a}, new float[] {(float) b})
                        .pixelsToInput();
                double s0 = fileInput.std()[0];
                meta.put(Model.PIXEL_INPUT_KEY, "float32");
                Model.putFileInputNormalization(meta, fileInput);
                pre = Preprocessing.uniform((float) (-b * s0 / a), (float) (s0 / a));
            }
            return new Model(arch, tensors, r.epsilon(), pre, labels, meta);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(path, "not a supported Keras MobileNet: " + e.getMessage());
        }
    }

    /** The tensors of {@code from}'s layers under the names of {@code to}'s, layer by layer in order. */
    static Map<String, Tensor> rename(LayerGraph from, LayerGraph to, Map<String, Tensor> tensors) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<LayerSpec> a = from.layers();
        List<LayerSpec> b = to.layers();
        for (int i = 0; i < a.size(); i++) {
            String f = a.get(i).name();
            String t = b.get(i).name();
            move(tensors, out, TensorNames.weight(f), TensorNames.weight(t));
            move(tensors, out, TensorNames.bias(f), TensorNames.bias(t));
            String[] fb = TensorNames.bn(f);
            String[] tb = TensorNames.bn(t);
            for (int k = 0; k < fb.length; k++) {
                move(tensors, out, fb[k], tb[k]);
            }
        }
        return out;
    }

    private static void move(Map<String, Tensor> from, Map<String, Tensor> to, String a, String b) {
        Tensor t = from.get(a);
        if (t != null) {
            to.put(b, t);
        }
    }

    /**
     * Labels from {@code labels.txt} or {@code imagenet_labels.txt} next to the model, when there is
     * one per class, the ImageNet background class handled either way ({@link LabelLines#fit}).
     */
    private static List<String> labels(Path path, int classes, Map<String, String> meta) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null) {
            return List.of();
        }
        for (String name : new String[] {"labels.txt", "imagenet_labels.txt"}) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            List<String> l;
            try (InputStream in = Files.newInputStream(f)) {
                l = LabelLines.read(in);
            } catch (IOException e) {
                continue;
            }
            l = LabelLines.fit(l, classes);
            if (l != null) {
                meta.put("labels", f.toString());
                return l;
            }
        }
        return List.of();
    }
}
