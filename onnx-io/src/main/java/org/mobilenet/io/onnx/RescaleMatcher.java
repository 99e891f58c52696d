package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Matches a graph's own input preprocessing before its first convolution: Mul, Add, Sub and Div of the
 * input by constants (one value, or one per channel), as tf2onnx writes a Keras Rescaling layer or
 * {@code preprocess_input} inside the model. Returns it as {@code x * scale + shift} per channel, which
 * the importer folds into the model's preprocessing (the graph then takes raw pixels).
 */
final class RescaleMatcher {
    private RescaleMatcher() {
    }

    /** {@code first} followed by {@code second} (either may be null: none), as one {scale, shift}. */
    static float[][] then(float[][] first, float[][] second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        float[] scale = new float[first[0].length];
        float[] shift = new float[first[0].length];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = second[0][c] * first[0][c];
            shift[c] = second[0][c] * first[1][c] + second[1][c];
        }
        return new float[][] {scale, shift};
    }

    static boolean starts(OnnxGraph g, Cursor cur, NodeProto n) {
        return switch (n.getOpType()) {
            case "Mul", "Add", "Sub", "Div" -> n.getInputCount() == 2
                    && (n.getInput(0).equals(cur.value) && g.isConstant(n.getInput(1))
                    || n.getInput(1).equals(cur.value) && g.isConstant(n.getInput(0)));
            default -> false;
        };
    }

    /**
     * The preprocessing of the nodes at the cursor, {scale, shift} per channel (null when the next node
     * is none of them); moves the cursor past them.
     */
    static float[][] match(OnnxGraph g, Cursor cur) throws IOException {
        float[] scale = null;
        float[] shift = null;
        NodeProto n = ChainStep.next(g, cur);
        while (n != null && starts(g, cur, n)) {
            boolean first = n.getInput(0).equals(cur.value);
            float[] v = g.floats(n, first ? 1 : 0, "constant");
            if (v.length != 1 && v.length != cur.c) {
                throw g.bad(n, "on the input uses " + v.length + " constant values; expected one, or one per channel ("
                        + cur.c + ")");
            }
            float[] a = new float[cur.c];
            float[] b = new float[cur.c];
            for (int c = 0; c < cur.c; c++) {
                float k = v[v.length == 1 ? 0 : c];
                switch (n.getOpType()) {
                    case "Mul" -> a[c] = k;
                    case "Add" -> {
                        a[c] = 1;
                        b[c] = k;
                    }
                    case "Sub" -> {
                        a[c] = first ? 1 : -1;
                        b[c] = first ? -k : k;
                    }
                    default -> {
                        if (!first) {
                            throw g.bad(n, "divides a constant by the input; expected the input divided by a constant");
                        }
                        a[c] = 1 / k;
                    }
                }
                if (!(a[c] > 0) || !Float.isFinite(a[c]) || !Float.isFinite(b[c])) {
                    throw g.bad(n, "scales the input by " + a[c] + " and shifts it by " + b[c] + "; the input"
                            + " preprocessing the engine takes over needs a finite positive scale");
                }
            }
            float[][] step = then(scale == null ? null : new float[][] {scale, shift}, new float[][] {a, b});
            scale = step[0];
            shift = step[1];
            ChainStep.advance(g, cur, n);
            cur.after = OnnxGraph.describe(n);
            n = ChainStep.next(g, cur);
        }
        return scale == null ? null : new float[][] {scale, shift};
    }
}
