package org.mobilenet.io.onnx;

import java.io.IOException;
import java.util.Arrays;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Matches the classifier after pooling: Gemm (transB 0 or 1), MatMul followed by an optional Add of
 * the bias, or a 1x1 Conv with bias (TF-slim's logits layer).
 */
final class ClassifierMatcher {
    private ClassifierMatcher() {
    }

    /** The fully connected layer. Shape: weight {@code [classes, C]} row-major, bias {@code [classes]}. */
    record Fc(float[] weight, float[] bias, int classes, String output, Activation activation) {
        Fc(float[] weight, float[] bias, int classes, String output) {
            this(weight, bias, classes, output, Activation.NONE);
        }

        /** The same layer followed by that activation, whose output is now the layer's. */
        Fc withActivation(Activation a, String out) {
            return new Fc(weight, bias, classes, out, a);
        }
    }

    static boolean starts(NodeProto n) {
        return switch (n.getOpType()) {
            case "Gemm", "MatMul", "Conv" -> true;
            default -> false;
        };
    }

    static Fc match(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        int c = cur.c;
        Fc fc = switch (n.getOpType()) {
            case "Gemm" -> gemm(g, cur, n, c);
            case "MatMul" -> matMul(g, cur, n, c);
            case "Conv" -> conv(g, cur, n, c);
            default -> throw g.bad(n, "is not a classifier");
        };
        cur.c = fc.classes();
        cur.after = OnnxGraph.describe(n);
        return fc;
    }

    private static Fc gemm(OnnxGraph g, Cursor cur, NodeProto n, int c) throws IOException {
        requireFlat(g, cur, n);
        if (g.intAttr(n, "transA", 0) != 0 || g.floatAttr(n, "alpha", 1f) != 1f || g.floatAttr(n, "beta", 1f) != 1f) {
            throw g.bad(n, "has transA, alpha or beta set; expected y = x * B' + C");
        }
        boolean transB = g.intAttr(n, "transB", 0) != 0;
        int[] d = g.dims(n, 1, "B");
        if (d.length != 2 || (transB ? d[1] : d[0]) != c) {
            throw g.bad(n, "has B of dims " + Arrays.toString(d) + " (transB " + (transB ? 1 : 0) + ") on " + c
                    + " features; expected " + (transB ? "[classes, " + c + "]" : "[" + c + ", classes]"));
        }
        int k = transB ? d[0] : d[1];
        float[] b = g.floats(n, 1, "B");
        float[] w = transB ? b : transpose(b, c, k);
        float[] bias = g.hasInput(n, 2) ? bias(g, n, 2, k) : new float[k];
        ChainStep.advance(g, cur, n);
        return new Fc(w, bias, k, cur.value);
    }

    private static Fc matMul(OnnxGraph g, Cursor cur, NodeProto n, int c) throws IOException {
        requireFlat(g, cur, n);
        int[] d = g.dims(n, 1, "B");
        if (d.length != 2 || d[0] != c) {
            throw g.bad(n, "has B of dims " + Arrays.toString(d) + " on " + c + " features; expected [" + c + ", classes]");
        }
        int k = d[1];
        float[] w = transpose(g.floats(n, 1, "B"), c, k);
        ChainStep.advance(g, cur, n);
        float[] bias = new float[k];
        NodeProto add = ChainStep.next(g, cur);
        if (add != null && add.getOpType().equals("Add") && add.getInputCount() == 2) {
            // The bias is the Add's other input, in either order (ONNX Runtime's quantizer puts it first).
            bias = bias(g, add, add.getInput(0).equals(cur.value) ? 1 : 0, k);
            ChainStep.advance(g, cur, add);
        }
        return new Fc(w, bias, k, cur.value);
    }

    private static Fc conv(OnnxGraph g, Cursor cur, NodeProto n, int c) throws IOException {
        if (cur.flat || cur.layout != Layout.NCHW) {
            throw g.bad(n, "is a conv on " + cur.shape() + "; expected NCHW [N, " + c + ", 1, 1]");
        }
        int[] d = g.dims(n, 1, "weight");
        if (d.length != 4 || d[1] != c || d[2] != 1 || d[3] != 1 || g.intAttr(n, "group", 1) != 1) {
            throw g.bad(n, "has weight dims " + Arrays.toString(d) + "; expected a 1x1 conv [classes, " + c + ", 1, 1]");
        }
        int k = d[0];
        float[] w = g.floats(n, 1, "weight");
        float[] bias = g.hasInput(n, 2) ? bias(g, n, 2, k) : new float[k];
        ChainStep.advance(g, cur, n);
        return new Fc(w, bias, k, cur.value);
    }

    private static float[] bias(OnnxGraph g, NodeProto n, int input, int k) throws IOException {
        float[] b = g.floats(n, input, "bias");
        if (b.length != k) {
            throw g.bad(n, "has " + b.length + " bias values for " + k + " classes");
        }
        return b;
    }

    private static void requireFlat(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        if (!cur.flat) {
            throw g.bad(n, "multiplies " + cur.shape() + "; expected a flattened [N, " + cur.c + "] (Flatten or Reshape first)");
        }
    }

    /** Shape: {@code [rows, cols]} to {@code [cols, rows]}. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = a[r * cols + col];
            }
        }
        return t;
    }
}
