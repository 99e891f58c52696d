package org.mobilenet.cli;

import java.util.Locale;
import org.mobilenet.engine.arch.LayerSpec;

/** Paper-style descriptions of layers ("Conv dw / s2", "3x3x32 dw") shared by the reports. */
final class Describe {
    private Describe() {
    }

    /** Table 1's "Type / Stride" column. */
    static String typeAndStride(LayerSpec l) {
        String type = switch (l.kind()) {
            case CONV, POINTWISE -> "Conv";
            case DEPTHWISE -> "Conv dw";
            case AVG_POOL -> "Avg Pool";
            case FC -> "FC";
            case SOFTMAX -> "Softmax";
            case SIGMOID -> "Sigmoid";
            case ADD -> "Add";
            case SCALE -> "SE Scale";
        };
        return type + " / s" + l.stride();
    }

    /** Table 1's "Filter Shape" column. */
    static String filter(LayerSpec l) {
        int[] f = filterDims(l);
        return switch (l.kind()) {
            case DEPTHWISE -> join(f) + " dw";
            case AVG_POOL -> "Pool " + join(f);
            case SOFTMAX, SIGMOID -> "Classifier";
            case ADD -> "+ " + l.addend();
            case SCALE -> "x " + l.addend();
            default -> join(f);
        };
    }

    /** The filter as numbers: conv [k,k,in,out], dw [k,k,c], pool [h,w], fc [in,out], softmax, sigmoid, add and scale []. */
    static int[] filterDims(LayerSpec l) {
        int k = l.kernel();
        return switch (l.kind()) {
            case CONV, POINTWISE -> new int[] {k, k, l.inChannels(), l.outChannels()};
            case DEPTHWISE -> new int[] {k, k, l.inChannels()};
            case AVG_POOL -> new int[] {l.in().h(), l.in().w()};
            case FC -> new int[] {l.inChannels(), l.outChannels()};
            case SOFTMAX, SIGMOID, ADD, SCALE -> new int[0];
        };
    }

    /** A double without a trailing ".0" where it is whole. */
    static String number(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }

    private static String join(int[] f) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < f.length; i++) {
            sb.append(i == 0 ? "" : "x").append(f[i]);
        }
        return sb.toString();
    }
}
