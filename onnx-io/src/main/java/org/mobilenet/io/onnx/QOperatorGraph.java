package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/**
 * A model quantized in ONNX Runtime's QOperator format (integer operators that take their scales and
 * zero points as inputs: QLinearConv, QLinearMatMul, and com.microsoft's QLinearAdd, QLinearMul,
 * QLinearGlobalAveragePool, QLinearAveragePool, QGemm, QLinearSoftmax and QLinearSigmoid, as the ONNX
 * model zoo's int8 MobileNet v2 and ONNX Runtime's own optimizer write them) rewritten
 * into the QDQ format {@link QdqReader} reads: each integer operator becomes its float operator
 * between a DequantizeLinear of each integer input (one per value, shared by its readers) and a
 * QuantizeLinear of its output with the operator's own output scale and zero point, so the values
 * and parameters are exactly those of the file. An int32 bias gets, as a new initializer, the scale
 * the operator gives it (input scale times weight scale). Shape-only nodes on integer values
 * (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Identity) get the same pair around them, their
 * output keeping their input's parameters. Anything else that reads an integer value is refused.
 */
final class QOperatorGraph {
    /** The integer operators rewritten. */
    static final Set<String> OPERATORS = Set.of("QLinearConv", "QLinearMatMul", "QLinearAdd", "QLinearMul",
            "QLinearGlobalAveragePool", "QLinearAveragePool", "QGemm", "QLinearSoftmax", "QLinearSigmoid");
    private static final Set<String> SHAPE_ONLY = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
            "Identity");

    private final Path file;
    private final TensorData data;
    private final Map<String, TensorProto> inits = new HashMap<>();
    /** Integer activation values: {scale, zero point} names (the zero point "" when absent). */
    private final Map<String, String[]> integer = new HashMap<>();
    /** The float name of an integer value once it has its DequantizeLinear. */
    private final Map<String, String> floatOf = new HashMap<>();
    /** The output of the file's own DequantizeLinear of an integer value, which ours takes over. */
    private final Map<String, String> fileDequantized = new HashMap<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> added = new ArrayList<>();
    private int serial;

    private QOperatorGraph(Path file) {
        this.file = file;
        this.data = new TensorData(file);
    }

    /** True when the graph has any of the integer operators rewritten here. */
    static boolean isQOperator(ModelProto m) {
        return m.getGraph().getNodeList().stream().anyMatch(n -> OPERATORS.contains(n.getOpType()));
    }

    /** The same model in the QDQ format. */
    static ModelProto toQdq(Path file, ModelProto model) throws IOException {
        QOperatorGraph q = new QOperatorGraph(file);
        GraphProto g = model.getGraph();
        g.getInitializerList().forEach(t -> q.inits.put(t.getName(), t));
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear") && n.getInputCount() > 0 && !q.inits.containsKey(n.getInput(0))) {
                q.fileDequantized.putIfAbsent(n.getInput(0), n.getOutput(0));
            }
        }
        for (NodeProto n : g.getNodeList()) {
            q.rewrite(n);
        }
        return model.toBuilder().setGraph(g.toBuilder().clearNode().addAllNode(q.nodes).addAllInitializer(q.added))
                .build();
    }

    private void rewrite(NodeProto n) throws IOException {
        switch (n.getOpType()) {
            case "QuantizeLinear" -> {
                integer.put(n.getOutput(0), new String[] {n.getInput(1), n.getInputCount() > 2 ? n.getInput(2) : ""});
                nodes.add(n);
            }
            case "DequantizeLinear" -> {
                String x = n.getInput(0);
                if (inits.containsKey(x)) {
                    nodes.add(n); // a constant's
                } else {
                    floatOf(x, n); // the value's one DequantizeLinear, this one unless ours came first
                }
            }
            case "QLinearConv" -> {
                requireInputs(n, 8);
                String x = floatOf(n.getInput(0), n);
                String w = constant(n, n.getInput(3), n.getInput(4), n.getInput(5), 0);
                List<String> in = new ArrayList<>(List.of(x, w));
                if (n.getInputCount() > 8 && !n.getInput(8).isEmpty()) {
                    in.add(bias(n, n.getInput(8), n.getInput(1), n.getInput(4), 0));
                }
                floatOp(n, "Conv", in, n.getInput(6), n.getInput(7), List.of());
            }
            case "QLinearMatMul" -> {
                requireInputs(n, 8);
                String a = operand(n, 0);
                String b = operand(n, 3);
                floatOp(n, "MatMul", List.of(a, b), n.getInput(6), n.getInput(7), List.of());
            }
            case "QLinearAdd", "QLinearMul" -> {
                requireInputs(n, 7);
                String a = operand(n, 0);
                String b = operand(n, 3);
                floatOp(n, n.getOpType().substring("QLinear".length()), List.of(a, b), n.getInput(6),
                        n.getInputCount() > 7 ? n.getInput(7) : "", List.of());
            }
            // One input (x, scale, zero point), one output (scale, zero point): the float operator between them.
            case "QLinearGlobalAveragePool", "QLinearAveragePool", "QLinearSoftmax", "QLinearSigmoid" -> {
                requireInputs(n, 4);
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("channels_last") && a.getI() != 0) {
                        throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " works on channels-last"
                                + " data; expected channels_last 0 (NCHW)");
                    }
                }
                String x = floatOf(n.getInput(0), n);
                // QLinearSoftmax's 'opset' names the Softmax it stands for; its axis is kept as it is.
                floatOp(n, n.getOpType().substring("QLinear".length()), List.of(x), n.getInput(3),
                        n.getInputCount() > 4 ? n.getInput(4) : "", List.of("channels_last", "opset"));
            }
            case "QGemm" -> {
                requireInputs(n, 6);
                boolean transB = n.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() != 0);
                String a = floatOf(n.getInput(0), n);
                String b = constant(n, n.getInput(3), n.getInput(4), n.getInput(5), transB ? 0 : 1);
                List<String> in = new ArrayList<>(List.of(a, b));
                if (n.getInputCount() > 6 && !n.getInput(6).isEmpty()) {
                    in.add(bias(n, n.getInput(6), n.getInput(1), n.getInput(4), 0));
                }
                String ys = n.getInputCount() > 7 ? n.getInput(7) : "";
                floatOp(n, "Gemm", in, ys, n.getInputCount() > 8 ? n.getInput(8) : "", List.of());
            }
            default -> {
                boolean readsInteger = n.getInputList().stream().anyMatch(integer::containsKey);
                if (!readsInteger) {
                    nodes.add(n);
                } else if (SHAPE_ONLY.contains(n.getOpType()) && integer.containsKey(n.getInput(0))) {
                    String[] p = integer.get(n.getInput(0));
                    List<String> in = new ArrayList<>(n.getInputList());
                    in.set(0, floatOf(n.getInput(0), n));
                    floatOp(n, n.getOpType(), in, p[0], p[1], List.of());
                } else {
                    throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " reads an integer value of a"
                            + " graph quantized in the QOperator format; the import reads QLinearConv, QLinearMatMul,"
                            + " QLinearAdd, QLinearGlobalAveragePool, QGemm and shape operators on integer values");
                }
            }
        }
    }

    private void requireInputs(NodeProto n, int count) throws BadInputException {
        if (n.getInputCount() < count) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " has " + n.getInputCount()
                    + " inputs; expected at least " + count);
        }
    }

    /** Input {@code i} of a QLinearMatMul or QLinearAdd (value, scale, zero point): a constant or a value. */
    private String operand(NodeProto n, int i) throws IOException {
        String v = n.getInput(i);
        return inits.containsKey(v) ? constant(n, v, n.getInput(i + 1), n.getInput(i + 2), -1) : floatOf(v, n);
    }

    /**
     * The float name of integer value {@code v}: the output of its one DequantizeLinear, added now
     * (named as the file's own would be, which is then dropped) or earlier.
     */
    private String floatOf(String v, NodeProto reader) throws BadInputException {
        String f = floatOf.get(v);
        if (f != null) {
            return f;
        }
        String[] p = integer.get(v);
        if (p == null) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(reader) + " reads '" + v + "' as integers,"
                    + " but no QuantizeLinear or integer operator writes it");
        }
        f = fileDequantized.getOrDefault(v, v + "_dequantized");
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").setName(v + "/dequantize")
                .addInput(v).addInput(p[0]);
        if (!p[1].isEmpty()) {
            dq.addInput(p[1]);
        }
        nodes.add(dq.addOutput(f).build());
        floatOf.put(v, f);
        return f;
    }

    /** A constant's DequantizeLinear (per channel along {@code axis} when its scale has several values). */
    private String constant(NodeProto n, String value, String scale, String zeroPoint, int axis) throws IOException {
        if (!inits.containsKey(value) || !inits.containsKey(scale)) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " reads '" + value + "' with scale '"
                    + scale + "'; expected constant weights and scales");
        }
        String out = value + "_dequantized_" + serial++;
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").setName(out).addInput(value)
                .addInput(scale);
        if (!zeroPoint.isEmpty()) {
            dq.addInput(zeroPoint);
        }
        if (axis >= 0 && data.floats(inits.get(scale)).length > 1) {
            dq.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis));
        }
        nodes.add(dq.addOutput(out).build());
        return out;
    }

    /** An int32 bias dequantized with the scale the operator gives it: input scale times weight scale(s). */
    private String bias(NodeProto n, String bias, String inputScale, String weightScale, int axis) throws IOException {
        if (!inits.containsKey(inputScale) || !inits.containsKey(weightScale)) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " has computed scales; expected constants");
        }
        float in = single(n, inputScale);
        float[] w = data.floats(inits.get(weightScale));
        float[] s = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            s[i] = in * w[i];
        }
        String name = bias + "_scale_" + serial++;
        TensorProto scale = OnnxExporter.tensor(name, w.length == 1 ? new int[0] : new int[] {w.length}, s);
        added.add(scale);
        inits.put(name, scale);
        return constant(n, bias, name, "", axis);
    }

    private float single(NodeProto n, String scale) throws IOException {
        float[] v = data.floats(inits.get(scale));
        if (v.length != 1) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " has " + v.length + " input scales;"
                    + " expected one");
        }
        return v[0];
    }

    /**
     * The float operator {@code op} on {@code inputs} with {@code n}'s attributes (but {@code drop}),
     * its output quantized to {@code n}'s output name with that scale and zero point (none: the float
     * output itself, as a QGemm without an output scale gives).
     */
    private void floatOp(NodeProto n, String op, List<String> inputs, String scale, String zeroPoint, List<String> drop) {
        String y = n.getOutput(0);
        boolean quantized = !scale.isEmpty();
        String yf = quantized ? y + "_float" : y;
        NodeProto.Builder f = NodeProto.newBuilder().setOpType(op).setName(n.getName()).addAllInput(inputs).addOutput(yf);
        for (AttributeProto a : n.getAttributeList()) {
            if (!drop.contains(a.getName())) {
                f.addAttribute(a);
            }
        }
        nodes.add(f.build());
        if (quantized) {
            NodeProto.Builder q = NodeProto.newBuilder().setOpType("QuantizeLinear").setName(y + "/quantize").addInput(yf)
                    .addInput(scale);
            if (!zeroPoint.isEmpty()) {
                q.addInput(zeroPoint);
            }
            nodes.add(q.addOutput(y).build());
            integer.put(y, new String[] {scale, zeroPoint});
        }
    }
}
