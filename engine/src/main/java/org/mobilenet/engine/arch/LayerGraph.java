package org.mobilenet.engine.arch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A network of the MobileNet family as a chain of layers with residual adds: each layer reads the
 * previous layer's output (the first reads the input), and an {@link LayerKind#ADD} (or v3's
 * {@link LayerKind#SCALE}) also reads the output of the earlier layer it names. That is all v1, v2
 * and v3 need, and what the cost model,
 * {@code profile} and (later) the engine and the importers share.
 *
 * <p>Validated here, once, so a graph in hand is consistent: the first layer reads {@code input},
 * each layer's input is its predecessor's output, names are unique, and every add names an earlier
 * layer whose output has the add's shape.
 *
 * @param family {@code v1}, {@code v2} or {@code v3} (see {@link ModelSpec#FAMILY}, {@link MobileNetV2Spec#FAMILY},
 *               {@link #familyOf})
 * @param input  the per-image input, H x W x 3
 * @param layers the layers in execution order
 */
public record LayerGraph(String family, Shape input, List<LayerSpec> layers) implements Architecture {

    public LayerGraph {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(input, "input");
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a graph needs at least one layer");
        }
        Map<String, LayerSpec> byName = new HashMap<>();
        Shape previous = input;
        for (LayerSpec l : layers) {
            if (!l.in().equals(previous)) {
                throw new IllegalArgumentException(l.name() + ": input " + l.in() + " is not the previous output "
                        + previous);
            }
            if (l.addend() != null) {
                LayerSpec addend = byName.get(l.addend());
                if (addend == null) {
                    throw new IllegalArgumentException(l.name() + ": reads '" + l.addend()
                            + "', which is not an earlier layer");
                }
                if (!addend.out().equals(l.out())) {
                    throw new IllegalArgumentException(l.name() + ": " + (l.kind() == LayerKind.ADD ? "adds " : "scales ")
                            + l.addend() + "'s output " + addend.out() + (l.kind() == LayerKind.ADD ? " to" : " into")
                            + " a " + l.out() + " map");
                }
            }
            if (byName.putIfAbsent(l.name(), l) != null) {
                throw new IllegalArgumentException("two layers are named '" + l.name() + "'");
            }
            previous = l.out();
        }
    }

    /**
     * The family of a chain of layers as an importer reads it: {@code v3} with squeeze-and-excite
     * ({@link LayerKind#SCALE}) or an activation that is not a clamp (hard-swish), else {@code v2} with
     * residual adds, else {@code v1}.
     */
    public static String familyOf(List<LayerSpec> layers) {
        if (layers.stream().anyMatch(l -> l.kind() == LayerKind.SCALE || !l.activation().clamps())) {
            return "v3";
        }
        return layers.stream().anyMatch(l -> l.kind() == LayerKind.ADD) ? MobileNetV2Spec.FAMILY : ModelSpec.FAMILY;
    }

    /** The layers that carry weights, in order. */
    public List<LayerSpec> weightedLayers() {
        return layers.stream().filter(l -> l.kind().hasWeights()).toList();
    }

    /** The layer of that name. */
    public Optional<LayerSpec> layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** Values per image in the output: classes, or the feature width of a headless network. */
    public int outputSize() {
        return Math.toIntExact(layers.get(layers.size() - 1).out().size());
    }

    /**
     * The outputs of the last fully connected layer after any squeeze-and-excite block, or 0 when there is
     * none (a headless body).
     */
    public int classes() {
        for (int i = layers.size() - 1; i > lastScale(); i--) {
            if (layers.get(i).kind() == LayerKind.FC) {
                return layers.get(i).outChannels();
            }
        }
        return 0;
    }

    /**
     * The length of the feature vector the classifier reads: the channels of the last global pooling,
     * or the whole map a dense layer reads flattened ({@link LayerSpec#flattens}), or the output size
     * when there is neither.
     */
    public int featureWidth() {
        LayerSpec l = featureLayer();
        return l == null ? outputSize() : Math.toIntExact(l.out().size());
    }

    /**
     * The layer whose output is that feature vector: the last global pooling, or the layer before a
     * dense layer that reads its map flattened; null when there is neither.
     */
    public LayerSpec featureLayer() {
        for (int i = layers.size() - 1; i > lastScale(); i--) {
            if (layers.get(i).kind() == LayerKind.AVG_POOL) {
                return layers.get(i);
            }
        }
        for (int i = Math.max(1, lastScale() + 2); i < layers.size(); i++) {
            if (layers.get(i).flattens()) {
                return layers.get(i - 1);
            }
        }
        return null;
    }

    /**
     * The index of the last squeeze-and-excite scaling ({@link LayerKind#SCALE}), or -1: the pooling and
     * dense layers before it are that block's, not the classifier's.
     */
    private int lastScale() {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).kind() == LayerKind.SCALE) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the layer of that name, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the two graphs have the same layers apart from their names (and the family): the same
     * kinds, kernels, strides, pads, shapes and activations in the same order, and every add adding
     * the layer at the same position. An imported graph that equals a generator's this way is that
     * architecture.
     */
    public boolean sameLayers(LayerGraph other) {
        if (!input.equals(other.input) || layers.size() != other.layers.size()) {
            return false;
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec a = layers.get(i);
            LayerSpec b = other.layers.get(i);
            if (a.kind() != b.kind() || a.kernel() != b.kernel() || a.stride() != b.stride() || !a.pads().equals(b.pads())
                    || !a.in().equals(b.in()) || !a.out().equals(b.out()) || a.activation() != b.activation()) {
                return false;
            }
            if (a.addend() != null && indexOf(a.addend()) != other.indexOf(b.addend())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first layer that only MobileNet v3 has: a hard-swish or hard-sigmoid activation, or a
     * squeeze-and-excite scaling. Writers that cannot express those refuse the model by it.
     */
    public Optional<LayerSpec> firstV3Layer() {
        return layers.stream().filter(l -> !l.activation().clamps() || l.kind() == LayerKind.SCALE).findFirst();
    }

    /** Whether the network ends with a softmax. */
    public boolean hasSoftmax() {
        return layers.get(layers.size() - 1).kind() == LayerKind.SOFTMAX;
    }

    @Override
    public LayerGraph graph() {
        return this;
    }

    @Override
    public String describe() {
        return "MobileNet " + family + " graph (" + input.h() + "x" + input.w() + " input, " + layers.size() + " layers)";
    }
}
