package org.mobilenet.cli.verify;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;
import org.mobilenet.io.onnx.proto.Onnx.TypeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Test fixtures: ONNX graphs of an engine model written the way real exporters write MobileNet v1,
 * built node by node with the protobuf builders.
 */
public final class ExportStyles {
    /** The exporter styles. */
    public enum Style {
        /** torch.onnx: NCHW, Conv + BatchNormalization + Clip(0, 6) with Constant bounds, symmetric pads,
         * GlobalAveragePool + Flatten + Gemm(transB 1) + Softmax. */
        PYTORCH,
        /** tf2onnx: NHWC input + Transpose, BN folded into Conv bias, pads [0, 0, 1, 1] at stride 2,
         * Clip with initializer bounds, ReduceMean, logits as a 1x1 Conv, Squeeze, Softmax, 1001 classes. */
        TF2ONNX,
        /** keras2onnx / tf2onnx from Keras: NHWC + Transpose, ZeroPadding2D as Pad before valid stride-2
         * convs, unfused BN (epsilon 1e-3), GlobalAveragePool, Reshape, MatMul + Add, Softmax; typed float_data. */
        KERAS,
        /** Opset 9: Clip bounds as attributes, unfused BN, Flatten + MatMul + Add. */
        OPSET9
    }

    private ExportStyles() {
    }

    /** A seeded model with the architecture a style implies. */
    public static Model model(Style s, double alpha, int res, long seed) {
        Padding p = s == Style.PYTORCH || s == Style.OPSET9 ? Padding.SYMMETRIC : Padding.TF_SAME;
        int classes = s == Style.TF2ONNX ? 1001 : 1000;
        return SeededInit.create(new ModelSpec(alpha, res, classes, Variant.SEPARABLE, p, true), seed);
    }

    /**
     * A seeded MobileNet v2 as a style's exporter has it: torchvision's (PYTORCH) with symmetric pads
     * (a generic layer graph, since {@link MobileNetV2Spec} pads as TensorFlow does), 1000 classes and
     * BatchNorms; TensorFlow's (TF2ONNX) the spec itself, 1001 classes.
     */
    public static Model v2Model(Style s, double alpha, int res, long seed) {
        MobileNetV2Spec spec = new MobileNetV2Spec(alpha, Resolution.square(res), s == Style.TF2ONNX ? 1001 : 1000, true);
        if (s != Style.PYTORCH) {
            return SeededInit.create(spec, seed);
        }
        LayerGraph g = spec.graph();
        List<LayerSpec> layers = new ArrayList<>();
        for (LayerSpec l : g.layers()) {
            if (l.kernel() == 3 && l.kind() != LayerKind.AVG_POOL) {
                l = new LayerSpec(l.name(), l.kind(), 3, l.stride(), Padding.SYMMETRIC.pads(l.in().h(), l.in().w(), 3,
                        l.stride()), l.in(), l.out(), l.activation(), l.addend());
            }
            layers.add(l);
        }
        return SeededInit.create(new LayerGraph(MobileNetV2Spec.FAMILY, g.input(), layers), seed);
    }

    /** The graph of a model in a style. {@code relu} writes Relu instead of ReLU6 (PyTorch style only). */
    public static ModelProto build(Model model, Style s, boolean relu) {
        Builder b = new Builder(s);
        Model m = s == Style.TF2ONNX ? model.foldBatchNorm() : model;
        LayerGraph graph = m.graph();
        int r = m.resolution();
        String x;
        if (s == Style.TF2ONNX || s == Style.KERAS) {
            b.g.addInput(input("input_1:0", s == Style.KERAS ? "unk__1" : "unk__0", r, r, 3));
            x = b.node("Transpose", "transpose_input", List.of("input_1:0"), ints("perm", 0, 3, 1, 2));
        } else {
            b.g.addInput(input("input.1", "batch_size", 3, r, r));
            x = "input.1";
        }
        if (s == Style.TF2ONNX || s == Style.KERAS) {
            b.init("clip_min", new int[0], new float[] {0});
            b.init("clip_max", new int[0], new float[] {6});
        }
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (LayerSpec l : graph.layers()) {
            switch (l.kind()) {
                case CONV, DEPTHWISE, POINTWISE -> x = conv(b, m, l, x, relu);
                // torch writes identity + block(identity) (the addend first); tf2onnx the chain value first.
                case ADD -> x = b.node("Add", l.name() + "/add", s == Style.PYTORCH ? List.of(values.get(l.addend()), x)
                        : List.of(x, values.get(l.addend())));
                case AVG_POOL -> x = pool(b, s, x);
                case FC -> x = classifier(b, m, s, l, x);
                case SOFTMAX -> x = b.node("Softmax", "softmax", List.of(x), intAttr("axis", s == Style.TF2ONNX ? -1 : 1));
                default -> throw new IllegalStateException();
            }
            values.put(l.name(), x);
        }
        b.g.addOutput(ValueInfoProto.newBuilder().setName(x).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(m.classes()))))));
        int opset = s == Style.OPSET9 ? 9 : 13;
        return ModelProto.newBuilder().setIrVersion(s == Style.OPSET9 ? 4 : 7)
                .setProducerName(switch (s) {
                    case PYTORCH -> "pytorch";
                    case TF2ONNX, KERAS -> "tf2onnx";
                    case OPSET9 -> "onnxmltools";
                })
                .setProducerVersion("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(b.g).build();
    }

    private static String conv(Builder b, Model m, LayerSpec l, String x, boolean relu) {
        Style s = b.style;
        String w = b.init(l.name() + ".weight", l.weightShape(), m.tensor(TensorNames.weight(l.name())).data());
        List<String> in = new ArrayList<>(List.of(x, w));
        if (m.has(TensorNames.bias(l.name()))) {
            in.add(b.init(l.name() + ".bias", new int[] {l.outChannels()}, m.tensor(TensorNames.bias(l.name())).data()));
        }
        var pads = l.pads();
        List<AttributeProto> attrs = new ArrayList<>(List.of(ints("kernel_shape", l.kernel(), l.kernel()),
                ints("strides", l.stride(), l.stride()), intAttr("group", l.kind() == LayerKind.DEPTHWISE ? l.inChannels() : 1),
                ints("dilations", 1, 1)));
        if (s == Style.TF2ONNX && !m.isV1() && l.stride() == 2) {
            // tf2onnx keeps TensorFlow's SAME as auto_pad where it cannot fold it into explicit pads.
            attrs.add(AttributeProto.newBuilder().setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8("SAME_UPPER")).build());
        } else if (s == Style.KERAS && l.stride() == 2) {
            String p = b.init(l.name() + "_pad/pads", new long[] {0, 0, pads.top(), pads.left(), 0, 0, pads.bottom(), pads.right()});
            in.set(0, b.node("Pad", l.name() + "_pad", List.of(x, p)));
            attrs.add(ints("pads", 0, 0, 0, 0));
        } else {
            attrs.add(ints("pads", pads.top(), pads.left(), pads.bottom(), pads.right()));
        }
        String y = b.node("Conv", l.name() + "/Conv", in, attrs.toArray(AttributeProto[]::new));
        if (m.has(TensorNames.bnGamma(l.name()))) {
            int[] c = {l.outChannels()};
            List<String> bn = List.of(y, b.init(l.name() + "_bn.weight", c, m.tensor(TensorNames.bnGamma(l.name())).data()),
                    b.init(l.name() + "_bn.bias", c, m.tensor(TensorNames.bnBeta(l.name())).data()),
                    b.init(l.name() + "_bn.running_mean", c, m.tensor(TensorNames.bnMean(l.name())).data()),
                    b.init(l.name() + "_bn.running_var", c, m.tensor(TensorNames.bnVar(l.name())).data()));
            y = b.node("BatchNormalization", l.name() + "/BatchNorm", bn, floatAttr("epsilon", m.bnEpsilon()));
        }
        if (l.activation() == org.mobilenet.engine.arch.Activation.NONE) {
            return y;
        }
        if (relu) {
            return b.node("Relu", l.name() + "/Relu", List.of(y));
        }
        return switch (s) {
            case PYTORCH -> {
                String lo = b.constant(l.name() + "/Constant", 0f);
                String hi = b.constant(l.name() + "/Constant_1", 6f);
                yield b.node("Clip", l.name() + "/Clip", List.of(y, lo, hi));
            }
            case TF2ONNX, KERAS -> b.node("Clip", l.name() + "/Relu6", List.of(y, "clip_min", "clip_max"));
            case OPSET9 -> b.node("Clip", l.name() + "/Clip", List.of(y), floatAttr("min", 0), floatAttr("max", 6));
        };
    }

    private static String pool(Builder b, Style s, String x) {
        return switch (s) {
            case TF2ONNX -> b.node("ReduceMean", "pool/Mean", List.of(x), ints("axes", 2, 3), intAttr("keepdims", 1));
            default -> b.node("GlobalAveragePool", "pool/GlobalAveragePool", List.of(x));
        };
    }

    private static String classifier(Builder b, Model m, Style s, LayerSpec l, String x) {
        String y = dense(b, m, s, l, x);
        // A custom head's hidden layers (Keras Dense(activation='relu'), torch Linear + ReLU).
        return switch (l.activation()) {
            case NONE -> y;
            case RELU -> b.node("Relu", l.name() + "/Relu", List.of(y));
            case RELU6 -> b.node("Clip", l.name() + "/Relu6", List.of(y, "clip_min", "clip_max"));
            case HARD_SWISH, HARD_SIGMOID -> throw new IllegalArgumentException("not in these styles: " + l.activation());
        };
    }

    private static String dense(Builder b, Model m, Style s, LayerSpec l, String x) {
        int c = l.inChannels();
        int k = l.outChannels();
        String n = l.name();
        boolean first = m.graph().layers().get(m.graph().indexOf(n) - 1).kind() == LayerKind.AVG_POOL;
        float[] w = m.tensor(n + ".weight").data();
        String bias = b.init(n + ".bias", new int[] {k}, m.tensor(n + ".bias").data());
        switch (s) {
            case PYTORCH -> {
                String f = first ? b.node("Flatten", "flatten", List.of(x), intAttr("axis", 1)) : x;
                if (!m.isV1() && first) {
                    // torchvision's v2 classifier is Sequential(Dropout(0.2), Linear): an inference Dropout, if kept.
                    f = b.node("Dropout", "classifier.0/Dropout", List.of(f));
                }
                return b.node("Gemm", n + "/Gemm", List.of(f, b.init(n + ".weight", new int[] {k, c}, w), bias),
                        floatAttr("alpha", 1), floatAttr("beta", 1), intAttr("transB", 1));
            }
            case TF2ONNX -> {
                String y = b.node("Conv", "Logits/Conv2d_1c_1x1", List.of(x, b.init("fc.weight", new int[] {k, c, 1, 1}, w),
                        bias), ints("kernel_shape", 1, 1), ints("strides", 1, 1), ints("pads", 0, 0, 0, 0));
                return b.node("Squeeze", "Logits/SpatialSqueeze", List.of(y, b.init("squeeze_axes", new long[] {2, 3})));
            }
            default -> {
                String f = !first ? x : s == Style.KERAS
                        ? b.node("Reshape", "flatten/Reshape", List.of(x, b.init("flatten_shape", new long[] {-1, c})))
                        : b.node("Flatten", "flatten", List.of(x), intAttr("axis", 1));
                float[] wt = new float[w.length];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < c; j++) {
                        wt[j * k + i] = w[i * c + j];
                    }
                }
                String d = n.equals("fc") ? "dense" : n;
                String mm = b.node("MatMul", d + "/MatMul", List.of(f, b.init(d + "/kernel", new int[] {c, k}, wt)));
                // The bias first in the opset-9 style, as ONNX Runtime's quantizer orders a QLinearAdd's.
                return b.node("Add", d + "/BiasAdd", s == Style.OPSET9 ? List.of(bias, mm) : List.of(mm, bias));
            }
        }
    }

    static ValueInfoProto input(String name, String batch, int d1, int d2, int d3) {
        TensorShapeProto.Builder sh = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (int d : new int[] {d1, d2, d3}) {
            sh.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(sh))).build();
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

    /** Accumulates nodes and initializers. */
    static final class Builder {
        final GraphProto.Builder g = GraphProto.newBuilder().setName("graph");
        final Style style;

        Builder(Style style) {
            this.style = style;
        }

        String node(String op, String name, List<String> inputs, AttributeProto... attrs) {
            String out = name + ":0";
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(out);
            for (AttributeProto a : attrs) {
                n.addAttribute(a);
            }
            g.addNode(n);
            return out;
        }

        String constant(String name, float v) {
            String out = name + ":0";
            g.addNode(NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(out).addAttribute(
                    AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                            .setT(TensorProto.newBuilder().setDataType(1).addFloatData(v))));
            return out;
        }

        String init(String name, int[] dims, float[] data) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
            for (int d : dims) {
                t.addDims(d);
            }
            if (style == Style.KERAS) {
                for (float f : data) {
                    t.addFloatData(f);
                }
            } else {
                ByteBuffer bb = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(data);
                t.setRawData(ByteString.copyFrom(bb.array()));
            }
            g.addInitializer(t);
            return name;
        }

        String init(String name, long[] data) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(data.length);
            for (long v : data) {
                t.addInt64Data(v);
            }
            g.addInitializer(t);
            return name;
        }
    }
}
