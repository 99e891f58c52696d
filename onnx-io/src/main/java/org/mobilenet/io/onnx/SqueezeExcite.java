package org.mobilenet.io.onnx;

import java.io.IOException;
import java.util.Map;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * MobileNet v3's squeeze-and-excite block: the chain's map pooled, a dense layer with ReLU (or ReLU6), a dense
 * layer with HardSigmoid(alpha 1/6), and the map's channels multiplied by that gate. The dense layers
 * are 1x1 Convs on the pooled [N, C, 1, 1] map (torchvision's export) or Gemms after a Flatten, the
 * gate then reshaped to [N, C, 1, 1] (the engine's own export).
 *
 * @param addend the item (unit) whose output is the scaled map
 * @param pool   the pooled value; {@code squeeze} and {@code excite} the dense layers (their outputs the
 *               values after their activations); {@code output} the scaled map
 */
record SqueezeExcite(int addend, String pool, ClassifierMatcher.Fc squeeze, ClassifierMatcher.Fc excite,
        String output) {

    /**
     * Whether pooling node {@code n} starts such a block: the value it pools also feeds a Mul (the
     * scaling) rather than only the head.
     */
    static boolean starts(OnnxGraph g, NodeProto n, String value) {
        return PoolMatcher.starts(n) && g.dataConsumers(value).stream().anyMatch(c -> c.getOpType().equals("Mul"));
    }

    static SqueezeExcite match(OnnxGraph g, Cursor cur, NodeProto pool, Map<String, Integer> produced)
            throws IOException {
        String map = cur.value;
        Integer addend = produced.get(map);
        if (addend == null) {
            throw g.bad(pool, "pools '" + map + "', which no earlier layer produced");
        }
        int c = cur.c;
        int h = cur.h;
        int w = cur.w;
        Layout layout = cur.layout;
        PoolMatcher.match(g, cur, pool);
        String pooled = cur.value;
        ClassifierMatcher.Fc squeeze = dense(g, cur, Activation.RELU, pool);
        ClassifierMatcher.Fc excite = dense(g, cur, Activation.HARD_SIGMOID, pool);
        if (excite.classes() != c) {
            throw g.bad(pool, "starts a squeeze-and-excite block whose gate has " + excite.classes() + " values for "
                    + c + " channels");
        }
        NodeProto n = ChainStep.next(g, cur);
        while (n != null && ReshapeMatcher.starts(n)) { // the gate back to [N, C, 1, 1]
            ReshapeMatcher.match(g, cur, n);
            n = ChainStep.next(g, cur);
        }
        if (n == null || !n.getOpType().equals("Mul") || n.getInputCount() != 2
                || !(n.getInput(0).equals(map) || n.getInput(1).equals(map)) || cur.flat) {
            throw g.bad(pool, "starts a squeeze-and-excite block that does not end in a Mul of '" + map
                    + "' by its [N, " + c + ", 1, 1] gate");
        }
        ChainStep.advance(g, cur, n);
        cur.c = c;
        cur.h = h;
        cur.w = w;
        cur.layout = layout;
        cur.flat = false;
        cur.after = OnnxGraph.describe(n);
        return new SqueezeExcite(addend, pooled, squeeze, excite, cur.value);
    }

    /**
     * A dense layer (1x1 Conv, or Gemm/MatMul after shape nodes) and its activation, which must be
     * {@code act} (for RELU, RELU6 too).
     */
    private static ClassifierMatcher.Fc dense(OnnxGraph g, Cursor cur, Activation act, NodeProto block)
            throws IOException {
        NodeProto n = ChainStep.next(g, cur);
        while (n != null && ReshapeMatcher.starts(n)) {
            ReshapeMatcher.match(g, cur, n);
            n = ChainStep.next(g, cur);
        }
        if (n == null || !ClassifierMatcher.starts(n)) {
            throw g.bad(block, "starts a squeeze-and-excite block without its dense layers (found "
                    + (n == null ? "the end" : OnnxGraph.describe(n)) + ")");
        }
        ClassifierMatcher.Fc fc = ClassifierMatcher.match(g, cur, n);
        NodeProto a = ChainStep.next(g, cur);
        Activation found = a == null ? null : Activation.match(g, a);
        // The squeeze's ReLU may be a ReLU6 (a quantized file's range can imply one).
        if (found == Activation.RELU6 && act == Activation.RELU) {
            act = Activation.RELU6;
        }
        if (found != act) {
            throw g.bad(block, "starts a squeeze-and-excite block whose dense layer " + OnnxGraph.describe(n)
                    + " is followed by " + (a == null ? "the end" : OnnxGraph.describe(a)) + "; expected " + act.id);
        }
        ChainStep.advance(g, cur, a);
        return fc.withActivation(act, cur.value);
    }
}
