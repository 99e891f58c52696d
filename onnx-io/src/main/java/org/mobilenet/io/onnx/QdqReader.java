package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Reads a QDQ-quantized ONNX graph (QuantizeLinear / DequantizeLinear around float operators, as
 * {@link OnnxQdqExporter} writes it) as the float graph the importer matches plus the quantization
 * it carried: each DequantizeLinear of constant integers becomes a float initializer of the same
 * name (the integers, scales and zero points kept), and each QuantizeLinear - DequantizeLinear pair
 * on a value is removed (its scale and zero point kept for that value). {@link #attach} then gives
 * the imported model its {@link ModelQuantization} when every layer's output and weights were
 * quantized this way; otherwise the model stays float. The graph takes and gives floats; the
 * metadata {@link OnnxQdqExporter#QUANTIZED_INPUT} and {@link OnnxQdqExporter#QUANTIZED_OUTPUT} say
 * whether the source took and gave the integers themselves (without them: floats).
 */
final class QdqReader {
    private static final Set<String> OPS = Set.of("QuantizeLinear", "DequantizeLinear");

    /** The float graph and what its Q/DQ nodes said. */
    record Stripped(ModelProto model, Map<String, QuantParams> values, Map<String, QuantizedTensor> constants) {
    }

    private QdqReader() {
    }

    /** True when the graph has any QuantizeLinear or DequantizeLinear node. */
    static boolean isQdq(ModelProto m) {
        return m.getGraph().getNodeList().stream().anyMatch(n -> OPS.contains(n.getOpType()) && n.getDomain().isEmpty());
    }

    static Stripped strip(Path file, ModelProto model) throws IOException {
        TensorData data = new TensorData(file);
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, NodeProto> producers = new HashMap<>();
        g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        Map<String, QuantParams> values = new LinkedHashMap<>();
        Map<String, QuantizedTensor> constants = new LinkedHashMap<>();
        List<TensorProto> newInits = new ArrayList<>();
        Set<NodeProto> dropped = new HashSet<>();
        // A Conv whose output is quantized to a range starting at 0 with no Relu or Clip of its own: ONNX
        // Runtime's quantizer removes a Relu or Clip(0, 6) before a QuantizeLinear whose range clamps as
        // they did; the float graph gets it back from that range, else its float path would not clamp.
        Map<NodeProto, NodeProto> activations = new HashMap<>();
        Map<String, String> renameInputs = new HashMap<>(); // consumers of a DQ output read the Q's input
        Map<String, String> renameOutputs = new HashMap<>(); // or the producer writes the DQ output's name
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("DequantizeLinear") || !n.getDomain().isEmpty()) {
                continue;
            }
            if (n.getInputCount() < 2 || n.getOutputCount() != 1) {
                throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " has " + n.getInputCount()
                        + " inputs; expected DequantizeLinear(x, scale, zero_point)");
            }
            String x = n.getInput(0);
            String out = n.getOutput(0);
            if (inits.containsKey(x)) {
                TensorProto t = inits.get(x);
                int[] dims = data.dims(t);
                int[] v = data.integers(t);
                QuantParams p = params(file, data, n, inits, t.getDataType(), dims);
                QuantizedTensor qt;
                try {
                    qt = new QuantizedTensor(dims, v, p);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(file, "node " + OnnxGraph.describe(n) + ": " + e.getMessage());
                }
                constants.put(out, qt);
                newInits.add(OnnxExporter.tensor(out, dims, qt.dequantize().data()));
                dropped.add(n);
                continue;
            }
            NodeProto q = producers.get(x);
            if (q == null || !q.getOpType().equals("QuantizeLinear") || consumers.get(x).size() != 1) {
                throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " dequantizes '" + x
                        + "', which is neither a constant nor the output of a QuantizeLinear used only there;"
                        + " expected QDQ pairs");
            }
            QuantParams p = params(file, data, q, inits, -1, null);
            if (p.perChannel()) {
                throw new BadInputException(file, "node " + OnnxGraph.describe(q) + " quantizes a value per channel;"
                        + " expected per-tensor activations");
            }
            String floatIn = q.getInput(0);
            dropped.add(n);
            dropped.add(q);
            if (graphOutputs.contains(out)) {
                renameOutputs.put(floatIn, out);
                values.put(out, p);
            } else {
                renameInputs.put(out, floatIn);
                values.put(floatIn, p);
                NodeProto producer = producers.get(floatIn);
                // Only where the quantizer could have removed one: the output of a Conv, or of a hidden dense
                // layer (one whose dequantized output feeds another), read by this Q alone.
                boolean hiddenDense = producer != null && DENSE.contains(producer.getOpType())
                        && !consumers.getOrDefault(out, List.of()).isEmpty()
                        && consumers.get(out).stream().allMatch(c -> DENSE.contains(c.getOpType()));
                if (producer != null && (producer.getOpType().equals("Conv") || hiddenDense)
                        && p.zeroPoint() == p.type().min()
                        && consumers.getOrDefault(floatIn, List.of()).size() == 1 && !graphOutputs.contains(floatIn)) {
                    activations.put(producer, clampOf(p, floatIn, opset(model)));
                }
            }
        }
        GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer();
        for (NodeProto n : g.getNodeList()) {
            if (dropped.contains(n)) {
                continue;
            }
            NodeProto.Builder nb = n.toBuilder().clearInput().clearOutput();
            for (String in : n.getInputList()) {
                String r = renameInputs.getOrDefault(in, in);
                nb.addInput(renameOutputs.getOrDefault(r, r));
            }
            NodeProto act = activations.get(n);
            for (String o : n.getOutputList()) {
                String name = renameOutputs.getOrDefault(o, o);
                nb.addOutput(act != null && name.equals(act.getOutput(0)) ? act.getInput(0) : name);
            }
            b.addNode(nb);
            if (act != null) {
                b.addNode(act);
            }
        }
        if (activations.values().stream().anyMatch(a -> a.getOpType().equals("Clip") && a.getInputCount() == 3)) {
            newInits.add(OnnxExporter.tensor(CLIP_MIN, new int[0], new float[] {0f}));
            newInits.add(OnnxExporter.tensor(CLIP_MAX, new int[0], new float[] {6f}));
        }
        Set<String> used = new HashSet<>();
        b.getNodeList().forEach(n -> used.addAll(n.getInputList()));
        for (TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        newInits.forEach(b::addInitializer);
        // Graph inputs that were quantized keep their names: their consumers now read them directly.
        List<ValueInfoProto> outs = new ArrayList<>(b.getOutputList());
        b.clearOutput().addAllOutput(outs);
        return new Stripped(model.toBuilder().setGraph(b).build(), values, constants);
    }

    /** The model's default-domain opset (1 when it names none). */
    private static long opset(ModelProto model) {
        return model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).findFirst().orElse(1);
    }

    /** The operators of a dense layer. */
    private static final Set<String> DENSE = Set.of("Gemm", "MatMul");

    /** The initializers of the Clip(0, 6) put back by {@link #clampOf}. */
    private static final String CLIP_MIN = "qdq_reader.clip_min";
    private static final String CLIP_MAX = "qdq_reader.clip_max";

    /**
     * The activation a quantized range starting at 0 stands for ({@link QuantParams#impliedActivation}),
     * writing {@code value} from {@code value + "__conv"}: Clip(0, 6) for RELU6, else Relu.
     */
    private static NodeProto clampOf(QuantParams p, String value, long opset) {
        String in = value + "__conv";
        if (p.impliedActivation() == org.mobilenet.engine.arch.Activation.RELU6) {
            NodeProto.Builder clip = NodeProto.newBuilder().setOpType("Clip").setName(value + "/clip").addInput(in)
                    .addOutput(value);
            if (opset < 11) { // Clip's bounds were attributes until opset 11
                clip.addAttribute(AttributeProto.newBuilder().setName("min").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(0f));
                clip.addAttribute(AttributeProto.newBuilder().setName("max").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(6f));
                return clip.build();
            }
            return clip.addInput(CLIP_MIN).addInput(CLIP_MAX).build();
        }
        return NodeProto.newBuilder().setOpType("Relu").setName(value + "/relu").addInput(in).addOutput(value).build();
    }

    /**
     * A dense layer written as MatMul then an Add of a constant bias (a QLinearMatMul and a QLinearAdd
     * in the QOperator format): the MatMul's weights {@code [C, classes]} transposed to the engine's
     * {@code [classes, C]} (per-column scales become per-row), and the bias, quantized with a scale of
     * its own, requantized to int32 in the accumulator's scale (input scale x weight scale), as the
     * integer path adds it before its one requantization (ONNX Runtime requantizes the product first,
     * then the sum: the two may differ by a step). False when the layer is not that.
     */
    private static boolean matMulAndBias(Model model, LayerSpec l, NodeProto add, Map<String, NodeProto> producers,
            Stripped s, QuantParams in, Map<String, QuantizedTensor> tensors) {
        if (add.getInputCount() != 2 || in.perChannel()) {
            return false;
        }
        int constant = s.constants().containsKey(add.getInput(1)) ? 1 : s.constants().containsKey(add.getInput(0)) ? 0 : -1;
        NodeProto mm = constant < 0 ? null : producers.get(add.getInput(1 - constant));
        if (mm == null || !mm.getOpType().equals("MatMul") || mm.getInputCount() != 2) {
            return false;
        }
        QuantizedTensor w = s.constants().get(mm.getInput(1));
        QuantizedTensor b = s.constants().get(add.getInput(constant));
        int[] d = w == null ? null : w.shape();
        if (d == null || d.length != 2 || b == null || !model.has(TensorNames.bias(l.name()))) {
            return false;
        }
        int rows = d[0];
        int cols = d[1];
        QuantParams wq = w.quant();
        if (wq.perChannel() && wq.axis() != 1) {
            return false;
        }
        int[] t = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w.values()[r * cols + c];
            }
        }
        QuantizedTensor weight;
        try {
            weight = new QuantizedTensor(new int[] {cols, rows}, t, wq.perChannel()
                    ? new QuantParams(wq.type(), wq.scales(), wq.zeroPoints(), 0) : wq);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!weight.dequantize().equals(model.tensor(TensorNames.weight(l.name())))) {
            return false;
        }
        float[] real = model.tensor(TensorNames.bias(l.name())).data();
        float[] scales = new float[cols];
        int[] values = new int[cols];
        for (int c = 0; c < cols; c++) {
            scales[c] = in.scale() * wq.scale(wq.perChannel() ? c : 0);
            values[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.rint(real[c] / scales[c])));
        }
        tensors.put(TensorNames.weight(l.name()), weight);
        tensors.put(TensorNames.bias(l.name()), new QuantizedTensor(new int[] {cols}, values,
                new QuantParams(QuantType.INT32, scales, new int[cols], cols > 1 ? 0 : -1)));
        return true;
    }

    /** The scale, zero point and axis of a Q or DQ node. */
    private static QuantParams params(Path file, TensorData data, NodeProto n, Map<String, TensorProto> inits,
            int valueType, int[] dims) throws IOException {
        TensorProto s = inits.get(n.getInput(1));
        TensorProto z = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? inits.get(n.getInput(2)) : null;
        if (s == null || (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && z == null)) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " has a computed scale or zero point;"
                    + " expected constants");
        }
        float[] scales = data.floats(s);
        int type = z != null ? z.getDataType() : valueType;
        QuantType qt = switch (type) {
            case TensorProto.DataType.UINT8_VALUE, -1 -> QuantType.UINT8; // no zero point: uint8, zero point 0
            case TensorProto.DataType.INT8_VALUE -> QuantType.INT8;
            case TensorProto.DataType.INT32_VALUE -> QuantType.INT32;
            default -> throw new BadInputException(file, "node " + OnnxGraph.describe(n) + " uses "
                    + TensorData.typeName(type) + "; expected uint8, int8 or int32 quantization");
        };
        int[] zps = z != null ? data.integers(z) : new int[scales.length];
        long axis = 1;
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("axis")) {
                axis = a.getI();
            }
        }
        boolean perChannel = scales.length > 1;
        if (perChannel && dims != null && axis < 0) {
            axis += dims.length;
        }
        try {
            return new QuantParams(qt, scales, zps, perChannel ? (int) axis : -1);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "node " + OnnxGraph.describe(n) + ": " + e.getMessage());
        }
    }

    /**
     * The imported model with the quantization the QDQ graph carried, or unchanged (float) when some
     * layer's output or weights were not quantized, or its integers do not dequantize to exactly the
     * imported float tensor (a layout the import changed). A layer's weights are the constants its
     * Conv or Gemm node reads, found by walking back from the layer's output value.
     */
    static Model attach(Model model, Stripped s, String inputName, Map<String, String> layerValues) {
        Map<String, String> props = new HashMap<>();
        s.model().getMetadataPropsList().forEach(e -> props.put(e.getKey(), e.getValue()));
        boolean quantizedInput = "true".equals(props.get(OnnxQdqExporter.QUANTIZED_INPUT));
        boolean quantizedOutput = "true".equals(props.get(OnnxQdqExporter.QUANTIZED_OUTPUT));
        QuantParams input = s.values().get(inputName);
        if (input == null) {
            return model;
        }
        Map<String, NodeProto> producers = new HashMap<>();
        s.model().getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        Map<String, QuantParams> outputs = new LinkedHashMap<>();
        Map<String, QuantizedTensor> tensors = new LinkedHashMap<>();
        QuantParams in = input; // the current layer's input: the previous layer's output
        for (LayerSpec l : model.graph().layers()) {
            String v = layerValues.get(l.name());
            QuantParams p = v == null ? null : s.values().get(v);
            if (p == null) {
                return model;
            }
            outputs.put(l.name(), p);
            QuantParams layerInput = in;
            in = p;
            if (!l.kind().hasWeights()) {
                continue;
            }
            NodeProto n = producers.get(v);
            while (n != null && Set.of("Relu", "Clip", "Flatten", "Reshape").contains(n.getOpType())) {
                n = producers.get(n.getInput(0));
            }
            if (n != null && n.getOpType().equals("Add") && l.kind() == LayerKind.FC) {
                // MatMul + Add of a quantized bias (ONNX Runtime's QLinearMatMul + QLinearAdd).
                if (!matMulAndBias(model, l, n, producers, s, layerInput, tensors)) {
                    return model;
                }
                continue;
            }
            if (n == null || !Set.of("Conv", "Gemm").contains(n.getOpType()) || n.getInputCount() < 2) {
                return model;
            }
            String[] names = {TensorNames.weight(l.name()), TensorNames.bias(l.name())};
            for (int i = 0; i < 2; i++) {
                if (!model.has(names[i])) {
                    continue;
                }
                QuantizedTensor t = n.getInputCount() > i + 1 ? s.constants().get(n.getInput(i + 1)) : null;
                if (t == null || !t.dequantize().equals(model.tensor(names[i]))) {
                    return model;
                }
                tensors.put(names[i], t);
            }
        }
        Model withPool = model;
        String pool = props.get(ModelQuantization.POOL_KEY);
        if (ModelQuantization.POOL_MEAN.equals(pool) || ModelQuantization.POOL_AVERAGE.equals(pool)) {
            Map<String, String> md = new LinkedHashMap<>(model.metadata());
            md.put(ModelQuantization.POOL_KEY, pool);
            withPool = model.withMetadata(md);
        }
        try {
            QuantParams fileInput = quantizedInput ? OnnxQdqExporter.parse(props.get(OnnxQdqExporter.FILE_INPUT)) : null;
            QuantParams fileOutput = quantizedOutput ? OnnxQdqExporter.parse(props.get(OnnxQdqExporter.FILE_OUTPUT))
                    : null;
            return withPool.withQuantization(new ModelQuantization(input, outputs, tensors, quantizedInput,
                    quantizedOutput, fileInput, fileOutput));
        } catch (IllegalArgumentException e) {
            return model;
        }
    }
}
