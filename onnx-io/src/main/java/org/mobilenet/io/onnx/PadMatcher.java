package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/** Matches a constant-zero Pad on the height and width of an NCHW value (Keras's ZeroPadding2D). */
final class PadMatcher {
    private PadMatcher() {
    }

    /** The spatial pads; updates the cursor's height and width. */
    static Pads match(OnnxGraph g, Cursor cur, NodeProto n) throws IOException {
        String mode = g.stringAttr(n, "mode", "constant");
        if (!mode.equals("constant")) {
            throw g.bad(n, "pads in mode '" + mode + "'; expected constant zero padding");
        }
        long[] p;
        float value;
        if (g.opset() < 11) {
            p = g.intsAttr(n, "pads");
            value = g.floatAttr(n, "value", 0f);
        } else {
            p = g.longs(n, 1, "pads");
            float[] v = g.hasInput(n, 2) ? g.floats(n, 2, "constant_value") : new float[] {0f};
            if (v.length != 1) {
                throw g.bad(n, "has a constant_value of " + v.length + " values; expected a scalar");
            }
            value = v[0];
        }
        if (value != 0f) {
            throw g.bad(n, "pads with " + value + "; expected zeros");
        }
        if (p == null) {
            throw g.bad(n, "has no pads");
        }
        long[] full = p;
        if (g.hasInput(n, 3)) {
            long[] axes = g.longs(n, 3, "axes");
            full = new long[8];
            for (int i = 0; i < axes.length; i++) {
                int a = (int) (axes[i] < 0 ? axes[i] + 4 : axes[i]);
                if (a < 0 || a > 3 || p.length != 2 * axes.length) {
                    throw g.bad(n, "has axes " + java.util.Arrays.toString(axes) + "; expected axes of a 4-D value");
                }
                full[a] = p[i];
                full[a + 4] = p[i + axes.length];
            }
        }
        if (full.length != 8 || full[0] != 0 || full[1] != 0 || full[4] != 0 || full[5] != 0) {
            throw g.bad(n, "has pads " + java.util.Arrays.toString(full)
                    + "; expected 8 values padding only height and width of NCHW data");
        }
        for (long v : full) {
            if (v < 0 || v > 3) {
                throw g.bad(n, "has pads " + java.util.Arrays.toString(full) + "; expected values in 0..3");
            }
        }
        Pads pads = new Pads((int) full[2], (int) full[3], (int) full[6], (int) full[7]);
        cur.h += pads.top() + pads.bottom();
        cur.w += pads.left() + pads.right();
        return pads;
    }
}
