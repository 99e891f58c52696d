package org.mobilenet.io.onnx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * An index over an ONNX graph for pattern matching: which node consumes a value, which values are
 * constants (initializers or {@code Constant} nodes), attribute look-ups, and error messages that
 * name the node.
 */
final class OnnxGraph {
    private final java.nio.file.Path file;
    private final ModelProto model;
    private final GraphProto graph;
    private final int opset;
    private final TensorData data;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<NodeProto> visited = new HashSet<>();

    OnnxGraph(java.nio.file.Path file, ModelProto model) throws BadInputException {
        this.file = file;
        this.model = model;
        this.graph = model.getGraph();
        this.opset = OnnxFile.opset(model);
        this.data = new TensorData(file);
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        for (NodeProto n : graph.getNodeList()) {
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new BadInputException(file, "node " + describe(n) + " is from operator domain '" + n.getDomain()
                        + "'; expected standard ONNX operators only");
            }
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        constants.put(n.getOutput(0), a.getT().toBuilder().setName(n.getOutput(0)).build());
                        visited.add(n);
                    }
                }
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (ValueInfoProto o : graph.getOutputList()) {
            graphOutputs.add(o.getName());
        }
    }

    java.nio.file.Path file() {
        return file;
    }

    ModelProto model() {
        return model;
    }

    GraphProto graph() {
        return graph;
    }

    int opset() {
        return opset;
    }

    TensorData data() {
        return data;
    }

    boolean isConstant(String name) {
        return constants.containsKey(name);
    }

    boolean isGraphOutput(String name) {
        return graphOutputs.contains(name);
    }

    /** The nodes that read a value, excluding nodes that only compute shapes from it ({@code Shape}). */
    List<NodeProto> dataConsumers(String value) {
        List<NodeProto> l = new ArrayList<>();
        for (NodeProto n : consumers.getOrDefault(value, List.of())) {
            if (!n.getOpType().equals("Shape")) {
                l.add(n);
            }
        }
        return l;
    }

    /**
     * The single node that continues the chain from {@code value}, or null when the value is only a
     * graph output. Refuses branches.
     */
    NodeProto next(String value) throws BadInputException {
        List<NodeProto> l = dataConsumers(value);
        if (l.isEmpty()) {
            return null;
        }
        if (l.size() == 2 && (l.get(0).getOpType().equals("Add") != l.get(1).getOpType().equals("Add"))) {
            // A residual fork: the value goes on along the chain and is added back later.
            return l.get(0).getOpType().equals("Add") ? l.get(1) : l.get(0);
        }
        if (l.size() == 2 && (l.get(0).getOpType().equals("Mul") != l.get(1).getOpType().equals("Mul"))) {
            // A gate's fork (MobileNet v3): the value goes through a HardSigmoid or a squeeze-and-excite
            // branch, whose result multiplies it at the Mul, reached from that branch.
            return l.get(0).getOpType().equals("Mul") ? l.get(1) : l.get(0);
        }
        if (l.size() > 1) {
            throw new BadInputException(file, "value '" + value + "' feeds " + l.size() + " nodes ("
                    + describe(l.get(0)) + ", " + describe(l.get(1)) + "); expected a MobileNet v1 chain without branches");
        }
        return l.get(0);
    }

    void markVisited(NodeProto n) {
        visited.add(n);
    }

    boolean visited(NodeProto n) {
        return visited.contains(n);
    }

    /** A constant input of a node as floats; refuses a missing or computed input. */
    float[] floats(NodeProto n, int input, String what) throws IOException {
        return data.floats(constant(n, input, what));
    }

    /** A constant input of a node as longs. */
    long[] longs(NodeProto n, int input, String what) throws IOException {
        return data.longs(constant(n, input, what));
    }

    int[] dims(NodeProto n, int input, String what) throws IOException {
        return data.dims(constant(n, input, what));
    }

    boolean hasInput(NodeProto n, int input) {
        return n.getInputCount() > input && !n.getInput(input).isEmpty();
    }

    TensorProto constant(NodeProto n, int input, String what) throws BadInputException {
        if (!hasInput(n, input)) {
            throw bad(n, "has no " + what + " input");
        }
        TensorProto t = constants.get(n.getInput(input));
        if (t == null) {
            throw bad(n, "expected the " + what + " ('" + n.getInput(input) + "') to be a constant initializer");
        }
        return t;
    }

    AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    long intAttr(NodeProto n, String name, long dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getI();
    }

    float floatAttr(NodeProto n, String name, float dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getF();
    }

    String stringAttr(NodeProto n, String name, String dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** An ints attribute, or null when absent. */
    long[] intsAttr(NodeProto n, String name) {
        AttributeProto a = attr(n, name);
        if (a == null) {
            return null;
        }
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getInts(i);
        }
        return v;
    }

    BadInputException bad(NodeProto n, String problem) {
        return new BadInputException(file, "node " + describe(n) + " " + problem);
    }

    static String describe(NodeProto n) {
        String name = n.getName().isEmpty() ? (n.getOutputCount() > 0 ? "-> " + n.getOutput(0) : "?") : n.getName();
        return "'" + name + "' (" + n.getOpType() + ")";
    }
}
