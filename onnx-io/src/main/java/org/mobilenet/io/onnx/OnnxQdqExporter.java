package org.mobilenet.io.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.io.ModelMetadata;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.mobilenet.io.onnx.proto.Onnx.StringStringEntryProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Writes a quantized model as ONNX in the QDQ form (QuantizeLinear / DequantizeLinear around float
 * operators): weights stored as their uint8 or int8 integers (per tensor, or per output channel
 * along axis 0) and biases as int32, each behind a DequantizeLinear; each layer's output passes a
 * QuantizeLinear with the layer's own scale and zero point and a DequantizeLinear. The input is the
 * float NCHW image of the float export, quantized first with the model's input quantization; the
 * output is dequantized. Names follow the float export: the layer's output value is named after
 * the layer, its weight {@code L.weight}, and the quantized initializers {@code L.weight.q} with
 * {@code .scale} and {@code .zero_point}.
 *
 * <p>Why QDQ rather than QLinearConv: it uses only standard ONNX operators (opset 13 for per-channel
 * DequantizeLinear), covers every layer kind (QLinearAdd, QLinearGlobalAveragePool, QGemm and
 * QLinearSoftmax exist only in ONNX Runtime's com.microsoft domain), and ONNX Runtime's graph
 * optimizer fuses each DequantizeLinear - Conv / Add / GlobalAveragePool / Gemm - QuantizeLinear
 * group into its integer kernel (QLinearConv and friends) at the basic optimization level and above,
 * so it runs with integer kernels where ORT has them and in float between exact Q/DQ pairs where not.
 */
public final class OnnxQdqExporter {
    /** Metadata key marking a quantized export and its form. */
    public static final String QUANTIZED = "quantized";
    /**
     * Metadata keys saying whether the source took quantized inputs and gave quantized outputs (as a
     * Coral TFLite file does): the ONNX graph always takes and gives floats, and a TFLite export of
     * the file read back restores the source's integer input and output from these.
     */
    public static final String QUANTIZED_INPUT = "quantized.input";
    public static final String QUANTIZED_OUTPUT = "quantized.output";
    /**
     * Metadata keys: the quantization of the source file's own input and output where it differs from
     * the network's ({@link ModelQuantization#fileInput()}, {@link ModelQuantization#fileOutput()}: a TFLite
     * int8 network that takes and gives uint8), as {@code "uint8 0.007843138 127"}, so that a TFLite
     * export of the ONNX file takes and gives them again. The QDQ graph itself takes and gives floats.
     */
    public static final String FILE_INPUT = "quantized.file_input";
    public static final String FILE_OUTPUT = "quantized.file_output";

    /** {@code "type scale zero"} of a per-tensor quantization (the metadata form of {@link #FILE_INPUT}). */
    static String describe(QuantParams q) {
        return q.type().id() + " " + Float.toString(q.scale()) + " " + q.zeroPoint();
    }

    /** The per-tensor quantization {@link #describe} wrote, or null for anything else. */
    static QuantParams parse(String s) {
        if (s == null) {
            return null;
        }
        String[] f = s.trim().split(" ");
        try {
            QuantType type = f.length != 3 ? null : f[0].equals("uint8") ? QuantType.UINT8
                    : f[0].equals("int8") ? QuantType.INT8 : null;
            return type == null ? null : QuantParams.perTensor(type, Float.parseFloat(f[1]), Integer.parseInt(f[2]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
    /** The lowest opset the QDQ form needs (per-channel DequantizeLinear has an axis from 13). */
    public static final int MIN_OPSET = 13;

    private final Model m;
    private final ModelQuantization q;
    private final GraphProto.Builder g;
    private final OnnxExportOptions options;

    private OnnxQdqExporter(Model m, OnnxExportOptions options) {
        this.m = m;
        this.q = m.quantization().orElseThrow();
        this.options = options;
        this.g = GraphProto.newBuilder().setName("mobilenet_" + m.graph().family() + "_qdq");
    }

    /**
     * The QDQ ONNX model of a quantized model.
     *
     * @throws UnsupportedModelException when the model is not quantized or the opset is below 13
     */
    public static ModelProto toProto(Model model, OnnxExportOptions options) {
        UnsupportedModelException.requireNoV3Layers(model, "the quantized ONNX export");
        if (!model.isQuantized()) {
            throw new UnsupportedModelException("the model is not quantized; write it with the float ONNX export");
        }
        if (options.opset() < MIN_OPSET) {
            throw new UnsupportedModelException("a quantized ONNX model needs opset " + MIN_OPSET
                    + " or later (per-channel DequantizeLinear), got " + options.opset()
                    + "; write it at opset " + MIN_OPSET + " or later, or dequantized");
        }
        if (model.hasBatchNorm()) {
            throw new UnsupportedModelException("a quantized model with an unfolded BatchNorm cannot be written to ONNX");
        }
        return new OnnxQdqExporter(model, options).build();
    }

    private ModelProto build() {
        LayerGraph graph = m.graph();
        boolean softmax = options.softmax() && graph.hasSoftmax();
        List<LayerSpec> layers = new ArrayList<>(graph.layers());
        if (!softmax && graph.hasSoftmax()) {
            layers.remove(layers.size() - 1);
        }
        String finalName = OnnxExporter.outputName(m, options);
        g.addInput(OnnxExporter.valueInfo(OnnxExporter.INPUT, OnnxExporter.BATCH, graph.input().c(), graph.input().h(),
                graph.input().w()));
        boolean clip = layers.stream().anyMatch(l -> l.activation() == Activation.RELU6);
        if (clip) {
            g.addInitializer(OnnxExporter.tensor("relu6.min", new int[0], new float[] {0f}));
            g.addInitializer(OnnxExporter.tensor("relu6.max", new int[0], new float[] {6f}));
        }
        // The network's input (after any input steps of the source file, which take the file's own input:
        // like the float export, the ONNX graph takes what the model's preprocessing gives).
        String x = qdq(OnnxExporter.INPUT, "input.dq", "input", q.networkInput());
        List<ValueInfoProto> layerOutputs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            String out = i == layers.size() - 1 ? finalName : l.name();
            String pre = l.name() + ".pre";
            String act = l.activation() == Activation.NONE ? pre : l.name() + ".act";
            switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> {
                    NodeProto.Builder conv = NodeProto.newBuilder().setOpType("Conv").setName(l.name())
                            .addInput(x).addInput(weight(l)).addOutput(pre)
                            .addAttribute(OnnxExporter.ints("kernel_shape", l.kernel(), l.kernel()))
                            .addAttribute(OnnxExporter.ints("strides", l.stride(), l.stride()))
                            .addAttribute(OnnxExporter.ints("pads", l.pads().top(), l.pads().left(),
                                    l.pads().bottom(), l.pads().right()))
                            .addAttribute(OnnxExporter.ints("dilations", 1, 1))
                            .addAttribute(OnnxExporter.intAttr("group",
                                    l.kind() == LayerKind.DEPTHWISE ? l.inChannels() : 1));
                    String b = bias(l);
                    if (b != null) {
                        conv.addInput(b);
                    }
                    g.addNode(conv);
                    layerOutputs.add(OnnxExporter.valueInfo(out, OnnxExporter.BATCH, l.outChannels(), l.out().h(),
                            l.out().w()));
                }
                case ADD -> {
                    g.addNode(NodeProto.newBuilder().setOpType("Add").setName(l.name()).addInput(x)
                            .addInput(l.addend()).addOutput(pre));
                    layerOutputs.add(OnnxExporter.valueInfo(out, OnnxExporter.BATCH, l.outChannels(), l.out().h(),
                            l.out().w()));
                }
                case AVG_POOL -> {
                    // The pooled map is quantized before the Flatten too, so that ORT finds DQ - pool - Q
                    // (QLinearGlobalAveragePool); the same params again after it cost nothing.
                    String gap = l.name() + ".gap";
                    g.addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName(gap).addInput(x)
                            .addOutput(gap));
                    String pooled = qdq(gap, gap + ".dq", gap, q.output(l.name()));
                    g.addNode(NodeProto.newBuilder().setOpType("Flatten").setName(l.name()).addInput(pooled)
                            .addOutput(pre).addAttribute(OnnxExporter.intAttr("axis", 1)));
                    layerOutputs.add(OnnxExporter.valueInfo(out, OnnxExporter.BATCH, l.outChannels()));
                }
                case FC -> {
                    if (l.flattens()) {
                        // Quantized again after the Transpose and Flatten with the map's params, so that
                        // the Gemm reads a DequantizeLinear as ORT's QDQ fusion wants.
                        String flat = OnnxExporter.flattenedForDense(g, l, x);
                        x = qdq(flat, flat + ".dq", flat, q.output(layers.get(i - 1).name()));
                    }
                    NodeProto.Builder gemm = NodeProto.newBuilder().setOpType("Gemm").setName(l.name()).addInput(x)
                            .addInput(weight(l)).addOutput(pre).addAttribute(OnnxExporter.intAttr("transB", 1));
                    String b = bias(l);
                    if (b != null) {
                        gemm.addInput(b);
                    }
                    g.addNode(gemm);
                    layerOutputs.add(OnnxExporter.valueInfo(out, OnnxExporter.BATCH, l.outChannels()));
                }
                case SOFTMAX -> {
                    g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName(l.name()).addInput(x).addOutput(pre)
                            .addAttribute(OnnxExporter.intAttr("axis", -1)));
                    layerOutputs.add(OnnxExporter.valueInfo(out, OnnxExporter.BATCH, l.outChannels()));
                }
                case SIGMOID -> {
                    g.addNode(NodeProto.newBuilder().setOpType("Sigmoid").setName(l.name()).addInput(x).addOutput(pre));
                    layerOutputs.add(OnnxExporter.valueInfo(out, OnnxExporter.BATCH, l.outChannels()));
                }
                default -> throw new UnsupportedModelException("layer " + l.name() + " (" + l.kind().id()
                        + ") cannot be written to quantized ONNX");
            }
            if (l.activation() != Activation.NONE) {
                NodeProto.Builder a = NodeProto.newBuilder().setName(l.name() + ".activation").addInput(pre)
                        .addOutput(act);
                if (l.activation() == Activation.RELU) {
                    a.setOpType("Relu");
                } else {
                    a.setOpType("Clip").addInput("relu6.min").addInput("relu6.max");
                }
                g.addNode(a);
            }
            x = qdq(act, out, l.name(), q.output(l.name()));
        }
        g.addOutput(layerOutputs.remove(layerOutputs.size() - 1));
        if (options.exposeLayerOutputs()) {
            g.addAllOutput(layerOutputs);
        }
        ModelProto.Builder mp = ModelProto.newBuilder().setIrVersion(options.irVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setProducerName("mobilenet").setProducerVersion(producerVersion())
                .setDocString(m.describe() + ", quantized (QDQ)").setGraph(g);
        Map<String, String> md = ModelMetadata.describe(m, "NCHW");
        md.put(ModelMetadata.SOFTMAX, Boolean.toString(softmax));
        md.put(QUANTIZED, "qdq");
        // A source with input steps took its own input (pixels) before them; this graph takes the network's.
        boolean steps = !q.inputSteps().isEmpty();
        md.put(QUANTIZED_INPUT, Boolean.toString(q.quantizedInput() && !steps));
        md.put(QUANTIZED_OUTPUT, Boolean.toString(q.quantizedOutput()));
        if (q.fileInput() != null && !steps) {
            md.put(FILE_INPUT, describe(q.fileInput()));
        }
        if (q.fileOutput() != null && softmax == graph.hasSoftmax()) {
            md.put(FILE_OUTPUT, describe(q.fileOutput())); // (the last layer's: not when the softmax is left out)
        }
        String pool = m.metadata().get(ModelQuantization.POOL_KEY);
        if (pool != null) {
            md.put(ModelQuantization.POOL_KEY, pool); // which pooling the source's runtime ran, for a TFLite export
        }
        for (Map.Entry<String, String> e : md.entrySet()) {
            mp.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return mp.build();
    }

    private static String producerVersion() {
        String v = OnnxQdqExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** QuantizeLinear then DequantizeLinear of {@code in} with {@code p}, to {@code out}; returns {@code out}. */
    private String qdq(String in, String out, String prefix, QuantParams p) {
        String scale = prefix + ".output.scale";
        String zp = prefix + ".output.zero_point";
        g.addInitializer(OnnxExporter.tensor(scale, new int[0], new float[] {p.scale()}));
        g.addInitializer(integers(zp, new int[0], new int[] {p.zeroPoint()}, p.type()));
        String quantized = prefix + ".output.q";
        g.addNode(NodeProto.newBuilder().setOpType("QuantizeLinear").setName(prefix + ".quantize").addInput(in)
                .addInput(scale).addInput(zp).addOutput(quantized));
        g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(prefix + ".dequantize")
                .addInput(quantized).addInput(scale).addInput(zp).addOutput(out));
        return out;
    }

    /** The layer's weight as quantized initializers behind a DequantizeLinear; returns the float value's name. */
    private String weight(LayerSpec l) {
        String name = TensorNames.weight(l.name());
        return dequantized(name, q.tensor(name));
    }

    /** The int32 bias behind a DequantizeLinear, or null when the layer has none. */
    private String bias(LayerSpec l) {
        String name = TensorNames.bias(l.name());
        QuantizedTensor t = q.tensor(name);
        if (t == null) {
            if (m.has(name)) {
                throw new UnsupportedModelException("layer " + l.name() + " has a float bias but no int32 one");
            }
            return null;
        }
        return dequantized(name, t);
    }

    private String dequantized(String name, QuantizedTensor t) {
        QuantParams p = t.quant();
        g.addInitializer(integers(name + ".q", t.shape(), t.values(), p.type()));
        int n = p.channels();
        float[] scales = p.scales();
        int[] zps = p.zeroPoints();
        int[] dims = p.perChannel() ? new int[] {n} : new int[0];
        g.addInitializer(OnnxExporter.tensor(name + ".scale", dims, scales));
        g.addInitializer(integers(name + ".zero_point", dims, zps, p.type()));
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").setName(name + ".dequantize")
                .addInput(name + ".q").addInput(name + ".scale").addInput(name + ".zero_point").addOutput(name);
        if (p.perChannel()) {
            dq.addAttribute(OnnxExporter.intAttr("axis", p.axis()));
        }
        g.addNode(dq);
        return name;
    }

    /** An integer tensor of {@code type} (uint8, int8 or int32), raw little-endian. */
    static TensorProto integers(String name, int[] dims, int[] v, QuantType type) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name);
        byte[] raw;
        switch (type) {
            case UINT8, INT8 -> {
                t.setDataType(type == QuantType.UINT8 ? TensorProto.DataType.UINT8_VALUE : TensorProto.DataType.INT8_VALUE);
                raw = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    raw[i] = (byte) v[i];
                }
            }
            default -> {
                t.setDataType(TensorProto.DataType.INT32_VALUE);
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int x : v) {
                    b.putInt(x);
                }
                raw = b.array();
            }
        }
        for (int d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(raw)).build();
    }
}
