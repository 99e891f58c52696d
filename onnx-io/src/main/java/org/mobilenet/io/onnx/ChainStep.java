package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Reads the next node of the chain, passing over nodes that do nothing at inference (Identity, Dropout)
 * or nothing to the engine's float32 values (a Cast between float types, which a half-precision
 * conversion puts after the input and before the output).
 */
final class ChainStep {
    private ChainStep() {
    }

    /**
     * The next node that does something, or null at the end of the chain; marks skipped nodes visited
     * and refuses a node visited before (a cycle).
     */
    static NodeProto next(OnnxGraph g, Cursor cur) throws IOException {
        while (true) {
            NodeProto n = g.next(cur.value);
            if (n == null) {
                return null;
            }
            if (g.visited(n)) {
                // A node reached twice: the graph runs in a circle and walking it would never end.
                throw g.bad(n, "is reached again from '" + cur.value + "'; expected an acyclic MobileNet v1 chain");
            }
            if (n.getOpType().equals("Identity") || n.getOpType().equals("Dropout") || floatCast(g, n)) {
                if (!n.getInput(0).equals(cur.value)) {
                    throw g.bad(n, "expected the chain value '" + cur.value + "' as its first input");
                }
                if (n.getOpType().equals("Dropout") && n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()
                        && !g.dataConsumers(n.getOutput(1)).isEmpty()) {
                    throw g.bad(n, "uses its mask output; expected an inference graph");
                }
                g.markVisited(n);
                cur.value = n.getOutput(0);
                continue;
            }
            // Add and Mul commute: the chain value may be their second input (a residual Add's addend first,
            // a rescaling Mul's constant first).
            boolean addend = (n.getOpType().equals("Add") || n.getOpType().equals("Mul")) && n.getInputCount() == 2
                    && n.getInput(1).equals(cur.value);
            if (!addend && (n.getInputCount() == 0 || !n.getInput(0).equals(cur.value))) {
                throw g.bad(n, "reads '" + cur.value + "' as a later input; expected it as the first (data) input");
            }
            return n;
        }
    }

    /** A Cast to a float type (float32, float16, bfloat16 or double): the engine computes in float32 anyway. */
    private static boolean floatCast(OnnxGraph g, NodeProto n) throws IOException {
        if (!n.getOpType().equals("Cast")) {
            return false;
        }
        long to = g.intAttr(n, "to", -1);
        return to == org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataType.FLOAT_VALUE
                || to == org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataType.FLOAT16_VALUE
                || to == org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataType.BFLOAT16_VALUE
                || to == org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataType.DOUBLE_VALUE;
    }

    /** Moves the cursor to a node's first output and marks the node visited. */
    static void advance(OnnxGraph g, Cursor cur, NodeProto n) {
        g.markVisited(n);
        cur.value = n.getOutput(0);
    }
}
