package org.mobilenet.engine.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A MobileNet v2 architecture (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
 * Bottlenecks", 2018, Table 2): width multiplier, input resolution, classes. {@link #graph()}
 * expands it into layers.
 *
 * <h2>Layers</h2>
 * A standard 3x3 stride-2 conv ({@code conv1}), 17 inverted residual blocks {@code blocks.0} to
 * {@code blocks.16} from Table 2's rows (t, c, n, s), a 1x1 conv to 1280 channels
 * ({@code conv_last}), global average pooling ({@code pool}), a fully connected classifier
 * ({@code fc}) and a softmax. Block {@code i} is:
 * <ul>
 *   <li>{@code blocks.i.expand}: 1x1 conv to {@code t} times its input channels, ReLU6 (absent in
 *       block 0, where t = 1);</li>
 *   <li>{@code blocks.i.dw}: depthwise 3x3 with the row's stride on its first block, ReLU6;</li>
 *   <li>{@code blocks.i.project}: 1x1 conv to the row's width, no activation (the linear bottleneck);</li>
 *   <li>{@code blocks.i.add}: the block's input added back, where the stride is 1 and the block keeps
 *       its channels (10 of the 17 blocks).</li>
 * </ul>
 * The names follow v1's ({@code blocks.i.dw}); Keras calls the same layers {@code Conv1},
 * {@code block_i_expand}, {@code block_i_depthwise}, {@code block_i_project}, {@code block_i_add},
 * {@code Conv_1}, {@code predictions} (block 0's are {@code expanded_conv_*}).
 *
 * <h2>Width rule</h2>
 * TF-slim's and Keras's {@link #makeDivisible}: a layer whose base width is {@code c} gets
 * {@code makeDivisible(c * alpha)} channels; the expansion conv {@code t} times the block's actual
 * input channels; the last conv stays 1280 wide for alpha up to 1 and is {@code makeDivisible(1280 *
 * alpha)} above. Padding is TensorFlow's SAME (a stride-2 3x3 conv on an even input pads bottom and
 * right), as the TF-slim, Keras and TFLite models have it.
 *
 * @param alpha      width multiplier, in (0, 4]
 * @param resolution input height and width, each 32 to 4096
 * @param classes    classifier outputs (1000, or 1001 with background at index 0; any count >= 1),
 *                   or 0 for a headless body that ends at the pooled feature vector
 * @param softmax    whether the network ends with a softmax (ignored when classes is 0)
 */
public record MobileNetV2Spec(double alpha, Resolution resolution, int classes, boolean softmax) implements Architecture {

    /** The {@link LayerGraph#family()} of every v2 graph. */
    public static final String FAMILY = "v2";

    /** Table 2's first conv: 3x3, stride 2, 32 filters. */
    public static final int STEM_WIDTH = 32;

    /** Table 2's last 1x1 conv: 1280 filters. */
    public static final int LAST_WIDTH = 1280;

    /** Table 2's bottleneck rows as {t (expansion), c (base width), n (repeats), s (first stride)}. */
    private static final int[][] ROWS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    public MobileNetV2Spec {
        Objects.requireNonNull(resolution, "resolution");
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

    /** The paper's MobileNetV2 1.0/224: 1000 classes, with softmax. */
    public static MobileNetV2Spec paper() {
        return new MobileNetV2Spec(1.0, Resolution.square(224), 1000, true);
    }

    public MobileNetV2Spec withAlpha(double a) {
        return new MobileNetV2Spec(a, resolution, classes, softmax);
    }

    public MobileNetV2Spec withResolution(Resolution r) {
        return new MobileNetV2Spec(alpha, r, classes, softmax);
    }

    public MobileNetV2Spec withClasses(int c) {
        return new MobileNetV2Spec(alpha, resolution, c, softmax || (classes == 0 && c > 0));
    }

    public MobileNetV2Spec withSoftmax(boolean s) {
        return new MobileNetV2Spec(alpha, resolution, classes, s);
    }

    /**
     * TF-slim's and Keras's {@code _make_divisible(v, 8)}: {@code v} rounded to the nearest multiple
     * of 8, at least 8, and one step up where rounding down would lose more than 10%. Computed in
     * doubles exactly as their Python does (no epsilon), so every alpha gives their widths.
     */
    public static int makeDivisible(double v) {
        int rounded = Math.max(8, (int) (v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }

    /** Channels of a layer whose base width (alpha = 1) is {@code base}. */
    public int width(int base) {
        return makeDivisible(base * alpha);
    }

    /** The last conv's channels: 1280 up to alpha 1 (the paper keeps it for small models), wider above. */
    public int lastWidth() {
        return alpha > 1 ? width(LAST_WIDTH) : LAST_WIDTH;
    }

    /** Number of inverted residual blocks: 17. */
    public static int blockCount() {
        int n = 0;
        for (int[] row : ROWS) {
            n += row[2];
        }
        return n;
    }

    @Override
    public LayerGraph graph() {
        List<LayerSpec> layers = new ArrayList<>();
        Shape input = resolution.rgb();
        LayerSpec last = append(layers, conv("conv1", LayerKind.CONV, 3, 2, input, width(STEM_WIDTH), Activation.RELU6));
        int b = 0;
        for (int[] row : ROWS) {
            int t = row[0];
            int outC = width(row[1]);
            for (int i = 0; i < row[2]; i++, b++) {
                int stride = i == 0 ? row[3] : 1;
                String p = "blocks." + b;
                LayerSpec blockIn = last;
                if (t != 1) {
                    last = append(layers, conv(p + ".expand", LayerKind.POINTWISE, 1, 1, last.out(),
                            blockIn.outChannels() * t, Activation.RELU6));
                }
                last = append(layers, conv(p + ".dw", LayerKind.DEPTHWISE, 3, stride, last.out(), last.outChannels(),
                        Activation.RELU6));
                last = append(layers, conv(p + ".project", LayerKind.POINTWISE, 1, 1, last.out(), outC, Activation.NONE));
                if (stride == 1 && blockIn.out().equals(last.out())) {
                    last = append(layers, LayerSpec.add(p + ".add", last.out(), blockIn.name()));
                }
            }
        }
        last = append(layers, conv("conv_last", LayerKind.POINTWISE, 1, 1, last.out(), lastWidth(), Activation.RELU6));
        Shape map = last.out();
        Shape pooled = new Shape(1, 1, map.c());
        layers.add(new LayerSpec("pool", LayerKind.AVG_POOL, map.h(), 1, Pads.NONE, map, pooled));
        if (classes > 0) {
            Shape logits = new Shape(1, 1, classes);
            layers.add(new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, pooled, logits));
            if (softmax) {
                layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
            }
        }
        return new LayerGraph(FAMILY, input, layers);
    }

    private static LayerSpec conv(String name, LayerKind kind, int k, int stride, Shape in, int outC, Activation a) {
        return LayerSpec.conv(name, kind, k, stride, Padding.TF_SAME, in, outC, a);
    }

    private static LayerSpec append(List<LayerSpec> layers, LayerSpec l) {
        layers.add(l);
        return l;
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
        return "MobileNet v2 (alpha " + alpha + ", " + resolution + ", "
                + (classes == 0 ? "no classifier" : classes + " classes") + ")";
    }
}
