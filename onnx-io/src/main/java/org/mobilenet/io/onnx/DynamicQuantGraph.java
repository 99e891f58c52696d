package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
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

/**
 * A model quantized dynamically by ONNX Runtime's {@code quantize_dynamic}: each convolution and matrix
 * product takes 8-bit weights and the integers of a DynamicQuantizeLinear of its float input (a scale and
 * zero point the runtime computes for every input), as
 * {@code DynamicQuantizeLinear(x) -> ConvInteger(x_q, w_q, x_zp, w_zp) -> Cast(float) -> Mul(x_scale *
 * w_scale)} (MatMulInteger alike), the bias added after. Rewritten here into the float graph it
 * approximates: {@code Conv(x, W)} (or {@code MatMul(x, W)}) with {@code W = (w_q - w_zp) * w_scale}
 * (per tensor, or per output channel), in the place of the chain, the bias's Add kept. The engine runs
 * that float model; ONNX Runtime's results differ from it by its run-time quantization of the
 * activations.
 */
final class DynamicQuantGraph {
    /** The integer operators of a dynamically quantized graph. */
    static final Set<String> OPERATORS = Set.of("ConvInteger", "MatMulInteger");

    private final Path file;
    private final TensorData data;
    private final Map<String, TensorProto> inits = new HashMap<>();
    private final Map<String, NodeProto> producer = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();

    private DynamicQuantGraph(Path file) {
        this.file = file;
        this.data = new TensorData(file);
    }

    /** True when the graph has ConvInteger or MatMulInteger nodes. */
    static boolean isDynamic(ModelProto m) {
        return m.getGraph().getNodeList().stream().anyMatch(n -> OPERATORS.contains(n.getOpType()));
    }

    /** The float model a dynamically quantized one approximates. */
    static ModelProto toFloat(Path file, ModelProto model) throws IOException {
        DynamicQuantGraph d = new DynamicQuantGraph(file);
        GraphProto g = model.getGraph();
        g.getInitializerList().forEach(t -> d.inits.put(t.getName(), t));
        for (NodeProto n : g.getNodeList()) {
            n.getOutputList().forEach(o -> d.producer.put(o, n));
            n.getInputList().forEach(i -> d.consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
        Map<NodeProto, NodeProto> replaced = new HashMap<>();
        Set<NodeProto> removed = new HashSet<>();
        List<TensorProto> added = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (OPERATORS.contains(n.getOpType())) {
                replaced.put(n, d.rewrite(n, removed, added));
            }
        }
        // The DynamicQuantizeLinear nodes (and anything else) left without a reader go too.
        List<NodeProto> kept = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (!removed.contains(n)) {
                kept.add(replaced.getOrDefault(n, n));
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        boolean changed = true;
        while (changed) {
            Set<String> read = new HashSet<>(graphOutputs);
            kept.forEach(n -> read.addAll(n.getInputList()));
            changed = kept.removeIf(n -> n.getOutputList().stream().noneMatch(read::contains));
        }
        Set<String> read = new HashSet<>();
        kept.forEach(n -> read.addAll(n.getInputList()));
        List<TensorProto> initializers = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            if (read.contains(t.getName())) {
                initializers.add(t);
            }
        }
        initializers.addAll(added);
        // Initializers listed among the graph's inputs too (keep_initializers_as_inputs) go with them.
        Set<String> dropped = new HashSet<>(d.inits.keySet());
        initializers.forEach(t -> dropped.remove(t.getName()));
        GraphProto.Builder out = g.toBuilder().clearNode().addAllNode(kept).clearInitializer()
                .addAllInitializer(initializers).clearInput();
        g.getInputList().stream().filter(v -> !dropped.contains(v.getName())).forEach(out::addInput);
        return model.toBuilder().setGraph(out).build();
    }

    /**
     * The float node that replaces integer node {@code n} and the Cast and Mul after it (added to
     * {@code removed}), its dequantized weights added to {@code added}.
     */
    private NodeProto rewrite(NodeProto n, Set<NodeProto> removed, List<TensorProto> added) throws IOException {
        boolean conv = n.getOpType().equals("ConvInteger");
        if (n.getInputCount() < 2) {
            throw bad(n, "has " + n.getInputCount() + " inputs; expected the input's and the weights' integers");
        }
        NodeProto quantize = producer.get(n.getInput(0));
        if (quantize == null || !quantize.getOpType().equals("DynamicQuantizeLinear")) {
            throw bad(n, "reads '" + n.getInput(0) + "', which is not the output of a DynamicQuantizeLinear");
        }
        String x = quantize.getInput(0);
        TensorProto w = inits.get(n.getInput(1));
        String zeroName = n.getInputCount() > 3 ? n.getInput(3) : "";
        TensorProto wZero = zeroName.isEmpty() ? null : inits.get(zeroName);
        if (w == null || (!zeroName.isEmpty() && wZero == null)) {
            throw bad(n, "has computed weights; expected constant weights and zero point");
        }
        NodeProto cast = only(n, n.getOutput(0), "Cast");
        NodeProto mul = only(n, cast.getOutput(0), "Mul");
        String scaleValue = mul.getInput(0).equals(cast.getOutput(0)) ? mul.getInput(1) : mul.getInput(0);
        NodeProto scales = producer.get(scaleValue);
        if (scales == null || !scales.getOpType().equals("Mul") || !scales.getInputList().contains(quantize.getOutput(1))) {
            throw bad(n, "is scaled by '" + scaleValue + "'; expected the input's scale times the weights' scale");
        }
        String wScaleName = scales.getInput(0).equals(quantize.getOutput(1)) ? scales.getInput(1) : scales.getInput(0);
        TensorProto wScale = inits.get(wScaleName);
        if (wScale == null) {
            throw bad(n, "has a computed weight scale '" + wScaleName + "'; expected a constant");
        }
        int[] dims = data.dims(w);
        // The output channel of each weight: axis 0 of a conv's [O, I, K, K], axis 1 of a product's [K, N].
        int channels = conv ? dims[0] : dims.length == 2 ? dims[1] : -1;
        if (channels < 1) {
            throw bad(n, "has weights of shape " + java.util.Arrays.toString(dims) + "; expected [K, N]");
        }
        float[] scale = data.floats(wScale);
        int[] zero = wZero == null ? new int[] {0} : data.integers(wZero);
        if ((scale.length != 1 && scale.length != channels) || (zero.length != 1 && zero.length != channels)) {
            throw bad(n, "has " + scale.length + " weight scales and " + zero.length + " zero points for " + channels
                    + " output channels; expected one, or one per channel");
        }
        int[] q = data.integers(w);
        float[] real = new float[q.length];
        int inner = conv ? q.length / channels : 1;
        for (int i = 0; i < q.length; i++) {
            int c = conv ? i / inner : i % channels;
            real[i] = (q[i] - zero[zero.length == 1 ? 0 : c]) * scale[scale.length == 1 ? 0 : c];
        }
        // Named after the node: two nodes may share weights, each with its own bias.
        String name = (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + "_weight_dequantized";
        added.add(OnnxExporter.tensor(name, dims, real));
        removed.add(cast);
        removed.add(mul);
        // The bias: an Add of a constant of one value per channel (the quantizer reshapes a conv's to
        // [1, C, 1, 1]) becomes the float operator's bias input (a product's becomes a Gemm).
        String output = mul.getOutput(0);
        String bias = null;
        List<NodeProto> readers = consumers.getOrDefault(output, List.of());
        if (readers.size() == 1 && readers.get(0).getOpType().equals("Add") && readers.get(0).getInputCount() == 2) {
            NodeProto add = readers.get(0);
            float[] b = constant(add.getInput(0).equals(output) ? add.getInput(1) : add.getInput(0));
            if (b != null && b.length == channels) {
                bias = (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + "_bias_dequantized";
                added.add(OnnxExporter.tensor(bias, new int[] {channels}, b));
                removed.add(add);
                output = add.getOutput(0);
            }
        }
        String op = conv ? "Conv" : bias != null ? "Gemm" : "MatMul";
        NodeProto.Builder f = NodeProto.newBuilder().setOpType(op)
                .setName(n.getName().isEmpty() ? name : n.getName() + "_float").addInput(x).addInput(name)
                .addOutput(output);
        if (bias != null) {
            f.addInput(bias);
        }
        if (conv) {
            for (AttributeProto a : n.getAttributeList()) {
                f.addAttribute(a);
            }
        }
        return f.build();
    }

    /** A constant's values: an initializer, or a Reshape of one; null for anything else. */
    private float[] constant(String value) throws IOException {
        TensorProto t = inits.get(value);
        if (t == null) {
            NodeProto p = producer.get(value);
            if (p != null && p.getOpType().equals("Reshape") && p.getInputCount() > 0) {
                t = inits.get(p.getInput(0));
            }
        }
        return t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE ? null : data.floats(t);
    }

    /** The one node reading {@code value}, of type {@code op}. */
    private NodeProto only(NodeProto n, String value, String op) throws BadInputException {
        List<NodeProto> readers = consumers.getOrDefault(value, List.of());
        if (readers.size() != 1 || !readers.get(0).getOpType().equals(op)) {
            throw bad(n, "has its output '" + value + "' read by " + readers.stream().map(NodeProto::getOpType).toList()
                    + "; expected one " + op);
        }
        return readers.get(0);
    }

    private BadInputException bad(NodeProto n, String problem) {
        return new BadInputException(file, "is not a supported ONNX MobileNet: node " + OnnxGraph.describe(n) + " "
                + problem + " (as ONNX Runtime's dynamic quantization writes it)");
    }
}
