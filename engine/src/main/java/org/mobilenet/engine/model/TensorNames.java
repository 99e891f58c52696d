package org.mobilenet.engine.model;

/**
 * The tensor naming scheme (PyTorch style). For a weighted layer named {@code L} of the model's
 * {@link org.mobilenet.engine.arch.LayerGraph} (MobileNet v1, {@link org.mobilenet.engine.arch.ModelSpec}:
 * {@code conv1}, {@code blocks.i.dw}, {@code blocks.i.pw}, {@code blocks.i.conv}, {@code fc}; MobileNet
 * v2, {@link org.mobilenet.engine.arch.MobileNetV2Spec}: {@code conv1}, {@code blocks.i.expand},
 * {@code blocks.i.dw}, {@code blocks.i.project}, {@code conv_last}, {@code fc}):
 * <ul>
 *   <li>{@code L.weight}: conv {@code [Cout, Cin, KH, KW]}, depthwise {@code [C, 1, 3, 3]},
 *       fc {@code [classes, C]};</li>
 *   <li>{@code L.bias}: {@code [Cout]}, optional (present when BN was folded, and for fc);</li>
 *   <li>{@code L_bn.weight}, {@code L_bn.bias}, {@code L_bn.running_mean}, {@code L_bn.running_var}:
 *       {@code [Cout]}, the unfolded BatchNorm, all four or none (not for fc).</li>
 * </ul>
 */
public final class TensorNames {
    public static final String[] BN_SUFFIXES = {"weight", "bias", "running_mean", "running_var"};

    private TensorNames() {
    }

    public static String weight(String layer) {
        return layer + ".weight";
    }

    public static String bias(String layer) {
        return layer + ".bias";
    }

    public static String bnGamma(String layer) {
        return layer + "_bn.weight";
    }

    public static String bnBeta(String layer) {
        return layer + "_bn.bias";
    }

    public static String bnMean(String layer) {
        return layer + "_bn.running_mean";
    }

    public static String bnVar(String layer) {
        return layer + "_bn.running_var";
    }

    /** All four BN tensor names of a layer. */
    public static String[] bn(String layer) {
        return new String[] {bnGamma(layer), bnBeta(layer), bnMean(layer), bnVar(layer)};
    }
}
