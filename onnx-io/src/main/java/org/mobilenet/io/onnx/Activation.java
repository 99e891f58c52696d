package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * The activation after each conv: Relu, Clip(0, 6) (ReLU6) with bounds as attributes or inputs, or
 * MobileNet v3's HardSwish and HardSigmoid.
 */
enum Activation {
    RELU("relu"), RELU6("relu6"),
    /** MobileNet v3's: HardSwish (opset 14), or x * HardSigmoid(x) before it ({@link #advance}). */
    HARD_SWISH("hard-swish"),
    /** HardSigmoid with alpha 1/6 and beta 0.5, the gate of v3's squeeze-and-excite blocks. */
    HARD_SIGMOID("hard-sigmoid"),
    /** No activation: a linear layer (MobileNet v2's projections), the Conv followed directly by the next layer. */
    NONE("none");

    final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The engine's activation. */
    org.mobilenet.engine.arch.Activation engine() {
        return switch (this) {
            case RELU -> org.mobilenet.engine.arch.Activation.RELU;
            case RELU6 -> org.mobilenet.engine.arch.Activation.RELU6;
            case NONE -> org.mobilenet.engine.arch.Activation.NONE;
            case HARD_SWISH -> org.mobilenet.engine.arch.Activation.HARD_SWISH;
            case HARD_SIGMOID -> org.mobilenet.engine.arch.Activation.HARD_SIGMOID;
        };
    }

    /**
     * Moves the cursor past activation node {@code n} (matched as {@code act}); a HardSigmoid whose
     * output then multiplies its own input (x * HardSigmoid(x), hard-swish as exporters before opset
     * 14 write it) takes that Mul too and is HARD_SWISH. Returns the activation found.
     */
    static Activation advance(OnnxGraph g, Cursor cur, NodeProto n, Activation act) throws IOException {
        String x = n.getInput(0);
        ChainStep.advance(g, cur, n);
        if (act != HARD_SIGMOID) {
            return act;
        }
        for (NodeProto m : g.dataConsumers(cur.value)) {
            if (m.getOpType().equals("Mul") && m.getInputCount() == 2
                    && (m.getInput(0).equals(x) && m.getInput(1).equals(cur.value)
                            || m.getInput(1).equals(x) && m.getInput(0).equals(cur.value))) {
                ChainStep.advance(g, cur, m);
                return HARD_SWISH;
            }
        }
        return HARD_SIGMOID;
    }

    /** Matches the node as an activation, or returns null if it is not Relu or Clip. */
    static Activation match(OnnxGraph g, NodeProto n) throws IOException {
        if (n.getOpType().equals("Relu")) {
            return RELU;
        }
        if (n.getOpType().equals("HardSwish")) {
            return HARD_SWISH;
        }
        if (n.getOpType().equals("HardSigmoid")) {
            float alpha = g.floatAttr(n, "alpha", 0.2f);
            float beta = g.floatAttr(n, "beta", 0.5f);
            if (Math.abs(alpha - 1f / 6) > 1e-6f || Math.abs(beta - 0.5f) > 1e-6f) {
                throw g.bad(n, "has alpha " + alpha + " and beta " + beta + "; expected MobileNet v3's HardSigmoid"
                        + " (alpha 1/6, beta 0.5)");
            }
            return HARD_SIGMOID;
        }
        if (!n.getOpType().equals("Clip")) {
            return null;
        }
        float min;
        float max;
        if (g.opset() < 11) {
            min = g.floatAttr(n, "min", Float.NEGATIVE_INFINITY);
            max = g.floatAttr(n, "max", Float.POSITIVE_INFINITY);
        } else {
            min = g.hasInput(n, 1) ? scalar(g, n, 1, "min") : Float.NEGATIVE_INFINITY;
            max = g.hasInput(n, 2) ? scalar(g, n, 2, "max") : Float.POSITIVE_INFINITY;
        }
        if (min == 0f && max == 6f) {
            return RELU6;
        }
        if (min == 0f && max == Float.POSITIVE_INFINITY) {
            return RELU;
        }
        throw g.bad(n, "clips to [" + min + ", " + max + "]; expected Clip(0, 6) (ReLU6) or Relu");
    }

    private static float scalar(OnnxGraph g, NodeProto n, int input, String what) throws IOException {
        float[] v = g.floats(n, input, what);
        if (v.length != 1) {
            throw g.bad(n, "has a " + what + " of " + v.length + " values; expected a scalar");
        }
        return v[0];
    }
}
