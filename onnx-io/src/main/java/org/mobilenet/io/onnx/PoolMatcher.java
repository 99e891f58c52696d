package org.mobilenet.io.onnx;

import java.io.IOException;
import java.util.Arrays;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/** Matches global average pooling: GlobalAveragePool, ReduceMean over height and width, or a full-size AveragePool. */
final class PoolMatcher {
    private PoolMatcher() {
    }

    static boolean starts(NodeProto n) {
        return switch (n.getOpType()) {
            case "GlobalAveragePool", "ReduceMean", "AveragePool" -> true;
            default -> false;
        };
    }

    /** Moves the cursor to the pooled value: [N, C, 1, 1] (or [N, C] for ReduceMean without keepdims). */
    static void match(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        if (cur.flat) {
            throw g.bad(n, "pools a flat value " + cur.shape() + "; expected the last feature map");
        }
        switch (n.getOpType()) {
            case "GlobalAveragePool" -> requireNchw(g, cur, n);
            case "AveragePool" -> {
                requireNchw(g, cur, n);
                long[] k = g.intsAttr(n, "kernel_shape");
                long[] pads = g.intsAttr(n, "pads");
                if (k == null || k.length != 2 || k[0] != cur.h || k[1] != cur.w) {
                    throw g.bad(n, "has kernel_shape " + Arrays.toString(k) + " on " + cur.shape()
                            + "; expected global pooling [" + cur.h + ", " + cur.w + "]");
                }
                if (pads != null && Arrays.stream(pads).anyMatch(p -> p != 0)) {
                    throw g.bad(n, "has pads " + Arrays.toString(pads) + "; expected none");
                }
                String auto = g.stringAttr(n, "auto_pad", "NOTSET");
                if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
                    throw g.bad(n, "has auto_pad " + auto + "; expected none");
                }
            }
            case "ReduceMean" -> {
                long[] axes = g.opset() >= 18 && g.hasInput(n, 1) ? g.longs(n, 1, "axes") : g.intsAttr(n, "axes");
                int[] want = cur.layout.spatialAxes();
                if (axes == null || axes.length != 2) {
                    throw g.bad(n, "reduces axes " + Arrays.toString(axes) + " of " + cur.layout + " " + cur.shape()
                            + "; expected the height and width axes " + Arrays.toString(want));
                }
                long[] norm = Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
                if (norm[0] != want[0] || norm[1] != want[1]) {
                    throw g.bad(n, "reduces axes " + Arrays.toString(axes) + " of " + cur.layout + " " + cur.shape()
                            + "; expected the height and width axes " + Arrays.toString(want));
                }
                if (g.intAttr(n, "keepdims", 1) == 0) {
                    cur.flat = true;
                }
            }
            default -> throw g.bad(n, "is not a pooling node");
        }
        ChainStep.advance(g, cur, n);
        cur.h = 1;
        cur.w = 1;
        cur.after = OnnxGraph.describe(n);
    }

    private static void requireNchw(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        if (cur.layout != Layout.NCHW) {
            throw g.bad(n, "pools NHWC data " + cur.shape() + "; expected NCHW");
        }
    }
}
