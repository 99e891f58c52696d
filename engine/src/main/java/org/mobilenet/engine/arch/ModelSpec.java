package org.mobilenet.engine.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A MobileNet v1 architecture: width multiplier, input resolution, classes, variant and padding
 * convention. {@link #graph()} expands it into the paper's Table 1 (for any H x W input).
 *
 * <h2>Width rule</h2>
 * A layer whose base width (Table 1, alpha = 1) is {@code d} gets {@code max(8, floor(d * alpha))}
 * channels, as TF-slim's {@code mobilenet_v1} does ({@code min_depth = 8}).
 *
 * @param alpha      width multiplier, in (0, 4]
 * @param inputResolution input height and width (the resolution multiplier given as a size), each
 *                   32 to 4096; {@link #resolution()} is the side of a square one
 * @param classes    classifier outputs (1000, or 1001 with background at index 0; any count >= 1),
 *                   or 0 for a headless body that ends at the pooled feature vector
 * @param variant    separable (Table 1), conv (Table 4) or shallow (Table 5)
 * @param padding    where the 3x3 convs put their zero padding
 * @param softmax    whether the network ends with a softmax (ignored when classes is 0)
 */
public record ModelSpec(double alpha, Resolution inputResolution, int classes, Variant variant, Padding padding,
        boolean softmax) implements Architecture {

    /** The {@link LayerGraph#family()} of every v1 graph. */
    public static final String FAMILY = "v1";

    /** Table 1's first conv: 3x3, stride 2, 32 filters. */
    public static final int STEM_WIDTH = 32;

    /** Table 1's 13 depthwise-separable blocks as {stride, output base width}; the last has stride 1. */
    private static final int[][] BLOCKS = {
        {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512},
        {1, 512}, {1, 512}, {1, 512}, {1, 512}, {1, 512},
        {2, 1024}, {1, 1024},
    };

    /** Indices into {@link #BLOCKS} of the five 14x14x512 blocks that the shallow variant removes. */
    private static final int SHALLOW_FIRST = 6;
    private static final int SHALLOW_COUNT = 5;

    public ModelSpec {
        Objects.requireNonNull(inputResolution, "inputResolution");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(padding, "padding");
        if (!(alpha > 0 && alpha <= 4) || Double.isNaN(alpha)) {
            throw new IllegalArgumentException("alpha must be in (0, 4], got " + alpha);
        }
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be >= 0 (0 = no classifier), got " + classes);
        }
        if (classes == 0) {
            softmax = false;
        }
    }

    /** A square {@code resolution x resolution} input: the paper's models and every file format today. */
    public ModelSpec(double alpha, int resolution, int classes, Variant variant, Padding padding, boolean softmax) {
        this(alpha, Resolution.square(resolution), classes, variant, padding, softmax);
    }

    /** The paper's MobileNet-224: alpha 1, 224, 1000 classes, separable, with softmax. */
    public static ModelSpec paper() {
        return new ModelSpec(1.0, 224, 1000, Variant.SEPARABLE, Padding.TF_SAME, true);
    }

    /**
     * The side of a square input. The engine, the file formats and the preprocessing still take one
     * size, so they call this; a non-square spec (only the cost model and {@code profile} make one
     * so far) is refused here rather than silently cropped.
     */
    public int resolution() {
        if (!inputResolution.isSquare()) {
            throw new IllegalStateException("the input " + inputResolution + " is not square: use inputHeight() "
                    + "and inputWidth()");
        }
        return inputResolution.h();
    }

    /** Input height in pixels. */
    public int inputHeight() {
        return inputResolution.h();
    }

    /** Input width in pixels. */
    public int inputWidth() {
        return inputResolution.w();
    }

    public ModelSpec withAlpha(double a) {
        return new ModelSpec(a, inputResolution, classes, variant, padding, softmax);
    }

    public ModelSpec withResolution(int r) {
        return withResolution(Resolution.square(r));
    }

    public ModelSpec withResolution(Resolution r) {
        return new ModelSpec(alpha, r, classes, variant, padding, softmax);
    }

    public ModelSpec withClasses(int c) {
        return new ModelSpec(alpha, inputResolution, c, variant, padding, softmax || (classes == 0 && c > 0));
    }

    public ModelSpec withVariant(Variant v) {
        return new ModelSpec(alpha, inputResolution, classes, v, padding, softmax);
    }

    public ModelSpec withPadding(Padding p) {
        return new ModelSpec(alpha, inputResolution, classes, variant, p, softmax);
    }

    public ModelSpec withSoftmax(boolean s) {
        return new ModelSpec(alpha, inputResolution, classes, variant, padding, s);
    }

    /** True when the network has a classifier (FC layer). */
    public boolean hasClassifier() {
        return classes > 0;
    }

    /** Channels of a layer whose base width is {@code base}: {@code max(8, floor(base * alpha))}. */
    public int width(int base) {
        return width(base, alpha);
    }

    /** The width rule for any alpha. */
    public static int width(int base, double alpha) {
        // The small epsilon keeps products such as 0.3 * 320 = 95.99999999999999 at 96.
        return Math.max(8, (int) Math.floor(base * alpha + 1e-9));
    }

    /** The base widths of the separable blocks kept by a variant, in order, as {stride, base width}. */
    public static List<int[]> blocks(Variant variant) {
        List<int[]> out = new ArrayList<>();
        for (int i : blockIndices(variant)) {
            out.add(BLOCKS[i].clone());
        }
        return out;
    }

    /** For each block a variant keeps, its index among Table 1's 13 blocks (shallow skips 6..10). */
    public static List<Integer> blockIndices(Variant variant) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < BLOCKS.length; i++) {
            if (variant != Variant.SHALLOW || i < SHALLOW_FIRST || i >= SHALLOW_FIRST + SHALLOW_COUNT) {
                out.add(i);
            }
        }
        return out;
    }

    /** The width of the final feature map (the pooled feature vector's length). */
    public int featureWidth() {
        return width(BLOCKS[BLOCKS.length - 1][1]);
    }

    /** Number of blocks (separable pairs, or full convs for the conv variant) after the stem. */
    public int blockCount() {
        return blocks(variant).size();
    }

    /** The layers in order: {@code graph().layers()}. */
    public List<LayerSpec> layers() {
        return graph().layers();
    }

    /**
     * The layers in order: {@code conv1}, then per block {@code blocks.i.dw} and {@code blocks.i.pw}
     * (or {@code blocks.i.conv} for the conv variant), {@code pool}, and when there is a classifier
     * {@code fc} and (if enabled) {@code softmax}. Every conv has ReLU6, the FC none.
     */
    @Override
    public LayerGraph graph() {
        List<LayerSpec> layers = new ArrayList<>();
        Shape input = inputResolution.rgb();
        Shape in = input;
        in = add(layers, conv("conv1", LayerKind.CONV, 3, 2, in, width(STEM_WIDTH)));
        List<int[]> blocks = blocks(variant);
        for (int i = 0; i < blocks.size(); i++) {
            int stride = blocks.get(i)[0];
            int outC = width(blocks.get(i)[1]);
            String p = "blocks." + i;
            if (variant == Variant.CONV) {
                in = add(layers, conv(p + ".conv", LayerKind.CONV, 3, stride, in, outC));
            } else {
                in = add(layers, conv(p + ".dw", LayerKind.DEPTHWISE, 3, stride, in, in.c()));
                in = add(layers, conv(p + ".pw", LayerKind.POINTWISE, 1, 1, in, outC));
            }
        }
        Shape pooled = new Shape(1, 1, in.c());
        layers.add(new LayerSpec("pool", LayerKind.AVG_POOL, in.h(), 1, Pads.NONE, in, pooled));
        if (hasClassifier()) {
            Shape logits = new Shape(1, 1, classes);
            layers.add(new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, pooled, logits));
            if (softmax) {
                layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
            }
        }
        return new LayerGraph(FAMILY, input, layers);
    }

    /** The layers that carry weights, in order. */
    public List<LayerSpec> weightedLayers() {
        return layers().stream().filter(l -> l.kind().hasWeights()).toList();
    }

    /** The shape of the network's output for one image: classes, or the feature width when headless. */
    public int outputSize() {
        return hasClassifier() ? classes : featureWidth();
    }

    private LayerSpec conv(String name, LayerKind kind, int k, int stride, Shape in, int outC) {
        return LayerSpec.conv(name, kind, k, stride, padding, in, outC, Activation.RELU6);
    }

    private static Shape add(List<LayerSpec> layers, LayerSpec l) {
        layers.add(l);
        return l.out();
    }

    /**
     * The alpha whose width rule gives these output channel counts for the stem and each block
     * (in {@link #layers()} order of the weighted conv layers), or empty if none does. Tries the
     * final width / 1024 first, then the stem.
     */
    public static java.util.OptionalDouble inferAlpha(Variant variant, int[] convOutChannels) {
        List<int[]> blocks = blocks(variant);
        double[] candidates = {
            convOutChannels[convOutChannels.length - 1] / (double) BLOCKS[BLOCKS.length - 1][1],
            convOutChannels[0] / (double) STEM_WIDTH,
        };
        for (double a : candidates) {
            if (a <= 0 || a > 4) {
                continue;
            }
            if (matches(a, variant, blocks, convOutChannels)) {
                return java.util.OptionalDouble.of(a);
            }
        }
        return java.util.OptionalDouble.empty();
    }

    /**
     * The alpha of these output channel counts (as {@link #inferAlpha}), preferring {@code preferred}
     * (an alpha a file states, such as 0.75 where 0.7 gives the same widths) when its widths match.
     */
    public static java.util.OptionalDouble alphaOf(Variant variant, int[] convOutChannels, double preferred) {
        if (preferred > 0 && preferred <= 4 && widthsMatch(preferred, variant, convOutChannels)) {
            return java.util.OptionalDouble.of(preferred);
        }
        return inferAlpha(variant, convOutChannels);
    }

    /**
     * True when {@code alpha}'s width rule gives exactly these output channel counts for the stem and
     * each block's layers (in {@link #layers()} order of the weighted conv layers).
     */
    public static boolean widthsMatch(double alpha, Variant variant, int[] convOutChannels) {
        return matches(alpha, variant, blocks(variant), convOutChannels);
    }

    /**
     * The variant with this many conv layers (stem included): separable (27) and shallow (17) have
     * depthwise convs, the conv variant (14) has none. Empty for any other count; the layers
     * themselves are for the caller to check against the spec's.
     */
    public static java.util.Optional<Variant> variantOf(int convLayers, boolean depthwise) {
        for (Variant v : Variant.values()) {
            boolean separable = v != Variant.CONV;
            if (separable == depthwise && convLayers == 1 + (separable ? 2 : 1) * blocks(v).size()) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean matches(double a, Variant variant, List<int[]> blocks, int[] got) {
        List<Integer> want = new ArrayList<>();
        want.add(width(STEM_WIDTH, a));
        for (int[] b : blocks) {
            if (variant != Variant.CONV) {
                want.add(want.get(want.size() - 1)); // depthwise keeps its channels
            }
            want.add(width(b[1], a));
        }
        if (want.size() != got.length) {
            return false;
        }
        for (int i = 0; i < got.length; i++) {
            if (want.get(i) != got[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public String describe() {
        return toString();
    }

    @Override
    public String toString() {
        return "MobileNet v1 (alpha " + alpha + ", " + inputResolution + ", "
                + (classes == 0 ? "no classifier" : classes + " classes") + ", " + variant.id() + ")";
    }
}
