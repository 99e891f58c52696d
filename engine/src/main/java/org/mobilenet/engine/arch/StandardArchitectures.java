package org.mobilenet.engine.arch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Recognizes a layer graph (from an importer) as one of the generators' architectures: a MobileNet
 * v1 {@link ModelSpec} (any variant and padding, ReLU6 or plain ReLU in the body) or a
 * {@link MobileNetV2Spec}, for some width multiplier, input size and classifier. A graph matches when
 * it has {@linkplain LayerGraph#sameLayers the same layers} as the generator's, names aside; the
 * model then takes the generator's layer (and so tensor) names. A graph that matches none stays a
 * generic graph.
 */
public final class StandardArchitectures {

    /**
     * A recognized architecture.
     *
     * @param architecture the generator whose graph the imported one equals
     * @param plainRelu    for a v1: its body uses ReLU where the paper has ReLU6 (the model's
     *                     {@code activation} metadata says {@code relu})
     */
    public record Match(Architecture architecture, boolean plainRelu) {
    }

    /** The width multipliers published for v2 (Keras, TF-slim), tried before the ones the widths suggest. */
    private static final double[] V2_ALPHAS = {1.0, 0.35, 0.5, 0.75, 1.3, 1.4};

    private StandardArchitectures() {
    }

    /** The v1 or v2 architecture {@code g} is, or empty. */
    public static Optional<Match> match(LayerGraph g) {
        if (g.input().c() != 3) {
            return Optional.empty(); // the generators make RGB networks; a gray one stays a graph
        }
        Optional<Match> v1 = matchV1(g);
        return v1.isPresent() ? v1 : matchV2(g).map(s -> new Match(s, false));
    }

    /** What the head of a graph is: classes (0 when headless) and a final softmax. */
    private static int classes(LayerGraph g) {
        return g.classes();
    }

    private static Resolution resolution(LayerGraph g) {
        return new Resolution(g.input().h(), g.input().w());
    }

    private static boolean inRange(LayerGraph g) {
        int h = g.input().h();
        int w = g.input().w();
        return h >= Resolution.MIN && h <= Resolution.MAX && w >= Resolution.MIN && w <= Resolution.MAX
                && g.input().c() == 3;
    }

    /** A v1: the stem and separable (or full) conv blocks of one of the variants, alpha from the widths. */
    static Optional<Match> matchV1(LayerGraph g) {
        if (!inRange(g)) {
            return Optional.empty();
        }
        List<LayerSpec> convs = new ArrayList<>();
        for (LayerSpec l : g.layers()) {
            if (l.kind() == LayerKind.AVG_POOL) {
                break;
            }
            if (l.kind() != LayerKind.CONV && l.kind() != LayerKind.DEPTHWISE && l.kind() != LayerKind.POINTWISE) {
                return Optional.empty();
            }
            convs.add(l);
        }
        Variant variant = variant(convs);
        if (variant == null) {
            return Optional.empty();
        }
        OptionalDouble alpha = ModelSpec.inferAlpha(variant, convs.stream().mapToInt(LayerSpec::outChannels).toArray());
        if (alpha.isEmpty()) {
            return Optional.empty();
        }
        for (Padding padding : Padding.values()) {
            ModelSpec spec = new ModelSpec(alpha.getAsDouble(), resolution(g), classes(g), variant, padding, g.hasSoftmax());
            LayerGraph want = spec.graph();
            if (want.sameLayers(g)) {
                return Optional.of(new Match(spec, false));
            }
            if (withRelu(want).sameLayers(g)) {
                return Optional.of(new Match(spec, true));
            }
        }
        return Optional.empty();
    }

    /** The same graph with plain ReLU wherever it has ReLU6 (a v1 ported with nn.ReLU). */
    static LayerGraph withRelu(LayerGraph g) {
        return new LayerGraph(g.family(), g.input(), g.layers().stream()
                .map(l -> l.activation() == Activation.RELU6 ? l.withActivation(Activation.RELU) : l).toList());
    }

    /** The variant the conv count suggests; {@link LayerGraph#sameLayers} then checks every layer. */
    private static Variant variant(List<LayerSpec> convs) {
        if (convs.isEmpty() || convs.get(0).kind() != LayerKind.CONV || convs.get(0).kernel() != 3) {
            return null;
        }
        boolean depthwise = convs.stream().anyMatch(l -> l.kind() == LayerKind.DEPTHWISE);
        return ModelSpec.variantOf(convs.size(), depthwise).orElse(null);
    }

    /**
     * A v2: tries the published alphas, then each alpha that one of the graph's widths implies (any
     * alpha in a range gives the same widths; the first that matches is reported).
     */
    static Optional<MobileNetV2Spec> matchV2(LayerGraph g) {
        if (!inRange(g) || g.layers().stream().noneMatch(l -> l.kind() == LayerKind.ADD)) {
            return Optional.empty();
        }
        List<LayerSpec> layers = g.layers();
        MobileNetV2Spec base = new MobileNetV2Spec(1.0, resolution(g), classes(g), g.hasSoftmax());
        if (base.graph().layers().size() != layers.size()) {
            return Optional.empty(); // also bounds the candidates below by v2's ~70 layers
        }
        Set<Double> candidates = new LinkedHashSet<>();
        for (double a : V2_ALPHAS) {
            candidates.add(a);
        }
        for (LayerSpec l : layers) {
            if (l.kind() == LayerKind.CONV || l.kind() == LayerKind.POINTWISE) {
                // Table 2's widths times alpha, rounded to multiples of 8 (and the stem's 32, the last conv's 1280).
                for (int w : new int[] {16, 24, 32, 64, 96, 160, 320, MobileNetV2Spec.LAST_WIDTH}) {
                    candidates.add(l.outChannels() / (double) w);
                }
            }
        }
        int stem = layers.get(0).outChannels();
        Set<List<Integer>> tried = new java.util.HashSet<>();
        for (double a : candidates) {
            if (!(a > 0 && a <= 4)) {
                continue;
            }
            MobileNetV2Spec spec = base.withAlpha(a);
            // Alphas that give the same widths give the same graph: build and compare each once.
            List<Integer> widths = new ArrayList<>();
            for (int w : new int[] {32, 16, 24, 32, 64, 96, 160, 320}) {
                widths.add(spec.width(w));
            }
            widths.add(spec.lastWidth());
            if (widths.get(0) != stem || !tried.add(widths)) {
                continue;
            }
            if (spec.graph().sameLayers(g)) {
                return Optional.of(spec);
            }
        }
        return Optional.empty();
    }
}
