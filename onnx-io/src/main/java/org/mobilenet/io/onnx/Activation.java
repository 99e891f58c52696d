package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/** The activation after each conv: Relu, or Clip(0, 6) (ReLU6) with bounds as attributes or inputs. */
enum Activation {
    RELU("relu"), RELU6("relu6"),
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
        };
    }

    /** Matches the node as an activation, or returns null if it is not Relu or Clip. */
    static Activation match(OnnxGraph g, NodeProto n) throws IOException {
        if (n.getOpType().equals("Relu")) {
            return RELU;
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
