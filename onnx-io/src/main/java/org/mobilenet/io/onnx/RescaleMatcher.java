package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.InputRescale;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Matches a graph's own input preprocessing before its first convolution: Mul, Add, Sub and Div of the
 * input by constants (one value, or one per channel), as tf2onnx writes a Keras Rescaling layer or
 * {@code preprocess_input} inside the model. Returns it as an {@link InputRescale}, which the importer
 * folds into the model's preprocessing (the graph then takes raw pixels).
 */
final class RescaleMatcher {
    private RescaleMatcher() {
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
     * The preprocessing of the nodes at the cursor (null when the next node is none of them); moves the
     * cursor past them.
     */
    static InputRescale match(OnnxGraph g, Cursor cur) throws IOException {
        InputRescale rescale = null;
        NodeProto n = ChainStep.next(g, cur);
        while (n != null && starts(g, cur, n)) {
            boolean first = n.getInput(0).equals(cur.value);
            float[] constant = g.floats(n, first ? 1 : 0, "constant");
            InputRescale.Op op = switch (n.getOpType()) {
                case "Mul" -> InputRescale.Op.MUL;
                case "Add" -> InputRescale.Op.ADD;
                case "Sub" -> InputRescale.Op.SUB;
                default -> InputRescale.Op.DIV;
            };
            try {
                rescale = InputRescale.then(rescale, InputRescale.step(op, constant, first, cur.c));
            } catch (IllegalArgumentException e) {
                throw g.bad(n, "on the input " + e.getMessage());
            }
            ChainStep.advance(g, cur, n);
            cur.after = OnnxGraph.describe(n);
            n = ChainStep.next(g, cur);
        }
        return rescale;
    }
}
