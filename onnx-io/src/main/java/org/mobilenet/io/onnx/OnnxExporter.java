package org.mobilenet.io.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.AtomicFiles;
import org.mobilenet.io.ModelMetadata;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.mobilenet.io.onnx.proto.Onnx.StringStringEntryProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;
import org.mobilenet.io.onnx.proto.Onnx.TypeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Writes an engine model as ONNX: NCHW float input {@code input [N, 3, R, R]} with a symbolic batch
 * {@code N}, BatchNorm folded into each Conv, ReLU6 as Clip(0, 6) (bounds as inputs from opset 11),
 * stride-2 padding as Conv pads, GlobalAveragePool + Flatten + Gemm (transB 1) and an optional
 * Softmax. Each layer's output value is named after the layer ({@code conv1}, {@code blocks.0.dw},
 * ..., {@code pool}, {@code fc}); the graph output is {@code probabilities}, {@code logits} or
 * {@code features}. Architecture, preprocessing and labels go into {@code metadata_props}.
 */
public final class OnnxExporter {
    public static final String INPUT = "input";
    public static final String BATCH = "N";
    private static final String CLIP_MIN = "relu6.min";
    private static final String CLIP_MAX = "relu6.max";

    private OnnxExporter() {
    }

    /** Writes the model to {@code file} atomically; refuses to replace an existing file unless {@code overwrite}. */
    public static void write(Model model, OnnxExportOptions options, Path file, boolean overwrite) throws IOException {
        ModelProto proto = toProto(model, options);
        AtomicFiles.write(file, overwrite, proto::writeTo);
    }

    /**
     * The ONNX model for an engine model.
     *
     * @throws org.mobilenet.engine.model.UnsupportedModelException for a model that is not a MobileNet v1
     */
    public static ModelProto toProto(Model model, OnnxExportOptions options) {
        if (!model.isV1()) {
            return graphToProto(model, options);
        }
        return v1ToProto(model, options);
    }

    /**
     * The name of the output value {@link #toProto} gives: {@code probabilities} after a softmax (when
     * the options keep it) or a sigmoid, {@code logits} after the classifier, {@code features} for a
     * body without one.
     */
    public static String outputName(Model model, OnnxExportOptions options) {
        LayerGraph g = model.graph();
        LayerKind last = g.layers().get(g.layers().size() - 1).kind();
        boolean probabilities = last == LayerKind.SIGMOID || options.softmax() && g.hasSoftmax();
        return g.classes() > 0 ? (probabilities ? "probabilities" : "logits") : "features";
    }

    /**
     * The name of the value {@link #toProto} writes for the global pooling's output (the pooled
     * features; without pooling, the map a dense layer reads flattened), which is the graph's output
     * for a body without classifier ({@link #outputName}).
     */
    public static String poolValue(Model model, OnnxExportOptions options) {
        LayerGraph g = model.graph();
        if (g.classes() == 0) {
            return outputName(model, options);
        }
        String pool = null;
        for (LayerSpec l : g.layers()) {
            if (l.kind() == LayerKind.AVG_POOL) {
                pool = l.name();
            }
        }
        if (pool == null) {
            // No pooling: the map a dense layer reads flattened, in NHWC order (see flattenedForDense).
            for (LayerSpec l : g.layers()) {
                if (l.flattens()) {
                    return l.name() + ".flatten";
                }
            }
        }
        return pool;
    }

    private static ModelProto v1ToProto(Model model, OnnxExportOptions options) {
        if (!model.isV1()) {
            return graphToProto(model, options);
        }
        ModelSpec v1 = model.requireV1("exported to ONNX");
        Model m = model.foldBatchNorm();
        // The model's own head is kept; the option can only drop a softmax, never add one to a logits model.
        boolean softmax = options.softmax() && v1.softmax() && v1.hasClassifier();
        ModelSpec spec = v1.withSoftmax(softmax);
        boolean relu = m.plainRelu();
        GraphProto.Builder g = GraphProto.newBuilder().setName("mobilenet_v1");
        g.addInput(valueInfo(INPUT, BATCH, 3, spec.inputHeight(), spec.inputWidth()));
        if (!relu) {
            g.addInitializer(scalarOrVector(CLIP_MIN, 0f));
            g.addInitializer(scalarOrVector(CLIP_MAX, 6f));
        }
        String finalName = outputName(model, options);
        List<ValueInfoProto> layerOutputs = new ArrayList<>();
        String x = INPUT;
        List<LayerSpec> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            boolean last = i == layers.size() - 1 || (!softmax && layers.get(i + 1).kind() == LayerKind.SOFTMAX);
            String out = last ? finalName : l.name();
            switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> {
                    String w = TensorNames.weight(l.name());
                    String b = TensorNames.bias(l.name());
                    g.addInitializer(tensor(w, l.weightShape(), m.tensor(w).data()));
                    NodeProto.Builder conv = NodeProto.newBuilder().setOpType("Conv").setName(l.name())
                            .addInput(x).addInput(w).addOutput(l.name() + ".conv")
                            .addAttribute(ints("kernel_shape", l.kernel(), l.kernel()))
                            .addAttribute(ints("strides", l.stride(), l.stride()))
                            .addAttribute(ints("pads", l.pads().top(), l.pads().left(), l.pads().bottom(), l.pads().right()))
                            .addAttribute(ints("dilations", 1, 1))
                            .addAttribute(intAttr("group", l.kind() == LayerKind.DEPTHWISE ? l.inChannels() : 1));
                    if (m.has(b)) {
                        g.addInitializer(tensor(b, new int[] {l.outChannels()}, m.tensor(b).data()));
                        conv.addInput(b);
                    }
                    g.addNode(conv);
                    NodeProto.Builder act = NodeProto.newBuilder().setName(l.name() + ".relu").addInput(l.name() + ".conv")
                            .addOutput(out);
                    if (relu) {
                        act.setOpType("Relu");
                    } else {
                        act.setOpType("Clip");
                        if (options.opset() >= 11) {
                            act.addInput(CLIP_MIN).addInput(CLIP_MAX);
                        }
                    }
                    g.addNode(act);
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels(), l.out().h(), l.out().w()));
                }
                case AVG_POOL -> {
                    addPool(g, l, x, out);
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                case FC -> {
                    addGemm(g, m, l, x, out);
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                case SOFTMAX -> {
                    if (!softmax) {
                        continue;
                    }
                    g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName(l.name()).addInput(x).addOutput(out)
                            .addAttribute(intAttr("axis", options.opset() >= 13 ? -1 : 1)));
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                default -> throw new IllegalStateException("unknown layer kind " + l.kind());
            }
            x = out;
        }
        ValueInfoProto finalOut = layerOutputs.remove(layerOutputs.size() - 1);
        g.addOutput(finalOut);
        if (options.exposeLayerOutputs()) {
            g.addAllOutput(layerOutputs);
        }
        // Clip's bounds are attributes before opset 11; the exporter only writes 11 and later.
        ModelProto.Builder mp = ModelProto.newBuilder().setIrVersion(options.irVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setProducerName("mobilenet").setProducerVersion(producerVersion())
                .setDocString("MobileNet v1: " + spec).setGraph(g);
        Map<String, String> md = ModelMetadata.describe(m, "NCHW");
        md.put(ModelMetadata.SOFTMAX, Boolean.toString(softmax));
        for (Map.Entry<String, String> e : md.entrySet()) {
            mp.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return mp.build();
    }

    /**
     * Any layer graph (MobileNet v2, a custom graph): each conv with its own pads and activation
     * (Clip(0, 6), Relu or none), residual adds as Add of the chain value and the added layer's
     * output, GlobalAveragePool + Flatten, Gemm per fully connected layer (with its activation) and
     * an optional Softmax, or a Sigmoid (a binary or multi-label head).
     */
    private static ModelProto graphToProto(Model model, OnnxExportOptions options) {
        Model m = model.foldBatchNorm();
        LayerGraph graph = m.graph();
        boolean softmax = options.softmax() && graph.hasSoftmax();
        GraphProto.Builder g = GraphProto.newBuilder().setName("mobilenet_" + graph.family());
        g.addInput(valueInfo(INPUT, BATCH, graph.input().c(), graph.input().h(), graph.input().w()));
        boolean clip = graph.layers().stream().anyMatch(l -> l.activation() == Activation.RELU6);
        if (clip) {
            g.addInitializer(scalarOrVector(CLIP_MIN, 0f));
            g.addInitializer(scalarOrVector(CLIP_MAX, 6f));
        }
        List<LayerSpec> layers = new ArrayList<>(graph.layers());
        if (!softmax && graph.hasSoftmax()) {
            layers.remove(layers.size() - 1);
        }
        String finalName = outputName(model, options);
        List<ValueInfoProto> layerOutputs = new ArrayList<>();
        String x = INPUT;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            boolean last = i == layers.size() - 1;
            String out = last ? finalName : l.name();
            String pre = l.activation() == Activation.NONE ? out : l.name() + ".pre";
            switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> {
                    String w = TensorNames.weight(l.name());
                    String b = TensorNames.bias(l.name());
                    g.addInitializer(tensor(w, l.weightShape(), m.tensor(w).data()));
                    NodeProto.Builder conv = NodeProto.newBuilder().setOpType("Conv").setName(l.name())
                            .addInput(x).addInput(w).addOutput(pre)
                            .addAttribute(ints("kernel_shape", l.kernel(), l.kernel()))
                            .addAttribute(ints("strides", l.stride(), l.stride()))
                            .addAttribute(ints("pads", l.pads().top(), l.pads().left(), l.pads().bottom(), l.pads().right()))
                            .addAttribute(ints("dilations", 1, 1))
                            .addAttribute(intAttr("group", l.kind() == LayerKind.DEPTHWISE ? l.inChannels() : 1));
                    if (m.has(b)) {
                        g.addInitializer(tensor(b, new int[] {l.outChannels()}, m.tensor(b).data()));
                        conv.addInput(b);
                    }
                    g.addNode(conv);
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels(), l.out().h(), l.out().w()));
                }
                case ADD -> {
                    g.addNode(NodeProto.newBuilder().setOpType("Add").setName(l.name()).addInput(x)
                            .addInput(l.addend()).addOutput(out));
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels(), l.out().h(), l.out().w()));
                }
                case AVG_POOL -> {
                    addPool(g, l, x, out);
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                case FC -> {
                    addGemm(g, m, l, x, pre);
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                case SOFTMAX -> {
                    g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName(l.name()).addInput(x).addOutput(out)
                            .addAttribute(intAttr("axis", options.opset() >= 13 ? -1 : 1)));
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                case SIGMOID -> {
                    g.addNode(NodeProto.newBuilder().setOpType("Sigmoid").setName(l.name()).addInput(x).addOutput(out));
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels()));
                }
                case SCALE -> {
                    // The gate [N, C] as [N, C, 1, 1], broadcast over the map's pixels.
                    String shape = l.name() + ".gate_shape";
                    g.addInitializer(TensorProto.newBuilder().setName(shape).setDataType(TensorProto.DataType.INT64_VALUE)
                            .addDims(4).addAllInt64Data(List.of(0L, (long) l.outChannels(), 1L, 1L)));
                    String gate = l.name() + ".gate";
                    g.addNode(NodeProto.newBuilder().setOpType("Reshape").setName(gate).addInput(x).addInput(shape)
                            .addOutput(gate));
                    g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(l.name()).addInput(l.addend())
                            .addInput(gate).addOutput(out));
                    layerOutputs.add(valueInfo(out, BATCH, l.outChannels(), l.out().h(), l.out().w()));
                }
                default -> throw new IllegalStateException("unknown layer kind " + l.kind());
            }
            if (l.activation() != Activation.NONE) {
                addActivation(g, l.activation(), l.name() + ".act", pre, out, options.opset());
            }
            x = out;
        }
        ValueInfoProto finalOut = layerOutputs.remove(layerOutputs.size() - 1);
        g.addOutput(finalOut);
        if (options.exposeLayerOutputs()) {
            g.addAllOutput(layerOutputs);
        }
        ModelProto.Builder mp = ModelProto.newBuilder().setIrVersion(options.irVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setProducerName("mobilenet").setProducerVersion(producerVersion())
                .setDocString(m.describe()).setGraph(g);
        Map<String, String> md = ModelMetadata.describe(m, "NCHW");
        md.put(ModelMetadata.SOFTMAX, Boolean.toString(softmax));
        for (Map.Entry<String, String> e : md.entrySet()) {
            mp.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return mp.build();
    }

    private static String producerVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A float tensor, raw little-endian. Shape: {@code dims}, row-major {@code data}. */
    static TensorProto tensor(String name, int[] dims, float[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto scalarOrVector(String name, float v) {
        return tensor(name, new int[0], new float[] {v});
    }

    /** A float tensor value with the given dims; an Integer is a fixed dim, a String a symbolic one. */
    static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String p) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(p));
            } else {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    /**
     * {@code p} converted to half precision as onnxconverter-common does it: every float initializer
     * float16 (rounded to nearest even), and the input and output float16, or with {@code keepIo} kept
     * float32 with a Cast after the input and before the output. ONNX Runtime then computes in float16.
     */
    public static ModelProto toHalf(ModelProto p, boolean keepIo) throws IOException {
        GraphProto.Builder g = p.getGraph().toBuilder();
        TensorData inline = new TensorData(null); // (an export holds its data inline)
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                continue;
            }
            byte[] half = org.mobilenet.io.HalfFloats.toHalfBytes(inline.floats(t), t.getName());
            g.setInitializer(i, t.toBuilder().clearFloatData().setRawData(com.google.protobuf.ByteString.copyFrom(half))
                    .setDataType(TensorProto.DataType.FLOAT16_VALUE));
        }
        String in = g.getInput(0).getName();
        String out = g.getOutput(0).getName();
        // Layer outputs listed beside the model's (--layer-outputs) are float16 values now.
        for (int i = 1; i < g.getOutputCount(); i++) {
            g.getOutputBuilder(i).getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT16_VALUE);
        }
        if (!keepIo) {
            g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT16_VALUE);
            g.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT16_VALUE);
        } else {
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto.Builder n = g.getNode(i).toBuilder();
                for (int k = 0; k < n.getInputCount(); k++) {
                    if (n.getInput(k).equals(in)) {
                        n.setInput(k, in + ".half");
                    }
                }
                for (int k = 0; k < n.getOutputCount(); k++) {
                    if (n.getOutput(k).equals(out)) {
                        n.setOutput(k, out + ".half");
                    }
                }
                g.setNode(i, n);
            }
            g.addNode(0, halfCast(in, in + ".half", TensorProto.DataType.FLOAT16_VALUE));
            g.addNode(halfCast(out + ".half", out, TensorProto.DataType.FLOAT_VALUE));
        }
        g.clearValueInfo();
        return p.toBuilder().setGraph(g).build();
    }

    private static NodeProto halfCast(String from, String to, int type) {
        return NodeProto.newBuilder().setOpType("Cast").setName("cast." + to).addInput(from).addOutput(to)
                .addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.newBuilder().setName("to").setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.INT).setI(type))
                .build();
    }

    /**
     * A copy of a model that also lists the given values as graph outputs (float tensors of unknown
     * shape), so a runtime returns them; for per-layer comparison.
     */
    public static ModelProto withOutputs(ModelProto model, List<String> values) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        java.util.Set<String> have = new java.util.HashSet<>();
        g.getOutputList().forEach(o -> have.add(o.getName()));
        // A graph in half precision holds its values as float16.
        int type = TensorData.halfPrecision(g.getInitializerList()) ? TensorProto.DataType.FLOAT16_VALUE
                : TensorProto.DataType.FLOAT_VALUE;
        for (String v : values) {
            if (have.add(v)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(v).setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type))));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** Global average pooling as GlobalAveragePool (named {@code <layer>.gap}) + Flatten, to {@code out}. */
    private static void addPool(GraphProto.Builder g, LayerSpec l, String x, String out) {
        String gap = l.name() + ".gap";
        g.addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName(gap).addInput(x).addOutput(gap));
        g.addNode(NodeProto.newBuilder().setOpType("Flatten").setName(l.name()).addInput(gap)
                .addOutput(out).addAttribute(intAttr("axis", 1)));
    }

    /** A fully connected layer as Gemm (transB 1) with its weight and bias initializers, to {@code out}. */
    /**
     * The activation node(s) from {@code in} to {@code out}: Relu, Clip(0, 6), HardSwish (from opset
     * 14; before it {@code in * HardSigmoid(in)}), or HardSigmoid with MobileNet v3's alpha 1/6.
     */
    private static void addActivation(GraphProto.Builder g, Activation a, String name, String in, String out,
            long opset) {
        NodeProto.Builder act = NodeProto.newBuilder().setName(name).addInput(in).addOutput(out);
        switch (a) {
            case RELU -> act.setOpType("Relu");
            case RELU6 -> act.setOpType("Clip").addInput(CLIP_MIN).addInput(CLIP_MAX);
            case HARD_SIGMOID -> act.setOpType("HardSigmoid").addAttribute(floatAttr("alpha", 1f / 6))
                    .addAttribute(floatAttr("beta", 0.5f));
            case HARD_SWISH -> {
                if (opset >= 14) {
                    act.setOpType("HardSwish");
                } else {
                    String gate = name + ".hard_sigmoid";
                    g.addNode(NodeProto.newBuilder().setOpType("HardSigmoid").setName(gate).addInput(in).addOutput(gate)
                            .addAttribute(floatAttr("alpha", 1f / 6)).addAttribute(floatAttr("beta", 0.5f)));
                    act.setOpType("Mul").addInput(gate);
                }
            }
            case NONE -> throw new IllegalArgumentException("no activation to write");
        }
        g.addNode(act);
    }

    /**
     * The value a dense layer's Gemm reads: {@code x} itself after pooling; for a layer over an unpooled
     * map ({@link LayerSpec#flattens}), which reads it flattened in NHWC order, {@code x} transposed to
     * NHWC ({@code <layer>.nhwc}) and flattened ({@code <layer>.flatten}), so the weights keep the
     * engine's column order.
     */
    static String flattenedForDense(GraphProto.Builder g, LayerSpec l, String x) {
        if (!l.flattens()) {
            return x;
        }
        String nhwc = l.name() + ".nhwc";
        String flat = l.name() + ".flatten";
        g.addNode(NodeProto.newBuilder().setOpType("Transpose").setName(nhwc).addInput(x).addOutput(nhwc)
                .addAttribute(ints("perm", 0, 2, 3, 1)));
        g.addNode(NodeProto.newBuilder().setOpType("Flatten").setName(flat).addInput(nhwc).addOutput(flat)
                .addAttribute(intAttr("axis", 1)));
        return flat;
    }

    private static void addGemm(GraphProto.Builder g, Model m, LayerSpec l, String x, String out) {
        x = flattenedForDense(g, l, x);
        String w = TensorNames.weight(l.name());
        String b = TensorNames.bias(l.name());
        g.addInitializer(tensor(w, l.weightShape(), m.tensor(w).data()));
        g.addInitializer(tensor(b, new int[] {l.outChannels()}, m.tensor(b).data()));
        g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName(l.name()).addInput(x).addInput(w)
                .addInput(b).addOutput(out).addAttribute(intAttr("transB", 1)));
    }
}
