package org.mobilenet.io.keras;

import org.mobilenet.io.WeightLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.io.AtomicFiles;

/**
 * Writes a MobileNet v1 as {@code keras.applications.MobileNet}: as a Keras 3 archive or weights file
 * ({@link #writeArchive}, {@link #writeKeras3Weights}), or as its legacy weights file: the legacy HDF5
 * layout Keras loads by position ({@code keras.applications.MobileNet(alpha=A, weights="Y.h5")}):
 * root attributes {@code layer_names}, {@code backend}, {@code keras_version}; per layer a group with
 * a {@code weight_names} attribute ({@code conv1/kernel:0}, ...) and its datasets at
 * {@code <layer>/<layer>/<weight>:0}, in Keras's layouts (Conv2D kernels HWIO, DepthwiseConv2D
 * {@code (3, 3, C, 1)}, {@code conv_preds} a 1x1 conv with bias) and order.
 *
 * <p>BatchNorm: a model whose unfolded BatchNorm has Keras's epsilon (1e-3) keeps its statistics;
 * any other is folded and written as the identity BatchNormalization (gamma 1, mean 0, variance
 * 1 - 1e-3, beta the folded bias), which computes the same outputs. A 1001-class model (index 0
 * {@code background}, as TF-slim and the Coral models have it) loses that row: keras.applications'
 * classifier has the 1000 ImageNet classes ({@link #notes} says so).
 *
 * <p>Every layer is listed in {@code layer_names}, in the model's order, those without weights with an
 * empty {@code weight_names}, as Keras writes them; the files are written by {@link H5Writer}, since a
 * file jHDF 0.9.4 writes with empty groups can have a group header overwritten.
 */
public final class KerasExporter {
    /** keras.applications.MobileNet's BatchNormalization epsilon. */
    static final float KERAS_EPSILON = 1e-3f;
    /** What the root attributes say wrote the file: the Keras release whose layout this is. */
    static final String KERAS_VERSION = "2.15.0";

    /** A layer's variables: Keras's short names, shapes and values in its layout. */
    record LayerWeights(String name, List<String> names, List<int[]> shapes, List<float[]> values) {
    }

    private KerasExporter() {
    }

    /**
     * What the export changes, one line each: the background class dropped; the input size, which a
     * weights file does not hold.
     */
    public static List<String> notes(Model model) {
        return notes(model, false);
    }

    /** The same for a file that holds the input size ({@code holdsInputSize}: a .keras archive) or not. */
    public static List<String> notes(Model model, boolean holdsInputSize) {
        List<String> notes = new ArrayList<>(org.mobilenet.io.ModelFormat.floatWeightsNotes(model, "Keras"));
        if (!model.labels().isEmpty()) {
            notes.add("the Keras file holds no class labels (the model's " + model.labels().size() + " are not"
                    + " written); a labels.txt beside it, one label per line, is read back with it");
        }
        if (model.classes() == 1001) {
            notes.add("the model's 1001 classes begin with 'background'; the Keras file has keras.applications'"
                    + " 1000 ImageNet classes, without that row");
        }
        if (!holdsInputSize && model.inputHeight() != 224) {
            int r = model.inputHeight();
            notes.add("a Keras weights file does not hold the input size (" + r + "): read it back with --input-size "
                    + r + ", or name it as keras.applications does (mobilenet_A_" + r + "_tf.h5,"
                    + " mobilenet_v2_weights_tf_dim_ordering_tf_kernels_A_" + r + ".h5)");
        }
        return notes;
    }

    /** Writes the keras.applications weights file (legacy layout), atomically. */
    public static void writeH5(Model model, Path file, boolean overwrite) throws IOException {
        java.util.Map<String, LayerWeights> byName = new java.util.HashMap<>();
        weights(model).forEach(l -> byName.put(l.name(), l));
        List<KerasLayer> layers = keras3Layers(model);
        H5Writer.Group root = new H5Writer.Group();
        root.attribute("backend", "tensorflow");
        root.attribute("keras_version", KERAS_VERSION);
        root.attribute("layer_names", layers.stream().map(KerasLayer::name).toList());
        for (KerasLayer layer : layers) {
            H5Writer.Group g = root.group(layer.name());
            LayerWeights l = byName.get(layer.name());
            List<String> names = new ArrayList<>();
            for (int i = 0; l != null && i < l.names().size(); i++) {
                String n = l.names().get(i) + ":0";
                names.add(l.name() + "/" + n);
                g.group(l.name()).dataset(n, l.shapes().get(i), l.values().get(i));
            }
            g.attribute("weight_names", names);
        }
        byte[] h5 = H5Writer.write(root);
        AtomicFiles.write(file, overwrite, out -> out.write(h5));
    }

    /** The Keras release whose .keras layout {@link #writeArchive} writes. */
    static final String KERAS3_VERSION = "3.6.0";

    /**
     * Writes a Keras 3 weights file ({@code .weights.h5}): keras.applications.MobileNet's layers by
     * class and position, {@code layers/<snake_case class>[_N]/vars/<i>}, with an empty group for each
     * layer without weights and the model's own (empty) {@code vars}, as Keras 3 writes them.
     */
    public static void writeKeras3Weights(Model model, Path file, boolean overwrite) throws IOException {
        byte[] h5 = keras3Weights(model, keras3Layers(model));
        AtomicFiles.write(file, overwrite, out -> out.write(h5));
    }

    /**
     * Writes a Keras 3 archive ({@code .keras}): {@code metadata.json}, {@code config.json} (the
     * Functional keras.applications.MobileNet for the model's alpha, input size and classes) and
     * {@code model.weights.h5} ({@link #writeKeras3Weights}'s layout).
     */
    public static void writeArchive(Model model, Path file, boolean overwrite) throws IOException {
        List<KerasLayer> layers = keras3Layers(model);
        byte[] h5 = keras3Weights(model, layers);
        // Keras names them mobilenet_0.50_160 and mobilenetv2_1.00_224.
        boolean v2 = model.architecture() instanceof MobileNetV2Spec;
        double alpha = v2 ? ((MobileNetV2Spec) model.architecture()).alpha() : model.spec().alpha();
        String config = KerasConfigWriter.keras3(layers, (v2 ? "mobilenetv2_" : "mobilenet_")
                + String.format(java.util.Locale.ROOT, "%.2f", alpha) + "_" + model.inputHeight());
        String metadata = "{\"keras_version\": \"" + KERAS3_VERSION + "\", \"date_saved\": \""
                + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")
                        .format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)) + "\"}";
        AtomicFiles.write(file, overwrite, out -> {
            java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out);
            entry(z, "metadata.json", metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            entry(z, "config.json", config.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            entry(z, "model.weights.h5", h5);
            z.finish();
        });
    }

    private static void entry(java.util.zip.ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new java.util.zip.ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }

    /** keras.applications.MobileNet's (or MobileNetV2's) layers for this model (1001 classes become 1000). */
    private static List<KerasLayer> keras3Layers(Model model) {
        int classes = model.classes() == 1001 ? 1000 : model.classes();
        if (model.architecture() instanceof MobileNetV2Spec v2) {
            return KerasApplications.mobileNetV2(v2, classes).layers();
        }
        var spec = model.requireV1("exported to Keras");
        return KerasApplications.model(spec.alpha(), model.inputHeight(), model.inputWidth(), classes).layers();
    }

    /** The Keras 3 weights file of {@code layers}, each layer's variables from {@link #weights}. */
    private static byte[] keras3Weights(Model model, List<KerasLayer> layers) {
        java.util.Map<String, LayerWeights> byName = new java.util.HashMap<>();
        weights(model).forEach(l -> byName.put(l.name(), l));
        H5Writer.Group root = new H5Writer.Group();
        H5Writer.Group all = root.group("layers");
        java.util.Map<String, Integer> used = new java.util.HashMap<>();
        for (KerasLayer l : layers) {
            String base = KerasWeights.snakeCase(l.className());
            int k = used.merge(base, 1, Integer::sum) - 1;
            H5Writer.Group vars = all.group(k == 0 ? base : base + "_" + k).group("vars");
            LayerWeights w = byName.get(l.name());
            for (int i = 0; w != null && i < w.values().size(); i++) {
                vars.dataset(String.valueOf(i), w.shapes().get(i), w.values().get(i));
            }
        }
        root.group("vars");
        return H5Writer.write(root);
    }

    /**
     * The weighted layers of keras.applications.MobileNet for this model, in Keras's order, with
     * their variables.
     *
     * @throws UnsupportedModelException for anything keras.applications.MobileNet cannot hold
     */
    static List<LayerWeights> weights(Model model) {
        if (model.architecture() instanceof MobileNetV2Spec) {
            return weightsV2(model);
        }
        var spec = model.requireV1("exported to Keras");
        if (spec.variant() != Variant.SEPARABLE) {
            throw new UnsupportedModelException("keras.applications.MobileNet has the separable variant; this model is "
                    + spec.variant().id());
        }
        if (spec.padding() != Padding.TF_SAME) {
            throw new UnsupportedModelException("keras.applications.MobileNet pads TensorFlow's way (tf-same); this model"
                    + " pads " + spec.padding().id() + ", which Keras would compute differently");
        }
        // Keras sizes layers int(base * alpha); the engine keeps at least 8 channels (alpha < 0.25 differ).
        for (int base : new int[] {32, 64, 128, 256, 512, 1024}) {
            if ((int) (base * spec.alpha()) != spec.width(base)) {
                throw new UnsupportedModelException("keras.applications.MobileNet(alpha=" + spec.alpha() + ") would have "
                        + (int) (base * spec.alpha()) + " channels where this model has " + spec.width(base));
            }
        }
        if (model.plainRelu()) {
            throw new UnsupportedModelException("keras.applications.MobileNet uses ReLU6; this model uses plain ReLU");
        }
        boolean keepBn = keepBatchNorm(model);
        Model m = keepBn ? model : model.foldBatchNorm();
        List<LayerWeights> out = new ArrayList<>();
        convBn(out, m, keepBn, "conv1", "conv1", false);
        for (int i = 0; i < spec.blockCount(); i++) {
            convBn(out, m, keepBn, "blocks." + i + ".dw", "conv_dw_" + (i + 1), true);
            convBn(out, m, keepBn, "blocks." + i + ".pw", "conv_pw_" + (i + 1), false);
        }
        if (spec.hasClassifier()) {
            float[] w = m.tensor("fc.weight").data();
            float[] b = m.tensor("fc.bias").data();
            int c = spec.featureWidth();
            int skip = spec.classes() == 1001 ? 1 : 0;
            int classes = spec.classes() - skip;
            float[] k = new float[c * classes];
            for (int o = 0; o < classes; o++) {
                for (int i = 0; i < c; i++) {
                    k[i * classes + o] = w[(o + skip) * c + i];
                }
            }
            out.add(new LayerWeights("conv_preds", List.of("kernel", "bias"),
                    List.of(new int[] {1, 1, c, classes}, new int[] {classes}),
                    List.of(k, java.util.Arrays.copyOfRange(b, skip, b.length))));
        }
        return out;
    }

    /**
     * keras.applications.MobileNetV2's weighted layers for a v2 model: each conv's kernel and its
     * BatchNormalization ({@link KerasApplications#v2Bn} names), and the Dense {@code predictions}.
     */
    private static List<LayerWeights> weightsV2(Model model) {
        boolean keepBn = keepBatchNorm(model);
        Model m = keepBn ? model : model.foldBatchNorm();
        List<LayerWeights> out = new ArrayList<>();
        for (LayerSpec l : m.graph().weightedLayers()) {
            String k = KerasApplications.v2Name(l.name());
            if (l.kind() == LayerKind.FC) {
                out.add(dense(m, l.name(), k, l.inChannels(), l.outChannels()));
            } else {
                convBn(out, m, keepBn, l.name(), k, KerasApplications.v2Bn(k), l.kind() == LayerKind.DEPTHWISE);
            }
        }
        return out;
    }

    /** Whether the model's BatchNorm can be written as it is: Keras's epsilon, no conv bias beside it. */
    private static boolean keepBatchNorm(Model model) {
        return model.hasBatchNorm() && model.bnEpsilon() == KERAS_EPSILON
                && model.graph().weightedLayers().stream().noneMatch(l -> l.kind() != LayerKind.FC
                        && model.has(TensorNames.bias(l.name())));
    }

    /** A Dense classifier (kernel (C, classes), bias), the background row dropped from 1001 classes. */
    private static LayerWeights dense(Model m, String layer, String name, int c, int units) {
        float[] w = m.tensor(TensorNames.weight(layer)).data();
        float[] b = m.tensor(TensorNames.bias(layer)).data();
        int skip = units == 1001 ? 1 : 0;
        int classes = units - skip;
        float[] k = new float[c * classes];
        for (int o = 0; o < classes; o++) {
            for (int i = 0; i < c; i++) {
                k[i * classes + o] = w[(o + skip) * c + i];
            }
        }
        return new LayerWeights(name, List.of("kernel", "bias"), List.of(new int[] {c, classes}, new int[] {classes}),
                List.of(k, java.util.Arrays.copyOfRange(b, skip, b.length)));
    }

    private static void convBn(List<LayerWeights> out, Model m, boolean keepBn, String layer, String name,
            boolean depthwise) {
        convBn(out, m, keepBn, layer, name, name + "_bn", depthwise);
    }

    private static void convBn(List<LayerWeights> out, Model m, boolean keepBn, String layer, String name,
            String bnName, boolean depthwise) {
        float[] w = m.tensor(TensorNames.weight(layer)).data();
        int[] s = m.tensor(TensorNames.weight(layer)).shape();
        int o = s[0];
        int in = s[1];
        int k = s[2];
        int[] shape = depthwise ? new int[] {k, k, o, 1} : new int[] {k, k, in, o};
        float[] kernel = (depthwise ? WeightLayout.DEPTHWISE : WeightLayout.HWIO).fromTorch(w, o, in, k);
        out.add(new LayerWeights(name, List.of(depthwise ? "depthwise_kernel" : "kernel"), List.<int[]>of(shape),
                List.of(kernel)));
        float[] gamma;
        float[] beta;
        float[] mean;
        float[] var;
        if (keepBn) {
            gamma = m.tensor(TensorNames.bnGamma(layer)).data();
            beta = m.tensor(TensorNames.bnBeta(layer)).data();
            mean = m.tensor(TensorNames.bnMean(layer)).data();
            var = m.tensor(TensorNames.bnVar(layer)).data();
        } else {
            // The identity: (x - 0) / sqrt(1 - eps + eps) * 1 + bias.
            gamma = new float[o];
            java.util.Arrays.fill(gamma, 1f);
            beta = m.has(TensorNames.bias(layer)) ? m.tensor(TensorNames.bias(layer)).data() : new float[o];
            mean = new float[o];
            var = new float[o];
            java.util.Arrays.fill(var, 1f - KERAS_EPSILON);
        }
        int[] v = {o};
        out.add(new LayerWeights(bnName, List.of("gamma", "beta", "moving_mean", "moving_variance"),
                List.of(v, v, v, v), List.of(gamma, beta, mean, var)));
    }
}
