package org.mobilenet.io.onnx;

import java.io.IOException;
import java.util.Arrays;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Matches the shape-only nodes between pooling, classifier and softmax: Flatten, Reshape, Squeeze,
 * Unsqueeze and Transpose on a value whose height and width are 1. They change no values, only
 * whether the value is [N, C, 1, 1] or [N, C].
 */
final class ReshapeMatcher {
    private ReshapeMatcher() {
    }

    static boolean starts(NodeProto n) {
        return switch (n.getOpType()) {
            case "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose" -> true;
            default -> false;
        };
    }

    static void match(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        if (cur.h != 1 || cur.w != 1) {
            flattenMap(g, cur, n);
            ChainStep.advance(g, cur, n);
            return;
        }
        switch (n.getOpType()) {
            case "Flatten" -> {
                long axis = g.intAttr(n, "axis", 1);
                if (axis != 1 && !(cur.flat && axis == -1)) {
                    throw g.bad(n, "flattens from axis " + axis + "; expected axis 1 (keep the batch)");
                }
                cur.flat = true;
            }
            case "Squeeze" -> {
                long[] axes = g.opset() >= 13 && g.hasInput(n, 1) ? g.longs(n, 1, "axes") : g.intsAttr(n, "axes");
                if (cur.flat) {
                    throw g.bad(n, "squeezes the flat value " + cur.shape() + "; expected [N, C, 1, 1]");
                }
                if (axes != null) {
                    long[] norm = Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
                    int[] want = cur.layout.spatialAxes();
                    if (norm.length != 2 || norm[0] != want[0] || norm[1] != want[1]) {
                        throw g.bad(n, "squeezes axes " + Arrays.toString(axes) + " of " + cur.layout + " "
                                + cur.shape() + "; expected " + Arrays.toString(want));
                    }
                }
                cur.flat = true;
            }
            case "Unsqueeze" -> {
                if (!cur.flat) {
                    throw g.bad(n, "unsqueezes " + cur.shape() + "; expected a flat value");
                }
                cur.flat = false;
                cur.layout = Layout.NCHW;
            }
            case "Transpose" -> {
                long[] perm = g.intsAttr(n, "perm");
                if (cur.flat) {
                    if (perm != null && !Arrays.equals(perm, new long[] {0, 1})) {
                        throw g.bad(n, "transposes the flat value " + cur.shape() + " with perm " + Arrays.toString(perm));
                    }
                } else if (Arrays.equals(perm, new long[] {0, 2, 3, 1})) {
                    cur.layout = Layout.NHWC;
                } else if (Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
                    cur.layout = Layout.NCHW;
                } else {
                    throw g.bad(n, "has perm " + Arrays.toString(perm) + "; expected [0, 2, 3, 1] or [0, 3, 1, 2]");
                }
            }
            case "Reshape" -> reshape(g, cur, n);
            default -> throw g.bad(n, "is not a shape-only node");
        }
        ChainStep.advance(g, cur, n);
    }

    /**
     * A shape node on an unpooled map, for a dense layer that reads it whole: a Transpose between the
     * layouts, then a Flatten from axis 1 or a Reshape to {@code [N, C * H * W]}, which leaves the cursor
     * flat over {@code C * H * W} features in the order of the layout it had ({@link Cursor#flatOrder}).
     */
    private static void flattenMap(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        int features = cur.c * cur.h * cur.w;
        switch (n.getOpType()) {
            case "Transpose" -> {
                long[] perm = g.intsAttr(n, "perm");
                if (Arrays.equals(perm, new long[] {0, 2, 3, 1})) {
                    cur.layout = Layout.NHWC;
                } else if (Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
                    cur.layout = Layout.NCHW;
                } else {
                    throw g.bad(n, "has perm " + Arrays.toString(perm) + "; expected [0, 2, 3, 1] or [0, 3, 1, 2]");
                }
                return;
            }
            case "Flatten" -> {
                long axis = g.intAttr(n, "axis", 1);
                if (axis != 1) {
                    throw g.bad(n, "flattens " + cur.shape() + " from axis " + axis + "; expected axis 1 (keep the batch)");
                }
            }
            case "Reshape" -> {
                long[] shape = g.hasInput(n, 1) && g.isConstant(n.getInput(1)) ? g.longs(n, 1, "shape") : null;
                if (shape == null || shape.length != 2 || !(shape[0] == -1 || shape[0] == 0 || shape[0] == 1)
                        || !(shape[1] == features || shape[1] == -1)) {
                    throw g.bad(n, "reshapes the feature map " + cur.shape() + " to "
                            + (shape == null ? "a computed shape" : Arrays.toString(shape)) + "; expected pooling"
                            + " first, or [N, " + features + "] (the map flattened for a dense layer)");
                }
            }
            default -> throw g.bad(n, "reshapes the feature map " + cur.shape() + "; expected pooling first, or a"
                    + " Flatten for a dense layer");
        }
        cur.flatOrder = cur.layout;
        cur.flatMap = new int[] {cur.h, cur.w, cur.c};
        cur.c = features;
        cur.h = 1;
        cur.w = 1;
        cur.flat = true;
    }

    private static void reshape(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        if (!g.hasInput(n, 1)) {
            throw g.bad(n, "has no shape input");
        }
        if (!g.isConstant(n.getInput(1))) {
            // A shape computed in the graph (Shape -> Gather -> Concat ...) from a 1x1 map: [N, C].
            cur.flat = true;
            return;
        }
        long[] shape = g.longs(n, 1, "shape");
        long last = shape.length == 0 ? 0 : shape[shape.length - 1];
        boolean batchFirst = shape.length > 0 && (shape[0] == -1 || shape[0] == 0 || shape[0] == 1 || shape.length == 1);
        if (shape.length == 2 && batchFirst && (last == cur.c || last == -1)) {
            cur.flat = true;
        } else if (shape.length == 4 && shape[0] <= 1 && shape[1] == cur.c && shape[2] == 1 && shape[3] == 1) {
            cur.flat = false;
            cur.layout = Layout.NCHW;
        } else if (shape.length == 4 && shape[0] <= 1 && shape[3] == cur.c && shape[1] == 1 && shape[2] == 1) {
            cur.flat = false;
            cur.layout = Layout.NHWC;
        } else {
            throw g.bad(n, "reshapes " + cur.shape() + " to " + Arrays.toString(shape) + "; expected [N, " + cur.c + "]");
        }
    }
}
