package org.mobilenet.io.safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelMetadata;

/**
 * Engine models in safetensors files: the engine's tensor names and PyTorch layouts as they are,
 * F32, with the architecture, BN epsilon, preprocessing and labels in {@code __metadata__}
 * ({@link ModelMetadata} keys; the model's free metadata under {@code meta.}). A file without
 * architecture metadata (a bare PyTorch state dict) is read with alpha, variant and classes
 * inferred from the tensor shapes, resolution 224 and symmetric padding.
 */
public final class SafetensorsModels {
    /** Prefix of the model's free metadata entries. */
    public static final String FREE = "meta.";

    private SafetensorsModels() {
    }

    /**
     * Writes the model's tensors and metadata.
     *
     * @throws org.mobilenet.engine.model.UnsupportedModelException for a model that is not a MobileNet
     *         v1 (its metadata describes v1 specs only so far)
     */
    public static void write(Model model, Path file, boolean overwrite) throws IOException {
        Map<String, String> md = ModelMetadata.describe(model, null);
        if (!model.isV1() && !(model.architecture() instanceof MobileNetV2Spec)) {
            md.put(ModelMetadata.LAYERS, ModelMetadata.layers(model.graph()));
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            if (!Model.describesFileInput(e.getKey())) { // (the state dict takes the network's input)
                md.put(FREE + e.getKey(), e.getValue());
            }
        }
        new SafetensorsFile(model.tensors(), md).write(file, overwrite);
    }

    /** True when the file's metadata gives the input size (the bare state dict of another tool does not). */
    static boolean recordsInputSize(Path file) throws IOException {
        Map<String, String> md = SafetensorsFile.read(file).metadata();
        return md.containsKey(ModelMetadata.RESOLUTION) || md.containsKey(ModelMetadata.HEIGHT)
                || md.containsKey(ModelMetadata.LAYERS);
    }

    public static Model read(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(file);
        Map<String, String> md = f.metadata();
        Map<String, Tensor> t = f.tensors();
        if (md.containsKey(ModelMetadata.ARCH) && (md.containsKey(ModelMetadata.LAYERS)
                || !md.get(ModelMetadata.ARCH).equals(ModelSpec.FAMILY))) {
            return readGraph(file, md, t);
        }
        if (!t.containsKey(TensorNames.weight("conv1"))) {
            throw new BadInputException(file, "is not supported: its tensors are named " + naming(t)
                    + ", not as this tool writes a MobileNet (conv1.weight, blocks.0.dw.weight, ..., fc.weight, or with"
                    + " its metadata); convert the model to ONNX with the tool that made it");
        }
        Variant variant = ModelMetadata.variant(file, md, inferVariant(t));
        double alpha = ModelMetadata.number(file, md, ModelMetadata.ALPHA);
        if (Double.isNaN(alpha)) {
            alpha = inferAlpha(file, t, variant);
        }
        double h = ModelMetadata.number(file, md, ModelMetadata.HEIGHT);
        double w = ModelMetadata.number(file, md, ModelMetadata.WIDTH);
        boolean hw = !Double.isNaN(h) && !Double.isNaN(w);
        if (hw && (h != Math.rint(h) || w != Math.rint(w) || Math.abs(h) > Resolution.MAX || Math.abs(w) > Resolution.MAX)) {
            throw new BadInputException(file, "has a height and width that are not whole sizes in its metadata");
        }
        double res = hw ? h : ModelMetadata.number(file, md, ModelMetadata.RESOLUTION);
        double classes = ModelMetadata.number(file, md, ModelMetadata.CLASSES);
        if (Double.isNaN(classes)) {
            Tensor fc = t.get(TensorNames.weight("fc"));
            classes = fc == null || fc.rank() != 2 ? 0 : fc.dim(0);
        }
        String sm = md.get(ModelMetadata.SOFTMAX);
        boolean softmax = sm == null || Boolean.parseBoolean(sm.trim());
        Padding padding = ModelMetadata.padding(file, md, Padding.SYMMETRIC);
        double eps = ModelMetadata.number(file, md, ModelMetadata.BN_EPSILON);
        Preprocessing pre = ModelMetadata.preprocessing(file, md, padding == Padding.TF_SAME
                ? Preprocessing.tensorflow() : Preprocessing.torchvision());
        List<String> labels = ModelMetadata.labels(file, md);
        Map<String, String> free = freeMetadata(md);
        try {
            Resolution r = hw ? new Resolution((int) h, (int) w) : Resolution.square(Double.isNaN(res) ? 224 : (int) res);
            ModelSpec spec = new ModelSpec(alpha, r, (int) classes, variant, padding, softmax);
            return new Model(spec, t, Double.isNaN(eps) ? SeededInit.BN_EPSILON : (float) eps, pre, labels, free);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "does not hold a MobileNet v1: " + e.getMessage());
        }
    }

    /** A v2 ({@code arch}, {@code alpha}, {@code height}, {@code width}, ...) or a graph ({@code layers}). */
    private static Model readGraph(Path file, Map<String, String> md, Map<String, Tensor> t) throws IOException {
        String family = md.get(ModelMetadata.ARCH);
        boolean v3 = family.trim().toLowerCase(java.util.Locale.ROOT).replace("_", "").endsWith("v3");
        if (v3 && !md.containsKey(ModelMetadata.LAYERS)) {
            throw new BadInputException(file, "is not a supported MobileNet: its metadata says arch '" + family + "'"
                    + " but lists no layers; a MobileNet v3 is read from its 'layers' entry");
        }
        if (!v3 && !family.equals(ModelSpec.FAMILY) && !family.equals(MobileNetV2Spec.FAMILY)) {
            throw new BadInputException(file, "is not a supported MobileNet: its metadata says arch '" + family + "',"
                    + " which is not supported (expected v1, v2 or v3)");
        }
        double h = ModelMetadata.number(file, md, ModelMetadata.HEIGHT);
        double w = ModelMetadata.number(file, md, ModelMetadata.WIDTH);
        double classes = ModelMetadata.number(file, md, ModelMetadata.CLASSES);
        double alpha = ModelMetadata.number(file, md, ModelMetadata.ALPHA);
        if (Double.isNaN(h) || Double.isNaN(w) || h != Math.rint(h) || w != Math.rint(w)
                || Math.abs(h) > Resolution.MAX || Math.abs(w) > Resolution.MAX) {
            throw new BadInputException(file, "has arch " + family + " but no whole height and width in its metadata");
        }
        String sm = md.get(ModelMetadata.SOFTMAX);
        boolean softmax = sm == null || Boolean.parseBoolean(sm.trim());
        double eps = ModelMetadata.number(file, md, ModelMetadata.BN_EPSILON);
        List<String> labels = ModelMetadata.labels(file, md);
        Map<String, String> free = freeMetadata(md);
        try {
            Architecture arch;
            if (md.containsKey(ModelMetadata.LAYERS)) {
                double c = ModelMetadata.number(file, md, ModelMetadata.CHANNELS);
                arch = ModelMetadata.graph(file, family, (int) h, (int) w, Double.isNaN(c) ? 3 : (int) c,
                        md.get(ModelMetadata.LAYERS));
            } else if (family.equals(MobileNetV2Spec.FAMILY) && !Double.isNaN(alpha) && !Double.isNaN(classes)
                    && classes == Math.rint(classes) && classes >= 0 && classes <= 1 << 20) {
                arch = new MobileNetV2Spec(alpha, new Resolution((int) h, (int) w), (int) classes, softmax);
            } else {
                throw new BadInputException(file, "has arch " + family + " without the alpha and classes of a"
                        + " MobileNet v2 or the " + ModelMetadata.LAYERS + " of a graph in its metadata");
            }
            Preprocessing pre = ModelMetadata.preprocessing(file, md, Preprocessing.tensorflow());
            return new Model(arch, t, Double.isNaN(eps) ? SeededInit.BN_EPSILON : (float) eps, pre, labels, free);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "does not hold a MobileNet " + family + ": " + e.getMessage());
        }
    }

    /** The model's free metadata, stored under {@code meta.} beside the architecture keys. */
    private static Map<String, String> freeMetadata(Map<String, String> md) {
        Map<String, String> free = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : md.entrySet()) {
            if (e.getKey().startsWith(FREE)) {
                free.put(e.getKey().substring(FREE.length()), e.getValue());
            }
        }
        return free;
    }

    /** How a foreign state dict names its tensors: torchvision's or timm's MobileNet, else its first names. */
    private static String naming(Map<String, Tensor> t) {
        if (t.containsKey("features.0.0.weight")) {
            return "as torchvision's MobileNet (features.0.0.weight, ...)";
        }
        if (t.containsKey("conv_stem.weight")) {
            return "as timm's MobileNet (conv_stem.weight, ...)";
        }
        java.util.List<String> first = t.keySet().stream().limit(3).toList();
        return first.isEmpty() ? "(none)" : String.join(", ", first) + (t.size() > 3 ? ", ..." : "");
    }

    private static Variant inferVariant(Map<String, Tensor> t) {
        if (t.containsKey(TensorNames.weight("blocks.0.conv"))) {
            return Variant.CONV;
        }
        int blocks = 0;
        while (t.containsKey(TensorNames.weight("blocks." + blocks + ".dw"))) {
            blocks++;
        }
        return blocks == ModelSpec.blocks(Variant.SHALLOW).size() ? Variant.SHALLOW : Variant.SEPARABLE;
    }

    private static double inferAlpha(Path file, Map<String, Tensor> t, Variant variant) throws BadInputException {
        ModelSpec probe = new ModelSpec(1, 224, 0, variant, Padding.SYMMETRIC, false);
        List<LayerSpec> convs = probe.weightedLayers().stream().filter(l -> l.kind() != LayerKind.FC).toList();
        int[] out = new int[convs.size()];
        for (int i = 0; i < out.length; i++) {
            Tensor w = t.get(TensorNames.weight(convs.get(i).name()));
            if (w == null || w.rank() != 4) {
                throw new BadInputException(file, "has no 4-D tensor '" + TensorNames.weight(convs.get(i).name())
                        + "'; expected MobileNet v1 tensors (" + variant.id() + " variant)");
            }
            out[i] = w.dim(0);
        }
        OptionalDouble a = ModelSpec.inferAlpha(variant, out);
        if (a.isEmpty()) {
            throw new BadInputException(file, "has conv widths " + java.util.Arrays.toString(out)
                    + " that fit no width multiplier; expected MobileNet v1 widths");
        }
        return a.getAsDouble();
    }
}
