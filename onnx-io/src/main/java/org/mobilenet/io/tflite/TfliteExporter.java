package org.mobilenet.io.tflite;

import org.mobilenet.io.WeightLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.io.AtomicFiles;
import org.mobilenet.io.tflite.FbWriter.Table;

/**
 * Writes an engine model as a TFLite FlatBuffer (schema version 3): NHWC activations with a batch of
 * 1, CONV_2D with OHWI filters, DEPTHWISE_CONV_2D with {@code [1, K, K, C]} filters (depth multiplier
 * 1), each layer's activation fused (NONE, RELU, RELU6), SAME or VALID padding where the layer's pads
 * are what they give and otherwise a PAD operator before a VALID convolution (PyTorch's symmetric
 * stride-2 pads), ADD for residual adds, AVERAGE_POOL_2D over the whole map for the global pooling
 * (MEAN over [1, 2] where a quantized pool changes scale, as TFLite's quantized AVERAGE_POOL_2D
 * keeps it, or where the quantized source pooled by MEAN: {@link ModelQuantization#POOL_KEY}),
 * FULLY_CONNECTED for the classifier and every dense layer of a custom head, SOFTMAX
 * (beta 1) or LOGISTIC (a sigmoid head). BatchNorm is folded first. MobileNet v3's layers (float
 * models only) as TensorFlow's converter writes them: HARD_SWISH after a layer whose activation it is,
 * a squeeze-and-excite block as its pooling, its dense layers as 1x1 CONV_2Ds on the 1x1 map, the hard
 * sigmoid as ADD 3 (ReLU6 fused) and MUL 1/6, and MUL of the map by the gate.
 *
 * <p>A float model is written float32. A quantized model ({@link Model#quantization()}) is written
 * with its own integers, scales and zero points: uint8 per tensor (Coral) or int8 per channel
 * (quantized_dimension 0 for OHWI and fully connected weights, 3 for depthwise ones), int32 biases,
 * every activation tensor with its layer's output quantization, a PAD's output with its input's; a
 * QUANTIZE at the start when the source took floats or integers of other params (a uint8 input of
 * an int8 network: {@link ModelQuantization#fileInput()}), a DEQUANTIZE at the end when it gave
 * floats, a QUANTIZE when it gave integers of other params ({@link ModelQuantization#fileOutput()}).
 *
 * <p>Labels and normalization go into TFLite metadata ({@link TfliteMetadataWriter}), which the
 * importer reads back.
 */
public final class TfliteExporter {
    static final int SAME = 0;
    static final int VALID = 1;
    private static final int OPT_CONV = 1;
    private static final int OPT_DEPTHWISE = 2;
    private static final int OPT_POOL = 5;
    private static final int OPT_FC = 8;
    private static final int OPT_SOFTMAX = 9;
    private static final int OPT_ADD = 11;
    private static final int OPT_MUL = 21;
    private static final int OPT_REDUCER = 27;

    private final Model model;
    private final ModelQuantization q;
    /** A float model's weights and biases as float16, each behind a DEQUANTIZE. */
    private final boolean half;
    private final TfliteSubgraphBuilder b = new TfliteSubgraphBuilder();

    private TfliteExporter(Model model, boolean half) {
        this.model = model.isQuantized() ? model : model.foldBatchNorm();
        this.q = model.quantization().orElse(null);
        this.half = half;
    }

    /** Writes the model to {@code file} atomically; refuses to replace an existing file unless {@code overwrite}. */
    public static void write(Model model, Path file, boolean overwrite) throws IOException {
        write(model, file, overwrite, false);
    }

    /**
     * {@link #write(Model, Path, boolean)}, a float model's weights and biases stored as float16 when
     * {@code half} (TFLite's float16 quantization).
     *
     * @throws UnsupportedModelException for {@code half} and a quantized model (which keeps its integers)
     */
    public static void write(Model model, Path file, boolean overwrite, boolean half) throws IOException {
        byte[] bytes = toBytes(model, half);
        AtomicFiles.write(file, overwrite, out -> out.write(bytes));
    }

    /**
     * The .tflite bytes of a model: float32, or quantized as the model is.
     *
     * @throws UnsupportedModelException when the model has a layer TFLite export does not handle
     */
    public static byte[] toBytes(Model model) {
        return toBytes(model, false);
    }

    /** {@link #toBytes(Model)}, a float model's weights and biases as float16 when {@code half}. */
    public static byte[] toBytes(Model model, boolean half) {
        if (model.isQuantized()) {
            UnsupportedModelException.requireNoV3Layers(model, "the quantized TFLite export");
        }
        if (model.isQuantized() && model.hasBatchNorm()) {
            throw new UnsupportedModelException("a quantized model with an unfolded BatchNorm cannot be written to"
                    + " TFLite");
        }
        if (half && model.isQuantized()) {
            throw new UnsupportedModelException("float16 weights are for a float model; this one is quantized and"
                    + " keeps its integers (dequantize it first for float16)");
        }
        return new TfliteExporter(model, half).build();
    }

    private byte[] build() {
        int h = model.inputHeight();
        int w = model.inputWidth();
        int c = model.graph().input().c();
        int input;
        int cur;
        if (q == null) {
            input = b.activation("input", new int[] {1, h, w, c}, null);
            cur = input;
        } else if (q.quantizedInput() && q.fileInput() != null) {
            // The file's own integers, requantized to the network's (uint8 into an int8 network).
            input = b.activation("input", new int[] {1, h, w, c}, q.fileInput());
            cur = b.activation("input/quantized", new int[] {1, h, w, c}, q.input());
            b.op(BuiltinOp.QUANTIZE, q.input().type() == QuantType.INT8 ? 2 : 1, new int[] {input}, cur, 0, null);
        } else if (q.quantizedInput()) {
            input = b.activation("input", new int[] {1, h, w, c}, q.input());
            cur = input;
        } else {
            input = b.activation("input", new int[] {1, h, w, c}, null);
            cur = b.activation("input/quantized", new int[] {1, h, w, c}, q.input());
            b.op(BuiltinOp.QUANTIZE, q.input().type() == QuantType.INT8 ? 2 : 1, new int[] {input}, cur, 0, null);
        }
        QuantParams curQ = q == null ? null : q.input();
        // The source file's own quantized input preprocessing (a Keras Rescaling), written back as it was.
        for (int i = 0; q != null && i < q.inputSteps().size(); i++) {
            org.mobilenet.engine.model.InputStep s = q.inputSteps().get(i);
            int[] k = s.constant().values();
            int constant = b.quantized("input/step" + i + "/y", new int[] {k.length}, k, s.constant().quant(), 0);
            int out = b.activation("input/step" + i, new int[] {1, h, w, c}, s.output());
            boolean mul = s.op() == org.mobilenet.engine.model.InputStep.Op.MUL;
            b.op(mul ? BuiltinOp.MUL : BuiltinOp.ADD, version(2), new int[] {cur, constant}, out, mul ? OPT_MUL : OPT_ADD,
                    new Table().i8(0, 0));
            cur = out;
            curQ = s.output();
        }
        Map<String, Integer> outputs = new HashMap<>();
        int[] curShape = {1, h, w, c};
        java.util.Set<String> gates = squeezeExciteDense(model.graph().layers());
        for (LayerSpec l : model.graph().layers()) {
            QuantParams outQ = q == null ? null : q.output(l.name());
            // Maps stay [1, H, W, C] up to the pooling's [1, 1, 1, C]; dense layers give [1, C], but those
            // of a squeeze-and-excite block stay 1x1 maps (1x1 CONV_2Ds, as TensorFlow's converter writes them).
            int[] outShape = switch (l.kind()) {
                case FC -> gates.contains(l.name()) ? new int[] {1, 1, 1, l.outChannels()} : new int[] {1, l.outChannels()};
                case SOFTMAX, SIGMOID -> curShape;
                default -> new int[] {1, l.out().h(), l.out().w(), l.out().c()};
            };
            switch (l.kind()) {
                case CONV, POINTWISE, DEPTHWISE -> {
                    int padding = padding(l);
                    if (padding < 0) {
                        cur = pad(l, cur, curQ);
                        padding = VALID;
                    }
                    int out = b.activation(l.name(), outShape, outQ);
                    boolean dw = l.kind() == LayerKind.DEPTHWISE;
                    int weights = weights(l, dw ? Layout.DEPTHWISE : Layout.OHWI);
                    int bias = bias(l);
                    Table opts = dw
                            ? new Table().i8(0, padding).put(1, l.stride()).put(2, l.stride()).put(3, 1)
                                    .i8(4, activation(l.activation()))
                            : new Table().i8(0, padding).put(1, l.stride()).put(2, l.stride())
                                    .i8(3, activation(l.activation()));
                    b.op(dw ? BuiltinOp.DEPTHWISE_CONV_2D : BuiltinOp.CONV_2D, version(3), new int[] {cur, weights, bias},
                            out, dw ? OPT_DEPTHWISE : OPT_CONV, opts);
                    cur = unfused(l, out, outShape);
                }
                case ADD -> {
                    int out = b.activation(l.name(), outShape, outQ);
                    b.op(BuiltinOp.ADD, version(2), new int[] {cur, outputs.get(l.addend())}, out, OPT_ADD,
                            new Table().i8(0, activation(l.activation())));
                    cur = out;
                }
                case AVG_POOL -> {
                    // A quantized source pooled by MEAN keeps MEAN: the runtime computes the two differently.
                    boolean mean = q != null && (!sameQuant(curQ, outQ) || ModelQuantization.POOL_MEAN.equals(
                            model.metadata().get(ModelQuantization.POOL_KEY)));
                    if (mean) {
                        outShape = new int[] {1, l.outChannels()}; // keep_dims false, as the converter writes it
                    }
                    int out = b.activation(l.name(), outShape, outQ);
                    if (!mean) {
                        b.op(BuiltinOp.AVERAGE_POOL_2D, version(2), new int[] {cur}, out, OPT_POOL,
                                new Table().i8(0, VALID).put(1, 1).put(2, 1).put(3, l.in().w()).put(4, l.in().h())
                                        .i8(5, 0));
                    } else {
                        int axes = b.ints(l.name() + "/axes", new int[] {2}, new int[] {1, 2});
                        b.op(BuiltinOp.MEAN, version(2), new int[] {cur, axes}, out, OPT_REDUCER,
                                new Table().put(0, false));
                    }
                    cur = out;
                }
                case FC -> {
                    int out = b.activation(l.name(), outShape, outQ);
                    int bias = bias(l);
                    if (gates.contains(l.name())) {
                        b.op(BuiltinOp.CONV_2D, version(3), new int[] {cur, weights(l, Layout.OHWI), bias}, out, OPT_CONV,
                                new Table().i8(0, VALID).put(1, 1).put(2, 1).i8(3, activation(l.activation())));
                    } else {
                        b.op(BuiltinOp.FULLY_CONNECTED, version(4), new int[] {cur, weights(l, Layout.FC), bias}, out,
                                OPT_FC, new Table().i8(0, activation(l.activation())));
                    }
                    cur = unfused(l, out, outShape);
                }
                case SCALE -> {
                    // Squeeze-and-excite: the map times its gate, broadcast over the map's pixels.
                    int out = b.activation(l.name(), outShape, outQ);
                    b.op(BuiltinOp.MUL, 1, new int[] {outputs.get(l.addend()), cur}, out, OPT_MUL,
                            new Table().i8(0, 0));
                    cur = out;
                }
                case SOFTMAX -> {
                    int out = b.activation(l.name(), outShape, outQ);
                    b.op(BuiltinOp.SOFTMAX, version(2), new int[] {cur}, out, OPT_SOFTMAX, new Table().put(0, 1f));
                    cur = out;
                }
                case SIGMOID -> {
                    int out = b.activation(l.name(), outShape, outQ);
                    b.op(BuiltinOp.LOGISTIC, version(2), new int[] {cur}, out, 0, null);
                    cur = out;
                }
                default -> throw new UnsupportedModelException("layer " + l.name() + " (" + l.kind().id()
                        + ") cannot be written to TFLite");
            }
            outputs.put(l.name(), cur);
            curQ = outQ;
            curShape = outShape;
        }
        if (q != null && q.fileOutput() != null) {
            int out = b.activation("output", curShape, q.fileOutput());
            b.op(BuiltinOp.QUANTIZE, q.fileOutput().type() == QuantType.INT8 ? 2 : 1, new int[] {cur}, out, 0, null);
            cur = out;
        } else if (q != null && !q.quantizedOutput()) {
            int out = b.activation("output", curShape, null);
            b.op(BuiltinOp.DEQUANTIZE, curQ.type() == QuantType.INT8 ? 2 : 1, new int[] {cur}, out, 0, null);
            cur = out;
        }
        TfliteMetadataWriter.addTo(b, model);
        byte[] fb = b.build(input, cur, "mobilenet " + model.describe());
        return TfliteMetadataWriter.withAssociatedFiles(fb, model);
    }

    /** The operator version for a quantized int8 model ({@code int8Version}), else 1. */
    private int version(int int8Version) {
        return q != null && q.input().type() == QuantType.INT8 ? int8Version : 1;
    }

    private static boolean sameQuant(QuantParams a, QuantParams b) {
        return a.type() == b.type() && a.scale() == b.scale() && a.zeroPoint() == b.zeroPoint();
    }

    /** TFLite's fused activation code: NONE for v3's, which follow as operators of their own ({@link #unfused}). */
    static int activation(Activation a) {
        return switch (a) {
            case NONE, HARD_SWISH, HARD_SIGMOID -> 0;
            case RELU -> 1;
            case RELU6 -> 3;
        };
    }

    /**
     * The operators of an activation TFLite does not fuse, after the layer's output {@code out} (float
     * models only): HARD_SWISH, or the hard sigmoid as ADD 3 with ReLU6 fused and MUL by 1/6 (TensorFlow's
     * converter's form). Returns the activated tensor ({@code out} for a fused activation).
     */
    private int unfused(LayerSpec l, int out, int[] shape) {
        return switch (l.activation()) {
            case HARD_SWISH -> {
                int y = b.activation(l.name() + "/hard_swish", shape, null);
                b.op(BuiltinOp.HARD_SWISH, 1, new int[] {out}, y, 0, null);
                yield y;
            }
            case HARD_SIGMOID -> {
                int shifted = b.activation(l.name() + "/add", shape, null);
                b.op(BuiltinOp.ADD, 1, new int[] {out, b.floats(l.name() + "/add/y", new int[0], new float[] {3f})},
                        shifted, OPT_ADD, new Table().i8(0, activation(Activation.RELU6)));
                int y = b.activation(l.name() + "/mul", shape, null);
                b.op(BuiltinOp.MUL, 1, new int[] {shifted, b.floats(l.name() + "/mul/y", new int[0],
                        new float[] {1f / 6})}, y, OPT_MUL, new Table().i8(0, 0));
                yield y;
            }
            default -> out;
        };
    }

    /** The dense layers of squeeze-and-excite blocks: those between a pooling and the SCALE that follows it. */
    private static java.util.Set<String> squeezeExciteDense(List<LayerSpec> layers) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).kind() != LayerKind.SCALE) {
                continue;
            }
            for (int j = i - 1; j >= 0 && layers.get(j).kind() == LayerKind.FC; j--) {
                out.add(layers.get(j).name());
            }
        }
        return out;
    }

    /** SAME or VALID when the layer's pads are what that padding gives, else -1 (a PAD operator is needed). */
    static int padding(LayerSpec l) {
        Pads p = l.pads();
        if (p.equals(TfliteGraphMapper.pads(SAME, l.in(), l.kernel(), l.stride(), l.name()))) {
            return SAME;
        }
        return p.equals(Pads.NONE) ? VALID : -1;
    }

    /** A PAD operator giving the layer's pads explicitly; returns the padded tensor. */
    private int pad(LayerSpec l, int in, QuantParams inQ) {
        Pads p = l.pads();
        Shape s = l.in();
        int paddings = b.ints(l.name() + "/paddings", new int[] {4, 2},
                new int[] {0, 0, p.top(), p.bottom(), p.left(), p.right(), 0, 0});
        int out = b.activation(l.name() + "/padded", new int[] {1, s.h() + p.top() + p.bottom(),
                s.w() + p.left() + p.right(), s.c()}, inQ);
        b.op(BuiltinOp.PAD, version(2), new int[] {in, paddings}, out, 0, null);
        return out;
    }

    /** The weight layouts of TFLite. */
    enum Layout { OHWI, DEPTHWISE, FC }

    private int weights(LayerSpec l, Layout layout) {
        String name = TensorNames.weight(l.name());
        int o = l.outChannels();
        int k = l.kernel();
        int in = l.inChannels();
        int[] shape = switch (layout) {
            case OHWI -> new int[] {o, k, k, in};
            case DEPTHWISE -> new int[] {1, k, k, o};
            case FC -> new int[] {o, in};
        };
        WeightLayout file = switch (layout) {
            case OHWI -> WeightLayout.OHWI;
            case DEPTHWISE -> WeightLayout.DEPTHWISE;
            case FC -> null; // [O, I] is the same in both
        };
        int inPerGroup = layout == Layout.DEPTHWISE ? 1 : in;
        if (q == null) {
            float[] w = model.tensor(name).data();
            float[] v = file == null ? w : file.fromTorch(w, o, inPerGroup, k);
            return half ? b.halves(name, shape, v) : b.floats(name, shape, v);
        }
        QuantizedTensor qt = q.tensor(name);
        int[] v = qt.values();
        return b.quantized(name, shape, file == null ? v : file.fromTorch(v, o, inPerGroup, k), qt.quant(),
                layout == Layout.DEPTHWISE ? 3 : 0);
    }

    /** The bias tensor, or -1 (no input) for a conv without one. */
    private int bias(LayerSpec l) {
        String name = TensorNames.bias(l.name());
        int[] shape = {l.outChannels()};
        if (q == null) {
            if (!model.has(name)) {
                return -1;
            }
            return half ? b.halves(name, shape, model.tensor(name).data()) : b.floats(name, shape, model.tensor(name).data());
        }
        QuantizedTensor qt = q.tensor(name);
        if (qt == null) {
            if (model.has(name)) {
                throw new UnsupportedModelException("layer " + l.name() + " has a float bias but no int32 one;"
                        + " a quantized TFLite layer needs its bias quantized");
            }
            return -1;
        }
        return b.quantized(name, shape, qt.values(), qt.quant(), 0);
    }

}
