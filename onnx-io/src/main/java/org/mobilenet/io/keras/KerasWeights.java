package org.mobilenet.io.keras;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mobilenet.io.BadInputException;

/**
 * Where a Keras file keeps a layer's variables, in the layer's own order (Conv2D: kernel, bias;
 * BatchNormalization: gamma, beta, moving mean, moving variance; Dense: kernel, bias).
 */
interface KerasWeights {
    /**
     * The stored variables of {@code layer}; each must have the shape given in {@code shapes} (one
     * per variable, in order), which is checked before it is read. Fails when the file has a different
     * number of variables for the layer.
     */
    List<H5File.Array> read(KerasLayer layer, List<int[]> shapes) throws BadInputException;

    /**
     * Keras 2's and Keras 3's legacy layout ({@code save_weights} to .h5, and {@code model.save} to
     * .h5 under {@code model_weights}): a group per layer name whose {@code weight_names} attribute
     * lists its datasets, relative to the group ({@code conv1/kernel:0} in Keras 2, without the
     * {@code :0} in Keras 3).
     */
    static KerasWeights legacy(H5File h5, String root) {
        return (layer, shapes) -> {
            // A layer of a nested model: its variables are in the outermost model's group, among that
            // model's weight names, as <layer>/<variable> (variablesOf).
            boolean nested = !layer.scope().isEmpty();
            String group = join(root, nested ? layer.scope().get(0) : layer.name());
            List<String> names = h5.isGroup(group) ? h5.stringListAttribute(group, "weight_names") : null;
            if (names == null) {
                names = List.of();
            }
            if (nested) {
                names = variablesOf(names, layer.name());
            }
            if (names.size() != shapes.size()) {
                throw h5.bad("layer '" + layer.name() + "' (" + layer.className() + ") has " + names.size()
                        + " weights in the file, expected " + shapes.size());
            }
            List<H5File.Array> out = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                out.add(h5.floats(join(group, names.get(i)), shapes.get(i)));
            }
            return out;
        };
    }

    /**
     * Keras 3's layout ({@code model.weights.h5} in a .keras archive, {@code .weights.h5}): the
     * variables of the k-th layer of a class (counting in the model's layer order from 0) under
     * {@code layers/<snake_case class>[_k]/vars/<i>} ({@code _layer_checkpoint_dependencies/...} in
     * tf.keras 2.13 to 2.15's archives), so the config decides which is which; a nested model's layers
     * are counted within it, under its own path ({@code layers/functional/layers/conv2d/vars/0}).
     */
    static KerasWeights keras3(H5File h5, List<KerasLayer> layers) throws BadInputException {
        // tf.keras 2.13 to 2.15 wrote .keras archives with the layers under this name instead.
        String top = !h5.isGroup("layers") && h5.isGroup("_layer_checkpoint_dependencies")
                ? "_layer_checkpoint_dependencies/" : "layers/";
        Map<String, String> paths = new HashMap<>();
        Map<String, Integer> used = new HashMap<>();
        for (KerasLayer l : layers) {
            if (l.storage() != null) {
                // From a parsed config, nested models included: layers/<model>/layers/<layer>.
                paths.put(l.name(), top + String.join("/" + top, l.storage()));
                continue;
            }
            String base = snakeCase(l.className());
            int k = used.merge(base, 1, Integer::sum) - 1;
            paths.put(l.name(), top + (k == 0 ? base : base + "_" + k));
        }
        return (layer, shapes) -> {
            String vars = paths.get(layer.name()) + "/vars";
            int stored = 0;
            while (stored <= shapes.size() && h5.isDataset(vars + "/" + stored)) {
                stored++;
            }
            if (stored != shapes.size()) {
                throw h5.bad("layer '" + layer.name() + "' (" + layer.className() + ", stored as '"
                        + paths.get(layer.name()) + "') has " + stored + " variables in the file, expected "
                        + shapes.size());
            }
            List<H5File.Array> out = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                out.add(h5.floats(vars + "/" + i, shapes.get(i)));
            }
            return out;
        };
    }

    /**
     * The weight names that are {@code layer}'s variables: {@code <layer>/<variable>}
     * ({@code block_1_depthwise/depthwise_kernel:0}), or where none is named so, the names with a prefix
     * before the layer's ({@code model/block_1_depthwise/...}). The whole part before the variable is
     * compared, not its last segment: a layer's name may hold slashes (tf.keras's MobileNetV3 has
     * {@code Conv/BatchNorm} beside {@code Conv} and {@code expanded_conv/squeeze_excite/Conv}).
     */
    static List<String> variablesOf(List<String> weightNames, String layer) {
        List<String> exact = weightNames.stream().filter(n -> owner(n).equals(layer)).toList();
        if (!exact.isEmpty()) {
            return exact;
        }
        return weightNames.stream().filter(n -> owner(n).endsWith("/" + layer)).toList();
    }

    /** What a weight name's variable belongs to: all of it before the last slash ("" without one). */
    private static String owner(String weightName) {
        int slash = weightName.lastIndexOf('/');
        return slash < 0 ? "" : weightName.substring(0, slash);
    }

    /** Keras's {@code to_snake_case} of a class name: {@code DepthwiseConv2D} is {@code depthwise_conv2d}. */
    static String snakeCase(String name) {
        String s = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        return s.startsWith("_") ? "private" + s : s;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "/" + b;
    }
}
