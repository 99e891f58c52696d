package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/** Matches a Softmax over the classes. */
final class SoftmaxMatcher {
    private SoftmaxMatcher() {
    }

    static boolean starts(NodeProto n) {
        return n.getOpType().equals("Softmax");
    }

    static void match(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        long axis = g.intAttr(n, "axis", g.opset() >= 13 ? -1 : 1);
        boolean ok;
        if (cur.flat) {
            ok = axis == 1 || axis == -1;
        } else if (g.opset() < 13) {
            // Older Softmax flattens from axis: over [N, C*1*1] or [N, 1*1*C] either way.
            ok = axis == 1 || (cur.layout == Layout.NHWC && (axis == 3 || axis == -1));
        } else {
            ok = axis == cur.layout.channelAxis() || (cur.layout == Layout.NHWC && axis == -1);
        }
        if (!ok) {
            throw g.bad(n, "has axis " + axis + " on " + cur.shape() + "; expected the class axis");
        }
        ChainStep.advance(g, cur, n);
        cur.after = OnnxGraph.describe(n);
    }
}
