package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/** Matches one conv layer at the cursor: an optional zero Pad, a Conv, an optional BatchNormalization and the activation. */
final class ConvUnitMatcher {
    /** The largest kernel side read (a 7x7 stem is the largest in the family's variants). */
    static final int MAX_KERNEL = 15;

    /** Ops that may follow a Conv directly (no activation: a linear layer, as v2's projections are). */
    private static final java.util.Set<String> LINEAR_NEXT =
            java.util.Set.of("Conv", "Pad", "Add", "GlobalAveragePool", "ReduceMean", "AveragePool", "Flatten",
                    "Reshape", "Transpose");

    private ConvUnitMatcher() {
    }

    /** True if the node starts a conv unit. */
    static boolean starts(NodeProto n) {
        return n.getOpType().equals("Conv") || n.getOpType().equals("Pad");
    }

    static ConvUnit match(OnnxGraph g, Cursor cur, NodeProto first) throws IOException {
        if (cur.layout != Layout.NCHW || cur.flat) {
            throw g.bad(first, "works on " + cur.layout + " data " + cur.shape()
                    + "; expected NCHW (a Transpose [0, 3, 1, 2] after an NHWC input)");
        }
        Pads extra = Pads.NONE;
        NodeProto n = first;
        if (n.getOpType().equals("Pad")) {
            extra = PadMatcher.match(g, cur, n);
            ChainStep.advance(g, cur, n);
            n = ChainStep.next(g, cur);
            if (n == null || !n.getOpType().equals("Conv")) {
                throw g.bad(first, "is followed by " + (n == null ? "the end of the graph" : OnnxGraph.describe(n))
                        + "; expected a Conv after a Pad");
            }
        }
        NodeProto conv = n;
        int inC = cur.c;
        int inH = cur.h - extra.top() - extra.bottom();
        int inW = cur.w - extra.left() - extra.right();
        int[] wd = g.dims(conv, 1, "weight");
        if (wd.length != 4 || wd[2] != wd[3]) {
            throw g.bad(conv, "has weight dims " + java.util.Arrays.toString(wd) + "; expected [Cout, Cin/group, k, k]");
        }
        long groupAttr = g.intAttr(conv, "group", 1);
        int k = wd[2];
        if (groupAttr < 1 || groupAttr > cur.c || (long) wd[1] * groupAttr != cur.c) {
            throw g.bad(conv, "has weight dims " + java.util.Arrays.toString(wd) + " and group " + groupAttr + " on input "
                    + cur.shape() + "; the input channels do not match");
        }
        long[] ks = g.intsAttr(conv, "kernel_shape");
        if (ks != null && (ks.length != 2 || ks[0] != k || ks[1] != k)) {
            throw g.bad(conv, "has kernel_shape " + java.util.Arrays.toString(ks) + " but weight dims "
                    + java.util.Arrays.toString(wd));
        }
        long[] dil = g.intsAttr(conv, "dilations");
        if (dil != null) {
            for (long d : dil) {
                if (d != 1) {
                    throw g.bad(conv, "has dilations " + java.util.Arrays.toString(dil) + "; expected 1");
                }
            }
        }
        long[] st = g.intsAttr(conv, "strides");
        long strideAttr = st == null || st.length == 0 ? 1 : st[0];
        if (st != null && (st.length != 2 || st[0] != st[1] || strideAttr < 1 || strideAttr > 2)) {
            throw g.bad(conv, "has strides " + java.util.Arrays.toString(st) + "; expected [1, 1] or [2, 2]");
        }
        int stride = (int) strideAttr;
        int group = (int) groupAttr;
        Pads convPads = convPads(g, conv, cur.h, cur.w, k, stride);
        Pads pads = new Pads(extra.top() + convPads.top(), extra.left() + convPads.left(),
                extra.bottom() + convPads.bottom(), extra.right() + convPads.right());
        LayerKind kind;
        // Any square kernel the engine runs (3x3 in MobileNet v1 and v2; 5x5 depthwise in later variants,
        // which the TFLite import reads too): a full convolution, or a depthwise one (one filter per channel).
        if (k > MAX_KERNEL) {
            throw g.bad(conv, "is a " + k + "x" + k + " conv; expected a kernel of at most " + MAX_KERNEL + "x" + MAX_KERNEL);
        }
        if (k == 1 && group == 1 && stride == 1) {
            kind = LayerKind.POINTWISE;
        } else if (group == 1) {
            kind = LayerKind.CONV;
        } else if (k > 1 && group == cur.c && wd[0] == cur.c) {
            kind = LayerKind.DEPTHWISE;
        } else {
            throw g.bad(conv, "is a " + k + "x" + k + " conv with group " + group + " on " + cur.c
                    + " channels; expected a full conv (group 1) or a depthwise one (group = channels, one filter each)");
        }
        float[] weight = g.floats(conv, 1, "weight");
        float[] bias = null;
        if (g.hasInput(conv, 2)) {
            bias = g.floats(conv, 2, "bias");
            if (bias.length != wd[0]) {
                throw g.bad(conv, "has " + bias.length + " bias values for " + wd[0] + " output channels");
            }
        }
        int outH = (inH + pads.top() + pads.bottom() - k) / stride + 1;
        int outW = (inW + pads.left() + pads.right() - k) / stride + 1;
        if (outH < 1 || outW < 1) {
            throw g.bad(conv, "would produce an empty output from " + cur.shape());
        }
        ChainStep.advance(g, cur, conv);
        cur.c = wd[0];
        cur.h = outH;
        cur.w = outW;
        ConvUnit.BatchNorm bn = null;
        n = ChainStep.next(g, cur);
        if (n != null && n.getOpType().equals("BatchNormalization")) {
            bn = BatchNormMatcher.match(g, n, cur.c);
            ChainStep.advance(g, cur, n);
            n = ChainStep.next(g, cur);
        }
        Activation act = n == null ? null : Activation.match(g, n);
        boolean linear = act == null && n != null && LINEAR_NEXT.contains(n.getOpType());
        if (linear) {
            act = Activation.NONE;
        }
        if (act == null) {
            throw new org.mobilenet.io.BadInputException(g.file(), "node " + OnnxGraph.describe(conv) + " is followed by "
                    + (n == null ? "the end of the graph" : OnnxGraph.describe(n))
                    + "; expected Relu, Clip(0, 6) or HardSwish" + (bn == null ? " (or BatchNormalization)" : ""));
        }
        if (!linear) {
            act = Activation.advance(g, cur, n, act);
        }
        cur.after = OnnxGraph.describe(conv);
        return new ConvUnit(OnnxGraph.describe(conv), kind, k, stride, pads, inC, inH, inW, cur.c, outH, outW,
                weight, bias, bn, act, cur.value);
    }

    /** The Conv's own pads from {@code pads} or {@code auto_pad}, on a paddedH x paddedW input. */
    private static Pads convPads(OnnxGraph g, NodeProto conv, int h, int w, int k, int stride)
            throws org.mobilenet.io.BadInputException {
        String auto = g.stringAttr(conv, "auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET", "" -> {
                long[] p = g.intsAttr(conv, "pads");
                if (p == null) {
                    return Pads.NONE;
                }
                if (p.length != 4) {
                    throw g.bad(conv, "has pads " + java.util.Arrays.toString(p) + "; expected 4 values");
                }
                for (long v : p) {
                    if (v < 0 || v > k) {
                        throw g.bad(conv, "has pads " + java.util.Arrays.toString(p) + "; expected values in 0.." + k);
                    }
                }
                return new Pads((int) p[0], (int) p[1], (int) p[2], (int) p[3]);
            }
            case "VALID" -> {
                return Pads.NONE;
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                int th = Math.max(((h + stride - 1) / stride - 1) * stride + k - h, 0);
                int tw = Math.max(((w + stride - 1) / stride - 1) * stride + k - w, 0);
                boolean upper = auto.equals("SAME_UPPER");
                return upper ? new Pads(th / 2, tw / 2, th - th / 2, tw - tw / 2)
                        : new Pads(th - th / 2, tw - tw / 2, th / 2, tw / 2);
            }
            default -> throw g.bad(conv, "has auto_pad '" + auto + "'; expected NOTSET, VALID or SAME_UPPER");
        }
    }
}
