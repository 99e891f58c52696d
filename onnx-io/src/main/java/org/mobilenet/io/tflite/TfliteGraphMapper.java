package org.mobilenet.io.tflite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

/**
 * Walks a TFLite subgraph from its input along a single chain of operators and recognises a MobileNet
 * v1: CONV_2D / DEPTHWISE_CONV_2D (depth multiplier 1, no dilation, square kernels and strides,
 * fused ReLU6) with SAME or VALID padding turned into explicit TensorFlow pads; a global
 * AVERAGE_POOL_2D or MEAN over H and W; optionally a classifier (FULLY_CONNECTED, or a 1x1 CONV_2D as
 * in the TF-slim / Coral models) with no activation; RESHAPE and SQUEEZE after pooling; SOFTMAX with
 * beta 1 at the end. Any other operator, or a graph that branches, is refused with a message naming it.
 *
 * <p>Layouts: CONV_2D weights are OHWI {@code [Cout, KH, KW, Cin]} and become {@code [Cout, Cin, KH, KW]};
 * DEPTHWISE_CONV_2D weights are {@code [1, KH, KW, C]} and become {@code [C, 1, KH, KW]}.
 *
 * <p>Activation: the engine applies ReLU6 after every body convolution. A fused RELU is accepted
 * when the op's quantized output range already stops at 6 or below (then the two are the same);
 * NONE and other activations in the body are refused.
 */
final class TfliteGraphMapper {
    private static final int SAME = 0;
    private static final int VALID = 1;
    private static final int ACT_NONE = 0;
    private static final int ACT_RELU = 1;
    private static final int ACT_RELU6 = 3;

    private final TfliteFile file;
    private final TensorDecoder decoder;

    TfliteGraphMapper(TfliteFile file) {
        this.file = file;
        this.decoder = new TensorDecoder(file);
    }

    private enum Phase { BODY, POOLED, CLASSIFIED, DONE }

    TfliteGraph map() {
        int[] inputs = file.inputs();
        if (inputs.length != 1) {
            throw new FlatBufferException("expected one graph input (the image), found " + inputs.length);
        }
        TfliteTensor input = file.tensor(inputs[0]);
        int[] s = input.shape();
        if (s.length != 4 || s[0] != 1 || s[3] != 3 || s[1] < 1 || s[1] != s[2]) {
            throw new FlatBufferException("expected the input to be a square RGB image [1, H, H, 3], found "
                    + input.describe());
        }
        Shape cur = new Shape(s[1], s[2], s[3]);
        int curTensor = inputs[0];
        List<TfliteGraph.Conv> convs = new ArrayList<>();
        TfliteGraph.Classifier classifier = null;
        boolean softmax = false;
        Phase phase = Phase.BODY;
        for (TfliteOperator op : file.operators()) {
            if (op.input(0) != curTensor || op.outputs().length != 1) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name()
                        + ") does not continue a single chain from the input; expected a linear MobileNet graph");
            }
            TfliteTensor outT = file.tensor(op.outputs()[0]);
            Shape next;
            switch (op.code()) {
                case BuiltinOp.CONV_2D, BuiltinOp.DEPTHWISE_CONV_2D -> {
                    if (phase == Phase.POOLED && op.code() == BuiltinOp.CONV_2D) {
                        classifier = classifier(op, cur, true);
                        next = new Shape(1, 1, classifier.classes());
                        phase = Phase.CLASSIFIED;
                    } else {
                        requirePhase(op, phase, Phase.BODY);
                        TfliteGraph.Conv c = conv(op, cur);
                        convs.add(c);
                        next = c.out();
                    }
                }
                case BuiltinOp.AVERAGE_POOL_2D, BuiltinOp.MEAN -> {
                    requirePhase(op, phase, Phase.BODY);
                    if (convs.isEmpty()) {
                        throw new FlatBufferException("operator " + op.index() + " (" + op.name()
                                + ") comes before any convolution");
                    }
                    checkGlobalPool(op, cur);
                    next = new Shape(1, 1, cur.c());
                    phase = Phase.POOLED;
                }
                case BuiltinOp.FULLY_CONNECTED -> {
                    requirePhase(op, phase, Phase.POOLED);
                    classifier = classifier(op, cur, false);
                    next = new Shape(1, 1, classifier.classes());
                    phase = Phase.CLASSIFIED;
                }
                case BuiltinOp.RESHAPE, BuiltinOp.SQUEEZE -> {
                    if (phase == Phase.BODY) {
                        throw new FlatBufferException("operator " + op.index() + " (" + op.name()
                                + ") reshapes a spatial feature map; only reshapes after pooling are supported");
                    }
                    if (outT.elementCount() != cur.c()) {
                        throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") turns " + cur.c()
                                + " values into " + outT.describe());
                    }
                    next = cur;
                }
                case BuiltinOp.SOFTMAX -> {
                    requirePhase(op, phase, Phase.CLASSIFIED);
                    float beta = op.options() == null ? 1f : op.options().f32(0, 1f);
                    if (beta != 1f) {
                        throw new FlatBufferException("operator " + op.index() + " (SOFTMAX) has beta " + beta
                                + "; only beta 1 is supported");
                    }
                    softmax = true;
                    next = cur;
                    phase = Phase.DONE;
                }
                default -> throw new FlatBufferException("operator " + op.index() + " is " + op.name()
                        + ", which a MobileNet v1 import does not support (supported: CONV_2D, DEPTHWISE_CONV_2D,"
                        + " AVERAGE_POOL_2D, MEAN, FULLY_CONNECTED, RESHAPE, SQUEEZE, SOFTMAX)");
            }
            checkDeclaredShape(op, outT, next);
            cur = next;
            curTensor = op.outputs()[0];
        }
        if (phase == Phase.BODY) {
            throw new FlatBufferException("the graph has no global average pooling; expected a MobileNet v1");
        }
        int[] outputs = file.outputs();
        if (outputs.length != 1 || outputs[0] != curTensor) {
            throw new FlatBufferException("expected the graph's only output to be the end of the chain (tensor "
                    + curTensor + "), found outputs " + Arrays.toString(outputs));
        }
        return new TfliteGraph(input, s[1], List.copyOf(convs), classifier, softmax);
    }

    private static void requirePhase(TfliteOperator op, Phase phase, Phase want) {
        if (phase != want) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") is out of place: "
                    + "expected it " + switch (want) {
                        case BODY -> "before the global pooling";
                        case POOLED -> "right after the global pooling";
                        case CLASSIFIED -> "right after the classifier";
                        case DONE -> "at the end";
                    });
        }
    }

    private static void checkDeclaredShape(TfliteOperator op, TfliteTensor out, Shape computed) {
        int[] d = out.shape();
        boolean ok;
        if (d.length == 4) {
            ok = d[0] == 1 && d[1] == computed.h() && d[2] == computed.w() && d[3] == computed.c();
        } else {
            ok = computed.h() == 1 && computed.w() == 1 && out.elementCount() == computed.c();
        }
        if (!ok) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") declares output "
                    + out.describe() + " but its inputs give " + computed);
        }
    }

    private TfliteGraph.Conv conv(TfliteOperator op, Shape in) {
        boolean depthwise = op.code() == BuiltinOp.DEPTHWISE_CONV_2D;
        FbTable o = options(op);
        int padding = o.i8(0, SAME);
        int strideW = o.i32(1, 0);
        int strideH = o.i32(2, 0);
        int act = depthwise ? o.i8(4, ACT_NONE) : o.i8(3, ACT_NONE);
        int dilW = o.i32(depthwise ? 5 : 4, 1);
        int dilH = o.i32(depthwise ? 6 : 5, 1);
        String where = "operator " + op.index() + " (" + op.name() + ")";
        if (strideW != strideH || strideW < 1 || strideW > 2) {
            throw new FlatBufferException(where + " has strides " + strideH + "x" + strideW
                    + "; expected equal strides of 1 or 2");
        }
        if (dilW != 1 || dilH != 1) {
            throw new FlatBufferException(where + " has dilation " + dilH + "x" + dilW + "; expected 1");
        }
        TfliteTensor wt = constant(op, 1, "weights");
        int[] ws = wt.shape();
        if (ws.length != 4 || ws[1] != ws[2] || ws[1] < 1) {
            throw new FlatBufferException(where + ": expected square 4-d weights, found " + wt.describe());
        }
        int k = ws[1];
        int cout;
        float[] w = decoder.weights(wt);
        float[] torch;
        LayerKind kind;
        if (depthwise) {
            if (ws[0] != 1 || ws[3] != in.c()) {
                throw new FlatBufferException(where + ": expected depthwise weights [1, " + k + ", " + k + ", " + in.c()
                        + "] (depth multiplier 1), found " + wt.describe());
            }
            int dm = o.i32(3, 1);
            if (dm != 1) {
                throw new FlatBufferException(where + " has depth multiplier " + dm + "; expected 1");
            }
            cout = in.c();
            torch = depthwiseToTorch(w, k, cout);
            kind = LayerKind.DEPTHWISE;
        } else {
            if (ws[3] != in.c()) {
                throw new FlatBufferException(where + ": weights " + wt.describe() + " expect " + ws[3]
                        + " input channels, the feature map has " + in.c());
            }
            cout = ws[0];
            torch = ohwiToTorch(w, cout, k, in.c());
            kind = k == 1 && strideW == 1 ? LayerKind.POINTWISE : LayerKind.CONV;
        }
        checkActivation(op, act);
        Pads pads = pads(padding, in, k, strideW, where);
        int oh = (in.h() + pads.top() + pads.bottom() - k) / strideW + 1;
        int ow = (in.w() + pads.left() + pads.right() - k) / strideW + 1;
        if (oh < 1 || ow < 1) {
            throw new FlatBufferException(where + ": a " + k + "x" + k + " kernel does not fit the " + in + " input");
        }
        float[] bias = null;
        int bi = op.input(2);
        if (bi >= 0) {
            bias = decoder.bias(file.tensor(bi), file.tensor(op.input(0)), wt, cout);
        }
        return new TfliteGraph.Conv(op.index(), kind, k, strideW, pads, in, new Shape(oh, ow, cout), torch, bias);
    }

    private TfliteGraph.Classifier classifier(TfliteOperator op, Shape in, boolean conv) {
        String where = "operator " + op.index() + " (" + op.name() + ")";
        FbTable o = options(op);
        int act = conv ? o.i8(3, ACT_NONE) : o.i8(0, ACT_NONE);
        if (act != ACT_NONE) {
            throw new FlatBufferException(where + " is the classifier but has fused activation " + act
                    + "; expected NONE");
        }
        TfliteTensor wt = constant(op, 1, "weights");
        int[] ws = wt.shape();
        int classes;
        if (conv) {
            if (ws.length != 4 || ws[1] != 1 || ws[2] != 1 || ws[3] != in.c() || o.i32(1, 1) != 1
                    || o.i32(2, 1) != 1) {
                throw new FlatBufferException(where + ": expected a 1x1 stride-1 classifier on " + in.c()
                        + " features, found weights " + wt.describe());
            }
            classes = ws[0];
        } else {
            if (ws.length != 2 || ws[1] != in.c()) {
                throw new FlatBufferException(where + ": expected weights [classes, " + in.c() + "], found "
                        + wt.describe());
            }
            classes = ws[0];
        }
        if (classes < 1) {
            throw new FlatBufferException(where + " has no classes");
        }
        float[] w = decoder.weights(wt);
        int bi = op.input(2);
        float[] bias = bi >= 0 ? decoder.bias(file.tensor(bi), file.tensor(op.input(0)), wt, classes)
                : new float[classes];
        return new TfliteGraph.Classifier(op.index(), classes, in.c(), w, bias);
    }

    private void checkGlobalPool(TfliteOperator op, Shape in) {
        String where = "operator " + op.index() + " (" + op.name() + ")";
        if (op.code() == BuiltinOp.MEAN) {
            TfliteTensor axes = constant(op, 1, "axes");
            int[] a = decoder.ints(axes);
            int[] sorted = a.clone();
            Arrays.sort(sorted);
            if (!Arrays.equals(sorted, new int[] {1, 2})) {
                throw new FlatBufferException(where + " averages over axes " + Arrays.toString(a)
                        + "; expected the spatial axes [1, 2]");
            }
            return;
        }
        FbTable o = options(op);
        int fw = o.i32(3, 0);
        int fh = o.i32(4, 0);
        int act = o.i8(5, ACT_NONE);
        // The declared output shape is checked to be 1x1xC afterwards, so SAME padding is fine too.
        boolean whole = fw == in.w() && fh == in.h();
        if (!whole) {
            throw new FlatBufferException(where + " pools " + fh + "x" + fw + " over a " + in
                    + " feature map; expected a global average pool");
        }
        if (act != ACT_NONE) {
            throw new FlatBufferException(where + " has a fused activation; expected NONE");
        }
    }

    private void checkActivation(TfliteOperator op, int act) {
        if (act == ACT_RELU6) {
            return;
        }
        if (act == ACT_RELU) {
            TfliteTensor out = file.tensor(op.outputs()[0]);
            Quantization q = out.quantization();
            if (q.present() && q.perTensor() && out.type() == TensorType.UINT8
                    && q.scale()[0] * (255 - q.zeroPointAt(0)) <= 6.0f + 1e-4f) {
                return;
            }
            if (q.present() && q.perTensor() && out.type() == TensorType.INT8
                    && q.scale()[0] * (127 - q.zeroPointAt(0)) <= 6.0f + 1e-4f) {
                return;
            }
        }
        throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") has fused activation "
                + switch (act) {
                    case ACT_NONE -> "NONE";
                    case ACT_RELU -> "RELU (with an output range beyond 6)";
                    default -> "#" + act;
                } + "; the engine's body layers apply ReLU6");
    }

    private static FbTable options(TfliteOperator op) {
        if (op.options() == null) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") has no options");
        }
        return op.options();
    }

    private TfliteTensor constant(TfliteOperator op, int input, String what) {
        int id = op.input(input);
        if (id < 0) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") has no " + what);
        }
        TfliteTensor t = file.tensor(id);
        if (!decoder.isConstant(t)) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + "): " + what + " "
                    + t.describe() + " is not a constant");
        }
        return t;
    }

    /** TensorFlow's explicit pads for SAME (extra row/column at the bottom/right) or VALID. */
    static Pads pads(int padding, Shape in, int k, int stride, String where) {
        if (padding == VALID) {
            return Pads.NONE;
        }
        if (padding != SAME) {
            throw new FlatBufferException(where + " has unknown padding " + padding);
        }
        int th = Math.max(((in.h() + stride - 1) / stride - 1) * stride + k - in.h(), 0);
        int tw = Math.max(((in.w() + stride - 1) / stride - 1) * stride + k - in.w(), 0);
        return new Pads(th / 2, tw / 2, th - th / 2, tw - tw / 2);
    }

    /** OHWI {@code [O, K, K, I]} to {@code [O, I, K, K]}. */
    static float[] ohwiToTorch(float[] w, int o, int k, int in) {
        if (k == 1) {
            return w.clone(); // [O, 1, 1, I] and [O, I, 1, 1] are the same order
        }
        float[] out = new float[w.length];
        for (int oc = 0; oc < o; oc++) {
            for (int y = 0; y < k; y++) {
                for (int x = 0; x < k; x++) {
                    for (int ic = 0; ic < in; ic++) {
                        out[((oc * in + ic) * k + y) * k + x] = w[((oc * k + y) * k + x) * in + ic];
                    }
                }
            }
        }
        return out;
    }

    /** Depthwise {@code [1, K, K, C]} to {@code [C, 1, K, K]}. */
    static float[] depthwiseToTorch(float[] w, int k, int c) {
        float[] out = new float[w.length];
        for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(ch * k + y) * k + x] = w[(y * k + x) * c + ch];
                }
            }
        }
        return out;
    }
}
