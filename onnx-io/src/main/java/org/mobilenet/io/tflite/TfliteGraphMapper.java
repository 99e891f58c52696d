package org.mobilenet.io.tflite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.io.InputRescale;
import org.mobilenet.io.WeightLayout;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;

/**
 * Walks a TFLite subgraph from its input along a chain of operators and maps it onto the engine's
 * layers ({@link LayerGraph}): CONV_2D / DEPTHWISE_CONV_2D (depth multiplier 1, no dilation, square
 * kernels and strides of 1 or 2) with SAME or VALID padding turned into explicit TensorFlow pads and
 * their fused activation; ADD of the chain's current tensor and an earlier layer's output of the same
 * shape (a residual add, MobileNet v2); a global AVERAGE_POOL_2D or MEAN over H and W; optionally a
 * classifier (FULLY_CONNECTED, or a 1x1 CONV_2D as in the TF-slim / Coral models); RESHAPE and SQUEEZE
 * after pooling (a RESHAPE's shape computed at run time is passed over: {@link #findShapeComputations}); SOFTMAX with beta 1, or LOGISTIC (a sigmoid head), at the end. Any other operator, or a graph that branches
 * otherwise, is refused with a message naming it (HARD_SWISH as MobileNet v3's activation).
 * Recognizing the architecture (v1, v2 or neither) is the importer's job.
 *
 * <p>Layouts: CONV_2D weights are OHWI {@code [Cout, KH, KW, Cin]} and become {@code [Cout, Cin, KH, KW]};
 * DEPTHWISE_CONV_2D weights are {@code [1, KH, KW, C]} and become {@code [C, 1, KH, KW]}.
 *
 * <p>Activations: fused NONE, RELU6 and RELU become the layer's own, but a quantized layer's output
 * range can say more: one that starts at 0 clamps there, so a body convolution's fused NONE over it is
 * ReLU, and a range that also stops at 6 (within half a step) makes a fused NONE or RELU ReLU6 (the integer runtime clamps to the
 * range: TF's converter writes its classic uint8 MobileNets with no fused activation and [0, 6] outputs,
 * the Coral ones with RELU6); other fused activations are refused.
 */
final class TfliteGraphMapper {
    private static final int SAME = 0;
    private static final int VALID = 1;
    private static final int ACT_NONE = 0;
    private static final int ACT_RELU = 1;
    private static final int ACT_RELU_N1_TO_1 = 2;
    private static final int ACT_RELU6 = 3;
    private static final int ACT_TANH = 4;
    private static final int ACT_SIGN_BIT = 5;

    /** The operators this mapper supports, for messages. */
    static final String SUPPORTED = "CONV_2D, DEPTHWISE_CONV_2D, ADD, AVERAGE_POOL_2D, MEAN, FULLY_CONNECTED,"
            + " RESHAPE, SQUEEZE, SOFTMAX or LOGISTIC (and RELU, RELU6 between fully connected layers; PAD before a convolution;"
            + " QUANTIZE at the input or the output, DEQUANTIZE at the output)";

    private final TfliteFile file;
    private final TensorDecoder decoder;
    /**
     * The DEQUANTIZE operators that turn a stored constant into the float32 tensor an operator reads
     * (each output tensor to its constant input), and their operator indices. TFLite's converter writes
     * them for float16 weights (post-training float16 quantization: every weight and bias FLOAT16,
     * each behind a DEQUANTIZE) and for 8-bit weights an operator takes as floats: the constant is
     * decoded in their place, and they are not layers.
     */
    private final Map<Integer, Integer> storedAs = new HashMap<>();
    private final java.util.Set<Integer> weightDequantizers = new java.util.HashSet<>();
    /** Operators computing a RESHAPE's shape at run time ({@link #findShapeComputations}), skipped. */
    private final java.util.Set<Integer> shapeComputations = new java.util.HashSet<>();
    /** SHAPE and the integer operators TF2 builds a shape with. */
    private static final java.util.Set<Integer> SHAPE_MATH = java.util.Set.of(BuiltinOp.SHAPE, BuiltinOp.STRIDED_SLICE,
            BuiltinOp.PACK, BuiltinOp.CONCATENATION, BuiltinOp.CAST, BuiltinOp.GATHER, BuiltinOp.SLICE);

    TfliteGraphMapper(TfliteFile file) {
        this.file = file;
        this.decoder = new TensorDecoder(file);
    }

    /**
     * Finds the DEQUANTIZE operators of constants (see {@link #storedAs}): one FLOAT16, UINT8 or INT8
     * constant in, one FLOAT32 tensor of the same shape out, which no other operator writes.
     */
    private void findWeightDequantizers() {
        for (TfliteOperator op : file.operators()) {
            if (op.code() != BuiltinOp.DEQUANTIZE || op.inputs().length != 1 || op.outputs().length != 1
                    || op.input(0) < 0) {
                continue;
            }
            TfliteTensor in = file.tensor(op.input(0));
            if (!decoder.isConstant(in)) {
                continue; // the chain's own DEQUANTIZE (a quantized model's float output)
            }
            TfliteTensor out = file.tensor(op.outputs()[0]);
            String where = "operator " + op.index() + " (DEQUANTIZE)";
            if (in.type() != TensorType.FLOAT16 && !QuantMapping.quantized8(in)) {
                throw new FlatBufferException(where + " dequantizes " + in.describe() + " of type " + in.type()
                        + "; expected a FLOAT16, UINT8 or INT8 constant");
            }
            if (out.type() != TensorType.FLOAT32 || !Arrays.equals(in.shape(), out.shape())) {
                throw new FlatBufferException(where + " turns " + in.describe() + " into " + out.describe() + " of type "
                        + out.type() + "; expected FLOAT32 of the same shape");
            }
            if (storedAs.putIfAbsent(out.index(), in.index()) != null) {
                throw new FlatBufferException(where + " writes " + out.describe()
                        + ", which another DEQUANTIZE already writes");
            }
            weightDequantizers.add(op.index());
        }
    }

    /**
     * The operators that only compute a RESHAPE's new shape at run time: TF2 writes a Keras Flatten with
     * an unknown batch as SHAPE of the pooled tensor, STRIDED_SLICE of its batch, PACK with -1, then
     * RESHAPE. They start at a SHAPE, read only constants and each other, and feed only each other and
     * RESHAPE's shape operand; the import skips them (a RESHAPE after pooling keeps the values, whatever
     * its shape operand says). Operators that do anything else are left in the walk, to be refused there.
     */
    private void findShapeComputations() {
        java.util.Set<Integer> ops = new java.util.HashSet<>();
        java.util.Set<Integer> computed = new java.util.HashSet<>(); // tensors those operators write
        boolean grew = true;
        while (grew) {
            grew = false;
            for (TfliteOperator op : file.operators()) {
                if (ops.contains(op.index()) || !SHAPE_MATH.contains(op.code())) {
                    continue;
                }
                // A SHAPE reads only its input's shape; the others must read computed tensors or constants.
                boolean reads = false;
                boolean onlyShapes = true;
                for (int i = 0; i < op.inputs().length && onlyShapes; i++) {
                    int t = op.input(i);
                    if (t < 0) {
                        continue;
                    }
                    if (op.code() == BuiltinOp.SHAPE && i == 0 || computed.contains(t)) {
                        reads = true;
                    } else if (!decoder.isConstant(file.tensor(t))) {
                        onlyShapes = false;
                    }
                }
                if (reads && onlyShapes) {
                    ops.add(op.index());
                    for (int t : op.outputs()) {
                        computed.add(t);
                    }
                    grew = true;
                }
            }
        }
        // Their results may be read by nothing but each other and a RESHAPE's second operand.
        for (TfliteOperator op : file.operators()) {
            if (ops.contains(op.index())) {
                continue;
            }
            for (int i = 0; i < op.inputs().length; i++) {
                if (computed.contains(op.input(i)) && !(op.code() == BuiltinOp.RESHAPE && i == 1)) {
                    return; // used otherwise: leave them all to the walk
                }
            }
        }
        for (int t : file.outputs()) {
            if (computed.contains(t)) {
                return;
            }
        }
        shapeComputations.addAll(ops);
    }

    /** Tensor {@code id}, or the constant a weight DEQUANTIZE reads when it wrote {@code id}. */
    private TfliteTensor stored(int id) {
        Integer from = storedAs.get(id);
        return file.tensor(from != null ? from : id);
    }

    /** The RELU and RELU6 builtin operators (an activation of its own, not fused). */
    private static final int RELU_OP = 19;
    private static final int RELU6_OP = 21;

    private enum Phase { BODY, POOLED, CLASSIFIED, DONE }

    /** The body's map as a tensor: itself, its pixels as rows [H * W, C], or one vector [1, H * W * C]. */
    private enum View { MAP, ROWS, FLAT }

    /** Where a squeeze-and-excite block is: pooled, squeezed (first dense), excited (second), shifted (+3), gated (x 1/6). */
    private enum SeStage { NONE, POOLED, SQUEEZED, EXCITED, SHIFTED, GATED }

    /** Whether a MUL other than {@code pool} reads {@code tensor} (a squeeze-and-excite's scaling of it). */
    private boolean readByMul(int tensor, TfliteOperator pool) {
        for (TfliteOperator o : file.operators()) {
            if (o != pool && o.code() == BuiltinOp.MUL) {
                for (int in : o.inputs()) {
                    if (in == tensor) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The value of a scalar constant input (dequantized). */
    private float scalar(TfliteOperator op, int input) {
        float[] v = decoder.weights(constant(op, input, "constant"));
        if (v.length != 1) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") has a constant of "
                    + v.length + " values; expected a scalar");
        }
        return v[0];
    }

    private static FlatBufferException seOutOfPlace(TfliteOperator op, String expected) {
        return new FlatBufferException("operator " + op.index() + " (" + op.name() + ") is out of place in a"
                + " squeeze-and-excite block: expected " + expected);
    }

    TfliteGraph map() {
        int[] inputs = file.inputs();
        if (inputs.length != 1) {
            throw new FlatBufferException("expected one graph input (the image), found " + inputs.length);
        }
        TfliteTensor input = file.tensor(inputs[0]);
        int[] s = input.shape();
        if (s.length != 4 || s[0] != 1 || (s[3] != 3 && s[3] != 1) || s[1] < 1 || s[2] < 1) {
            throw new FlatBufferException("expected the input to be an image [1, H, W, 3] (or [1, H, W, 1], gray),"
                    + " found " + input.describe());
        }
        Shape inShape = new Shape(s[1], s[2], s[3]);
        Shape cur = inShape;
        int curTensor = inputs[0];
        List<LayerSpec> specs = new ArrayList<>();
        List<TfliteGraph.Layer> layers = new ArrayList<>();
        // Which layer wrote each tensor (RESHAPE and SQUEEZE pass their input's on); the input is -1.
        Map<Integer, Integer> producer = new HashMap<>();
        producer.put(curTensor, -1);
        boolean pooled = false;
        Phase phase = Phase.BODY;
        // A PAD's pads, waiting for the convolution that reads its output to take them as its own.
        Pads pending = null;
        TfliteTensor quantized = null;
        boolean dequantized = false;
        // The graph's own input preprocessing before its first layer, x * scale + shift (null: none).
        InputRescale rescale = null;
        List<TfliteGraph.RescaleOp> rescaleOps = new ArrayList<>();
        findWeightDequantizers();
        findShapeComputations();
        // How the body's map is held when a dense layer reads it unpooled (see FULLY_CONNECTED).
        View view = View.MAP;
        // A squeeze-and-excite block in progress (MobileNet v3): the map it scales, its layer, its stage.
        int seMap = -1;
        Shape seShape = null;
        String seLayer = null;
        SeStage se = SeStage.NONE;
        for (TfliteOperator op : file.operators()) {
            if (weightDequantizers.contains(op.index()) || shapeComputations.contains(op.index())) {
                continue;
            }
            // Set by an operator whose output tensor's shape it has checked by its own rule.
            boolean declared = false;
            if (view != View.MAP && phase == Phase.BODY && op.code() != BuiltinOp.FULLY_CONNECTED
                    && op.code() != BuiltinOp.RESHAPE && op.code() != BuiltinOp.SQUEEZE) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") reads the " + cur
                        + " feature map reshaped for a dense layer; expected a FULLY_CONNECTED");
            }
            if (dequantized) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") follows the output's"
                        + " DEQUANTIZE or QUANTIZE; expected that to be the last operator");
            }
            if (pending != null && op.code() != BuiltinOp.CONV_2D && op.code() != BuiltinOp.DEPTHWISE_CONV_2D) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") reads a PAD's output;"
                        + " only a PAD before a convolution is supported");
            }
            if (op.outputs().length != 1) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") has "
                        + op.outputs().length + " outputs; expected one");
            }
            int outId = op.outputs()[0];
            if (specs.isEmpty() && pending == null && AFFINE.contains(op.code()) && !producer.containsKey(outId)
                    && !storedAs.containsKey(outId)) {
                rescale = InputRescale.then(rescale, rescaleStep(op, curTensor, cur.c()));
                boolean first = op.input(0) == curTensor;
                TfliteTensor k = constant(op, first ? 1 : 0, "constant"); // (decoded by rescaleStep above)
                rescaleOps.add(new TfliteGraph.RescaleOp(op.code(), k,
                        QuantMapping.quantized8(k) ? decoder.quantizedValues(k) : null, first, file.tensor(outId)));
                checkDeclaredShape(op, file.tensor(outId), cur);
                producer.put(outId, -1);
                curTensor = outId;
                continue;
            }
            if (producer.containsKey(outId) || storedAs.containsKey(outId)) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") writes tensor " + outId
                        + ", which the input or another operator already holds");
            }
            // MobileNet v3's squeeze-and-excite (TF's converter): the map pooled, two 1x1 CONV_2Ds, the
            // hard-sigmoid as ADD 3 with a fused RELU6 and MUL 1/6, then MUL of the map by that gate.
            if (se == SeStage.NONE && phase == Phase.BODY && !specs.isEmpty()
                    && (op.code() == BuiltinOp.AVERAGE_POOL_2D || op.code() == BuiltinOp.MEAN)
                    && op.input(0) == curTensor && readByMul(curTensor, op)) {
                checkGlobalPool(op, cur);
                seMap = curTensor;
                seShape = cur;
                seLayer = specs.get(producer.get(curTensor)).name();
                Shape pooledSe = new Shape(1, 1, cur.c());
                specs.add(new LayerSpec("layers." + specs.size(), LayerKind.AVG_POOL, cur.h(), 1, Pads.NONE, cur,
                        pooledSe, Activation.NONE, null));
                layers.add(new TfliteGraph.Layer(op.index(), null, null, null, null, file.tensor(outId)));
                producer.put(outId, specs.size() - 1);
                cur = pooledSe;
                curTensor = outId;
                se = SeStage.POOLED;
                continue;
            }
            if (se != SeStage.NONE) {
                TfliteTensor outSe = file.tensor(outId);
                String seName = "layers." + specs.size();
                switch (se) {
                    case POOLED, SQUEEZED -> {
                        if (op.code() != BuiltinOp.CONV_2D || op.input(0) != curTensor) {
                            throw seOutOfPlace(op, "a 1x1 CONV_2D of the pooled map");
                        }
                        Classifier c = classifier(op, cur, true);
                        // The squeeze's ReLU may be left to its range (fused NONE), as in a body convolution.
                        Activation act = se == SeStage.POOLED && c.act() == Activation.NONE
                                ? implied(op, Activation.NONE) : c.act();
                        specs.add(new LayerSpec(seName, LayerKind.FC, 1, 1, Pads.NONE, cur, c.out(), act, null));
                        layers.add(new TfliteGraph.Layer(op.index(), c.weight(), c.bias(), c.qWeight(), c.qBias(), outSe));
                        cur = c.out();
                        se = se == SeStage.POOLED ? SeStage.SQUEEZED : SeStage.EXCITED;
                    }
                    case EXCITED -> {
                        LayerSpec excite = specs.get(specs.size() - 1);
                        if (op.code() == BuiltinOp.ADD && op.input(0) == curTensor
                                && Math.abs(scalar(op, 1) - 3f) <= 0.02f
                                && (optionsOrDefaults(op).i8(0, ACT_NONE) == ACT_RELU6
                                        || implied(op, Activation.NONE) == Activation.RELU6)) {
                            se = SeStage.SHIFTED; // TF1's converter: ADD 3 with ReLU6 (fused or by its range)
                        } else if (op.code() == BuiltinOp.MUL && op.input(0) == curTensor
                                && Math.abs(scalar(op, 1) - 1f / 6) <= 1e-3f
                                && (excite.activation() == Activation.RELU6
                                        || implied(file.operators().get(layers.get(layers.size() - 1).op()), Activation.NONE)
                                                == Activation.RELU6)) {
                            // TF2's converter folds the +3 into the dense layer's bias and its ReLU6 into the layer:
                            // relu6(Wx + b + 3) / 6 is the hard-sigmoid of Wx + b.
                            TfliteGraph.Layer o = layers.get(layers.size() - 1);
                            float[] bias = o.bias().clone();
                            for (int i = 0; i < bias.length; i++) {
                                bias[i] -= 3f;
                            }
                            layers.set(layers.size() - 1, new TfliteGraph.Layer(o.op(), o.weight(), bias, o.qWeight(),
                                    null, outSe));
                            specs.set(specs.size() - 1, excite.withActivation(Activation.HARD_SIGMOID));
                            se = SeStage.GATED;
                        } else {
                            throw seOutOfPlace(op, "the hard-sigmoid: an ADD of 3 with ReLU6 then a MUL by 1/6, or a"
                                    + " MUL by 1/6 of a ReLU6 whose +3 is in its bias");
                        }
                    }
                    case SHIFTED -> {
                        if (op.code() != BuiltinOp.MUL || op.input(0) != curTensor
                                || Math.abs(scalar(op, 1) - 1f / 6) > 1e-3f) {
                            throw seOutOfPlace(op, "a MUL by 1/6 (the hard-sigmoid)");
                        }
                        LayerSpec excite = specs.get(specs.size() - 1);
                        specs.set(specs.size() - 1, excite.withActivation(Activation.HARD_SIGMOID));
                        layers.set(layers.size() - 1, layers.get(layers.size() - 1).withOutput(outSe));
                        se = SeStage.GATED;
                    }
                    case GATED -> {
                        if (op.code() != BuiltinOp.MUL || op.inputs().length != 2
                                || !(op.input(0) == seMap && op.input(1) == curTensor
                                        || op.input(1) == seMap && op.input(0) == curTensor)) {
                            throw seOutOfPlace(op, "a MUL of the block's map by its gate");
                        }
                        specs.add(new LayerSpec(seName, LayerKind.SCALE, 1, 1, Pads.NONE, cur, seShape,
                                Activation.NONE, seLayer));
                        layers.add(new TfliteGraph.Layer(op.index(), null, null, null, null, outSe));
                        cur = seShape;
                        se = SeStage.NONE;
                    }
                    default -> throw new IllegalStateException(se.toString());
                }
                producer.put(outId, specs.size() - 1);
                curTensor = outId;
                continue;
            }
            int addendTensor = -1;
            if (op.code() == BuiltinOp.ADD) {
                addendTensor = addend(op, curTensor);
            } else if (op.input(0) != curTensor) {
                throw new FlatBufferException("operator " + op.index() + " (" + op.name()
                        + ") does not continue a single chain from the input; expected a MobileNet graph (a chain"
                        + " of layers with residual adds)");
            }
            TfliteTensor outT = file.tensor(outId);
            String name = "layers." + specs.size();
            LayerSpec layer = null;
            TfliteGraph.Layer origin = new TfliteGraph.Layer(op.index(), null, null, null, null, outT);
            Shape next;
            switch (op.code()) {
                case BuiltinOp.CONV_2D, BuiltinOp.DEPTHWISE_CONV_2D -> {
                    if ((phase == Phase.POOLED || phase == Phase.CLASSIFIED) && op.code() == BuiltinOp.CONV_2D) {
                        // A 1x1 convolution of the pooled vector is a dense layer (TF-slim heads chain two).
                        hiddenLayerClamp(specs, curTensor);
                        Classifier c = classifier(op, cur, true);
                        layer = new LayerSpec(name, LayerKind.FC, 1, 1, Pads.NONE, cur, c.out(), c.act(), null);
                        origin = new TfliteGraph.Layer(op.index(), c.weight(), c.bias(), c.qWeight(), c.qBias(), outT);
                        phase = Phase.CLASSIFIED;
                    } else {
                        requirePhase(op, phase, Phase.BODY);
                        Conv c = conv(op, cur, pending);
                        pending = null;
                        layer = new LayerSpec(name, c.kind(), c.kernel(), c.stride(), c.pads(), cur, c.out(), c.act(),
                                null);
                        origin = new TfliteGraph.Layer(op.index(), c.weight(), c.bias(), c.qWeight(), c.qBias(), outT);
                    }
                    next = layer.out();
                }
                case BuiltinOp.ADD -> {
                    requirePhase(op, phase, Phase.BODY);
                    Integer from = producer.get(addendTensor);
                    if (from == null) {
                        throw new FlatBufferException("operator " + op.index() + " (ADD) adds tensor " + addendTensor
                                + ", which no earlier operator wrote");
                    }
                    if (from < 0) {
                        throw new FlatBufferException("operator " + op.index() + " (ADD) adds the graph input; only"
                                + " residual adds of an earlier layer's output are supported");
                    }
                    LayerSpec addend = specs.get(from);
                    if (!addend.out().equals(cur)) {
                        throw new FlatBufferException("operator " + op.index() + " (ADD) adds a " + addend.out()
                                + " map to a " + cur + " map; a residual add needs equal shapes (no broadcasting)");
                    }
                    Activation act = activation(op, optionsOrDefaults(op).i8(0, ACT_NONE));
                    layer = new LayerSpec(name, LayerKind.ADD, 1, 1, Pads.NONE, cur, cur, act, addend.name());
                    next = cur;
                }
                case BuiltinOp.AVERAGE_POOL_2D, BuiltinOp.MEAN -> {
                    if (phase == Phase.POOLED || phase == Phase.CLASSIFIED) {
                        // A second pooling of the already pooled 1x1 map (TF-slim's MobileNet v3 heads pool
                        // again before the logits): the average of one value, passed over.
                        checkGlobalPool(op, cur);
                        checkSameQuantization(op);
                        next = cur;
                        break;
                    }
                    requirePhase(op, phase, Phase.BODY);
                    if (specs.isEmpty()) {
                        throw new FlatBufferException("operator " + op.index() + " (" + op.name()
                                + ") comes before any convolution");
                    }
                    checkGlobalPool(op, cur);
                    next = new Shape(1, 1, cur.c());
                    layer = new LayerSpec(name, LayerKind.AVG_POOL, cur.h(), 1, Pads.NONE, cur, next,
                            Activation.NONE, null);
                    phase = Phase.POOLED;
                    pooled = true;
                }
                case BuiltinOp.FULLY_CONNECTED -> {
                    if (phase == Phase.BODY && !specs.isEmpty()) {
                        // A dense layer on the unpooled map: over each pixel's channels (Keras's Dense on a
                        // 4-D tensor, its rows the pixels), or over the whole map read as one vector
                        // (Flatten then Dense, as Teachable Machine's and Edge Impulse's heads have it).
                        int[] ws = constant(op, 1, "weights").shape();
                        int fanIn = ws.length == 2 ? ws[1] : -1;
                        if (view == View.ROWS && fanIn == cur.c()) {
                            Classifier c = classifier(op, new Shape(1, 1, cur.c()), false); // one pixel's
                            Shape out = new Shape(cur.h(), cur.w(), c.out().c());
                            layer = new LayerSpec(name, LayerKind.POINTWISE, 1, 1, Pads.NONE, cur, out, c.act(), null);
                            origin = new TfliteGraph.Layer(op.index(), c.weight(), c.bias(),
                                    c.qWeight() == null ? null : new QuantizedTensor(new int[] {out.c(), cur.c(), 1, 1},
                                            c.qWeight().values(), c.qWeight().quant()),
                                    c.qBias(), outT);
                            next = out;
                            declared = true; // [H * W, units]: the rows of the map
                            break;
                        }
                        if (view == View.ROWS || fanIn != cur.size()) {
                            throw new FlatBufferException("operator " + op.index() + " (FULLY_CONNECTED) reads the "
                                    + cur + " feature map unpooled with weights " + file.tensor(op.input(1)).describe()
                                    + "; expected [units, " + cur.size() + "] (the map flattened)"
                                    + (view == View.ROWS ? " or [units, " + cur.c() + "] (each pixel)" : ""));
                        }
                        phase = Phase.POOLED; // the flattened map is the feature vector
                        pooled = true;
                    }
                    // A custom head (Teachable Machine, Keras transfer learning) chains several.
                    requirePhase(op, phase == Phase.CLASSIFIED ? Phase.POOLED : phase, Phase.POOLED);
                    hiddenLayerClamp(specs, curTensor);
                    Classifier c = classifier(op, cur, false);
                    layer = new LayerSpec(name, LayerKind.FC, 1, 1, Pads.NONE, cur, c.out(), c.act(), null);
                    origin = new TfliteGraph.Layer(op.index(), c.weight(), c.bias(), c.qWeight(), c.qBias(), outT);
                    next = c.out();
                    phase = Phase.CLASSIFIED;
                }
                case BuiltinOp.RESHAPE, BuiltinOp.SQUEEZE -> {
                    if (phase == Phase.BODY) {
                        // The map as rows of pixels [H * W, C], or flattened [1, H * W * C], for a dense layer.
                        int[] d = outT.shape();
                        if (specs.isEmpty() || outT.elementCount() != cur.size()) {
                            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") reshapes a "
                                    + cur + " feature map into " + outT.describe() + "; only a dense layer's view of"
                                    + " the map (rows of pixels or one vector), or reshapes after pooling, are supported");
                        }
                        if (d.length == 2 && d[0] == cur.h() * cur.w() && d[1] == cur.c() && d[0] > 1) {
                            view = View.ROWS;
                        } else if (d.length >= 1 && d[d.length - 1] == cur.size()) {
                            view = View.FLAT;
                        } else if (!(d.length == 4 && d[1] == cur.h() && d[2] == cur.w())) {
                            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") reshapes a "
                                    + cur + " feature map into " + outT.describe() + "; expected rows of pixels [" + cur.h()
                                    * cur.w() + ", " + cur.c() + "] or one vector [1, " + cur.size() + "]");
                        }
                        next = cur;
                        declared = true;
                        break;
                    }
                    if (outT.elementCount() != cur.c()) {
                        throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") turns " + cur.c()
                                + " values into " + outT.describe());
                    }
                    next = cur;
                }
                case RELU_OP, RELU6_OP -> {
                    // An activation between the dense layers of a custom head, as its own operator.
                    LayerSpec last = specs.isEmpty() ? null : specs.get(specs.size() - 1);
                    if (phase != Phase.CLASSIFIED || last == null || last.kind() != LayerKind.FC
                            || last.activation() != Activation.NONE) {
                        throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") is out of"
                                + " place: a separate activation is supported right after a fully connected layer"
                                + " without a fused one");
                    }
                    specs.set(specs.size() - 1, last.withActivation(op.code() == RELU_OP ? Activation.RELU
                            : Activation.RELU6));
                    layers.set(layers.size() - 1, layers.get(layers.size() - 1).withOutput(outT));
                    next = cur;
                }
                case BuiltinOp.LOGISTIC -> {
                    // A binary or multi-label head: each class's own probability.
                    requirePhase(op, phase, Phase.CLASSIFIED);
                    layer = new LayerSpec(name, LayerKind.SIGMOID, 1, 1, Pads.NONE, cur, cur, Activation.NONE, null);
                    next = cur;
                    phase = Phase.DONE;
                }
                case BuiltinOp.SOFTMAX -> {
                    requirePhase(op, phase, Phase.CLASSIFIED);
                    float beta = op.options() == null ? 1f : op.options().f32(0, 1f);
                    if (beta != 1f) {
                        throw new FlatBufferException("operator " + op.index() + " (SOFTMAX) has beta " + beta
                                + "; only beta 1 is supported");
                    }
                    layer = new LayerSpec(name, LayerKind.SOFTMAX, 1, 1, Pads.NONE, cur, cur, Activation.NONE, null);
                    next = cur;
                    phase = Phase.DONE;
                }
                case BuiltinOp.PAD -> {
                    requirePhase(op, phase, Phase.BODY);
                    pending = pad(op, cur, outT);
                    next = cur;
                }
                case BuiltinOp.QUANTIZE -> {
                    if (pooled && QuantMapping.quantized8(file.tensor(op.input(0)))) {
                        // The output requantized (an int8 network's uint8 output): the last operator.
                        if (!QuantMapping.quantized8(outT) || !outT.quantization().perTensor()) {
                            throw new FlatBufferException("operator " + op.index() + " (QUANTIZE) turns the output into "
                                    + outT.describe() + " of type " + outT.type() + "; expected a UINT8 or INT8 tensor"
                                    + " with one scale");
                        }
                        dequantized = true;
                        next = cur;
                    } else {
                        if (pooled) {
                            throw new FlatBufferException("operator " + op.index() + " (QUANTIZE) quantizes the"
                                    + " output of a float network; a QUANTIZE at the end must follow a quantized one");
                        }
                        if (!specs.isEmpty() || quantized != null || op.input(0) != inputs[0]) {
                            throw new FlatBufferException("operator " + op.index() + " (QUANTIZE) is out of place:"
                                    + " expected it right after the input, or at the end");
                        }
                        boolean requantized = QuantMapping.quantized8(input) && input.quantization().perTensor();
                        if (input.type() != TensorType.FLOAT32 && !requantized || !QuantMapping.quantized8(outT)) {
                            throw new FlatBufferException("operator " + op.index() + " (QUANTIZE) turns " + input.type()
                                    + " into " + outT.type() + "; expected FLOAT32, or UINT8 or INT8 with one scale,"
                                    + " into a quantized UINT8 or INT8 tensor");
                        }
                        quantized = outT;
                        next = cur;
                    }
                }
                case BuiltinOp.DEQUANTIZE -> {
                    if (!pooled) {
                        throw new FlatBufferException("operator " + op.index() + " (DEQUANTIZE) comes before the global"
                                + " pooling; expected it at the end only");
                    }
                    dequantized = true;
                    next = cur;
                }
                case BuiltinOp.HARD_SWISH -> {
                    // MobileNet v3's activation, an operator of its own after a convolution or dense layer.
                    LayerSpec last = specs.isEmpty() ? null : specs.get(specs.size() - 1);
                    if (last == null || !last.kind().hasWeights() || last.activation() == Activation.RELU6
                            || last.activation() == Activation.HARD_SWISH || last.activation() == Activation.HARD_SIGMOID) {
                        throw new FlatBufferException("operator " + op.index() + " (HARD_SWISH) is out of place:"
                                + " expected it right after a convolution or dense layer without a fused activation");
                    }
                    // (A quantized layer's range may imply a ReLU, which the integer runtime would apply
                    // first; hard-swish of the clamped value differs from hard-swish by at most 3/8 there.)
                    specs.set(specs.size() - 1, last.withActivation(Activation.HARD_SWISH));
                    layers.set(layers.size() - 1, layers.get(layers.size() - 1).withOutput(outT));
                    next = cur;
                }
                case BuiltinOp.CUSTOM -> throw new FlatBufferException("operator " + op.index() + " is " + op.name()
                        + (op.custom() != null && op.custom().startsWith("edgetpu")
                                ? ": a model compiled for the Edge TPU runs only there; give the model as it was before"
                                        + " edgetpu_compiler"
                                : ", a custom operator, which a MobileNet import does not support (supported: "
                                        + SUPPORTED + ")"));
                default -> throw new FlatBufferException("operator " + op.index() + " is " + op.name()
                        + ", which a MobileNet import does not support (supported: " + SUPPORTED + ")");
            }
            if (op.code() != BuiltinOp.PAD && !declared) {
                checkDeclaredShape(op, outT, next);
            }
            if (layer != null) {
                specs.add(layer);
                layers.add(origin);
            }
            producer.put(outId, layer != null ? specs.size() - 1 : producer.get(curTensor));
            cur = next;
            curTensor = outId;
        }
        if (pending != null) {
            throw new FlatBufferException("the graph ends in a PAD; expected a convolution to read it");
        }
        if (!pooled) {
            throw new FlatBufferException("the graph has no global average pooling; expected a MobileNet classifier"
                    + " or feature extractor");
        }
        int[] outputs = file.outputs();
        if (outputs.length != 1 || outputs[0] != curTensor) {
            throw new FlatBufferException("expected the graph's only output to be the end of the chain (tensor "
                    + curTensor + "), found outputs " + Arrays.toString(outputs));
        }
        LayerGraph graph = new LayerGraph(LayerGraph.familyOf(specs), inShape, specs);
        return new TfliteGraph(input, graph, List.copyOf(layers), quantized, rescale, List.copyOf(rescaleOps));
    }

    /** The elementwise operators a model's own input preprocessing is made of. */
    private static final java.util.Set<Integer> AFFINE = java.util.Set.of(BuiltinOp.ADD, BuiltinOp.MUL,
            BuiltinOp.SUB, BuiltinOp.DIV);

    /**
     * One step of input preprocessing ({@link InputRescale#step}): the chain's tensor
     * times, plus, minus or divided by a constant (a scalar or one value per channel), no fused activation.
     */
    private InputRescale rescaleStep(TfliteOperator op, int curTensor, int channels) {
        String where = "operator " + op.index() + " (" + op.name() + ")";
        if (op.inputs().length != 2 || (op.input(0) != curTensor && op.input(1) != curTensor)) {
            throw new FlatBufferException(where + " before the first convolution does not take the input and a"
                    + " constant; expected a MobileNet graph (a chain of layers with residual adds)");
        }
        boolean first = op.input(0) == curTensor;
        if (op.options() != null && op.options().i8(0, ACT_NONE) != ACT_NONE) {
            throw new FlatBufferException(where + " on the input has a fused activation; expected none");
        }
        float[] constant = decoder.weights(constant(op, first ? 1 : 0, "constant"));
        InputRescale.Op kind = switch (op.code()) {
            case BuiltinOp.MUL -> InputRescale.Op.MUL;
            case BuiltinOp.ADD -> InputRescale.Op.ADD;
            case BuiltinOp.SUB -> InputRescale.Op.SUB;
            default -> InputRescale.Op.DIV;
        };
        try {
            return InputRescale.step(kind, constant, first, channels);
        } catch (IllegalArgumentException e) {
            throw new FlatBufferException(where + " on the input " + e.getMessage());
        }
    }

    /**
     * The tensor an ADD adds to the chain's current one: its other input (either may come first), which
     * must be the output of an earlier operator, not a constant.
     */
    private int addend(TfliteOperator op, int curTensor) {
        if (op.inputs().length != 2) {
            throw new FlatBufferException("operator " + op.index() + " (ADD) has " + op.inputs().length
                    + " inputs; expected two");
        }
        int a = op.input(0);
        int b = op.input(1);
        if (a != curTensor && b != curTensor) {
            throw new FlatBufferException("operator " + op.index() + " (ADD) does not add to the chain's current"
                    + " tensor " + curTensor + "; expected a MobileNet graph (a chain of layers with residual adds)");
        }
        int other = a == curTensor ? b : a;
        if (other < 0 || storedAs.containsKey(other) || decoder.isConstant(file.tensor(other))) {
            throw new FlatBufferException("operator " + op.index() + " (ADD) adds a constant; only residual adds of"
                    + " an earlier layer's output are supported");
        }
        return other;
    }

    /** A body convolution, weights in the engine's layout. */
    private record Conv(LayerKind kind, int kernel, int stride, Pads pads, Shape out, Activation act, float[] weight,
            float[] bias, QuantizedTensor qWeight, QuantizedTensor qBias) {
    }

    /** A classifier: weights {@code [classes, C]}, bias {@code [classes]} (zeros when the op has none). */
    private record Classifier(Shape out, Activation act, float[] weight, float[] bias, QuantizedTensor qWeight,
            QuantizedTensor qBias) {
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
            // A vector per image after pooling: [C], [1, C], [1, 1, C]... Only the last dimension may be
            // more than 1: a later SOFTMAX or FULLY_CONNECTED works on rows, so [2, C/2] would split it.
            ok = computed.h() == 1 && computed.w() == 1 && out.elementCount() == computed.c()
                    && (d.length == 0 || d[d.length - 1] == computed.c());
        }
        if (!ok) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") declares output "
                    + out.describe() + " but its inputs give " + computed);
        }
    }

    /**
     * The pads of a PAD operator ({@code [[0, 0], [top, bottom], [left, right], [0, 0]]}, constant
     * int32), which the next convolution takes as explicit pads of its own: a quantized PAD pads with
     * the zero point, the value that means 0, so the convolution computes the same.
     */
    private Pads pad(TfliteOperator op, Shape in, TfliteTensor out) {
        TfliteTensor pt = constant(op, 1, "paddings");
        int[] p = decoder.ints(pt);
        String where = "operator " + op.index() + " (PAD)";
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
            throw new FlatBufferException(where + " has paddings " + Arrays.toString(p) + "; expected [[0, 0], [top,"
                    + " bottom], [left, right], [0, 0]]");
        }
        for (int v : p) {
            if (v < 0 || v > 16) {
                throw new FlatBufferException(where + " has paddings " + Arrays.toString(p) + "; expected pads in [0, 16]");
            }
        }
        Pads pads = new Pads(p[2], p[4], p[3], p[5]);
        Shape padded = new Shape(in.h() + p[2] + p[3], in.w() + p[4] + p[5], in.c());
        checkDeclaredShape(op, out, padded);
        TfliteTensor src = file.tensor(op.input(0));
        if (src.quantization().present() && (!Arrays.equals(src.quantization().scale(), out.quantization().scale())
                || src.quantization().zeroPointAt(0) != out.quantization().zeroPointAt(0))) {
            throw new FlatBufferException(where + " changes the quantization of its input; expected it to keep it");
        }
        return pads;
    }

    private Conv conv(TfliteOperator op, Shape in, Pads padded) {
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
        int[] qw = null;
        LayerKind kind;
        if (depthwise && in.c() == 1 && ws[0] == 1 && ws[3] > 1) {
            // One input channel times a depth multiplier M: TensorFlow's converter writes a gray model's
            // first k x k convolution so (TFLite Micro's person detection); it is that convolution, with
            // the weights [1, k, k, M] in the order of [M, 1, k, k]. M comes from the shapes, as TFLite
            // takes it (the options' depth_multiplier is redundant, and some writers leave it 0).
            cout = ws[3];
            torch = WeightLayout.DEPTHWISE.toTorch(w, cout, 1, k);
            kind = k == 1 && strideW == 1 ? LayerKind.POINTWISE : LayerKind.CONV;
            if (QuantMapping.quantized8(wt)) {
                qw = WeightLayout.DEPTHWISE.toTorch(decoder.quantizedValues(wt), cout, 1, k);
            }
            depthwise = false;
        } else if (depthwise) {
            if (ws[0] != 1 || ws[3] != in.c()) {
                throw new FlatBufferException(where + ": depthwise weights " + wt.describe() + " on " + in.c()
                        + " channels" + (ws[0] == 1 && ws[3] % in.c() == 0 ? " (depth multiplier " + ws[3] / in.c()
                        + "): only a depth multiplier of 1 is supported, or any on a one-channel input"
                        : "; expected [1, " + k + ", " + k + ", " + in.c() + "]"));
            }
            int dm = o.i32(3, 1);
            if (dm != 1) {
                throw new FlatBufferException(where + " has depth multiplier " + dm + "; expected 1");
            }
            cout = in.c();
            torch = WeightLayout.DEPTHWISE.toTorch(w, cout, 1, k);
            kind = LayerKind.DEPTHWISE;
            if (QuantMapping.quantized8(wt)) {
                qw = WeightLayout.DEPTHWISE.toTorch(decoder.quantizedValues(wt), cout, 1, k);
            }
        } else {
            if (ws[3] != in.c()) {
                throw new FlatBufferException(where + ": weights " + wt.describe() + " expect " + ws[3]
                        + " input channels, the feature map has " + in.c());
            }
            cout = ws[0];
            torch = WeightLayout.OHWI.toTorch(w, cout, in.c(), k);
            kind = k == 1 && strideW == 1 ? LayerKind.POINTWISE : LayerKind.CONV;
            if (QuantMapping.quantized8(wt)) {
                qw = WeightLayout.OHWI.toTorch(decoder.quantizedValues(wt), cout, in.c(), k);
            }
        }
        // A body convolution's fused NONE may leave its clamp to the output range (see implied()).
        Activation activation = act == ACT_NONE ? implied(op, Activation.NONE) : activation(op, act);
        Pads pads;
        if (padded == null) {
            pads = pads(padding, in, k, strideW, where);
        } else {
            // The PAD's pads, plus the conv's own SAME pads of the padded map (none when VALID).
            Shape big = new Shape(in.h() + padded.top() + padded.bottom(), in.w() + padded.left() + padded.right(),
                    in.c());
            Pads own = pads(padding, big, k, strideW, where);
            pads = new Pads(padded.top() + own.top(), padded.left() + own.left(), padded.bottom() + own.bottom(),
                    padded.right() + own.right());
        }
        int oh = (in.h() + pads.top() + pads.bottom() - k) / strideW + 1;
        int ow = (in.w() + pads.left() + pads.right() - k) / strideW + 1;
        if (oh < 1 || ow < 1) {
            throw new FlatBufferException(where + ": a " + k + "x" + k + " kernel does not fit the " + in + " input");
        }
        float[] bias = null;
        int bi = op.input(2);
        if (bi >= 0) {
            bias = decoder.bias(stored(bi), file.tensor(op.input(0)), wt, cout);
        }
        int[] torchShape = depthwise ? new int[] {cout, 1, k, k} : new int[] {cout, in.c(), k, k};
        QuantizedTensor qWeight = qw == null ? null : quantizedWeight(wt, torchShape, qw, cout);
        QuantizedTensor qBias = qw == null || bi < 0 ? null : quantizedBias(op, wt, cout);
        return new Conv(kind, k, strideW, pads, new Shape(oh, ow, cout), activation, torch, bias, qWeight, qBias);
    }

    private Classifier classifier(TfliteOperator op, Shape in, boolean conv) {
        String where = "operator " + op.index() + " (" + op.name() + ")";
        FbTable o = options(op);
        Activation act = activation(op, conv ? o.i8(3, ACT_NONE) : o.i8(0, ACT_NONE));
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
            if (ws.length != 2 || ws[1] != in.size()) {
                throw new FlatBufferException(where + ": expected weights [classes, " + in.size() + "], found "
                        + wt.describe());
            }
            classes = ws[0];
        }
        if (classes < 1) {
            throw new FlatBufferException(where + " has no classes");
        }
        float[] w = decoder.weights(wt);
        int bi = op.input(2);
        float[] bias = bi >= 0 ? decoder.bias(stored(bi), file.tensor(op.input(0)), wt, classes)
                : new float[classes];
        QuantizedTensor qWeight = null;
        QuantizedTensor qBias = null;
        if (QuantMapping.quantized8(wt)) {
            // [classes, 1, 1, C] and [classes, C] hold the same order.
            qWeight = quantizedWeight(wt, new int[] {classes, Math.toIntExact(in.size())}, decoder.quantizedValues(wt),
                    classes);
            qBias = bi >= 0 ? quantizedBias(op, wt, classes) : QuantMapping.tensor(new int[] {classes},
                    new int[classes], biasParams(op, wt, null, classes), wt);
        }
        return new Classifier(new Shape(1, 1, classes), act, w, bias, qWeight, qBias);
    }

    /** Quantized weights in the engine layout {@code shape}; per-channel scales along its axis 0. */
    private static QuantizedTensor quantizedWeight(TfliteTensor wt, int[] shape, int[] values, int channels) {
        Quantization q = wt.quantization();
        if (!q.perTensor() && q.scale().length != channels) {
            throw new FlatBufferException(wt.describe() + " has " + q.scale().length + " quantization scales, expected 1"
                    + " or one per output channel (" + channels + ")");
        }
        return QuantMapping.tensor(shape, values, QuantMapping.params(QuantMapping.type(wt), q, channels, wt), wt);
    }

    /** An op's int32 bias (input 2) with its scales, one per weight scale; null for a float bias. */
    private QuantizedTensor quantizedBias(TfliteOperator op, TfliteTensor wt, int channels) {
        TfliteTensor bt = stored(op.input(2));
        if (bt.type() != TensorType.INT32) {
            return null; // a float bias: weights-only quantization, which the float path runs
        }
        return QuantMapping.tensor(new int[] {channels}, decoder.quantizedValues(bt), biasParams(op, wt, bt, channels),
                bt);
    }

    /** The bias quantization: the bias tensor's own, else input scale x weight scale, zero point 0. */
    private QuantParams biasParams(TfliteOperator op, TfliteTensor wt, TfliteTensor bt, int channels) {
        TfliteTensor in = file.tensor(op.input(0));
        Quantization q = bt != null ? decoder.biasQuantization(bt, in, wt, channels)
                : decoder.conventionalBias(in, wt, channels);
        return QuantMapping.params(QuantType.INT32, q, channels, bt != null ? bt : wt);
    }

    /**
     * An operator passed over in the quantized graph must not requantize: its output has the scale and
     * zero point of its input (or neither is quantized).
     */
    private void checkSameQuantization(TfliteOperator op) {
        TfliteTensor in = file.tensor(op.input(0));
        TfliteTensor out = file.tensor(op.outputs()[0]);
        boolean qi = QuantMapping.quantized8(in);
        boolean qo = QuantMapping.quantized8(out);
        if (qi != qo || qi && !QuantMapping.activation(in).equals(QuantMapping.activation(out))) {
            throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") pools a 1x1 map into "
                    + (qo ? QuantMapping.activation(out) : out.type()) + " from "
                    + (qi ? QuantMapping.activation(in) : in.type())
                    + "; a pooling of the pooled vector is supported only when it keeps its quantization");
        }
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

    /**
     * {@code fused} (NONE or RELU), or what the operator's 8-bit per-tensor output range implies when
     * that clamps more ({@link QuantParams#impliedActivation}): the integer runtime clamps to the range,
     * so a quantized file may leave its ReLU6 to it. Taken for a fused RELU anywhere, and for a fused
     * NONE in the body's convolutions and a head's hidden dense layers only ({@link #hiddenLayerClamp}; as
     * the QDQ reader does): the last classifier or a residual add whose range happened to start at 0 keeps
     * the linear activation it was written with.
     */
    private Activation implied(TfliteOperator op, Activation fused) {
        TfliteTensor out = file.tensor(op.outputs()[0]);
        if (!QuantMapping.quantized8(out) || !out.quantization().perTensor()) {
            return fused;
        }
        Activation range = QuantMapping.activation(out).impliedActivation();
        return range == Activation.NONE ? fused : range;
    }

    /**
     * When a dense layer follows another, the earlier one is a hidden layer: a fused NONE there may leave
     * its ReLU to its output range as a body convolution's may ({@link #implied}), and the float path
     * takes the clamp the integer path applies. {@code input} is the tensor the later layer reads.
     */
    private void hiddenLayerClamp(List<LayerSpec> specs, int input) {
        LayerSpec last = specs.get(specs.size() - 1);
        if (last.kind() != LayerKind.FC || last.activation() != Activation.NONE) {
            return;
        }
        TfliteTensor t = file.tensor(input);
        if (QuantMapping.quantized8(t) && t.quantization().perTensor()) {
            Activation range = QuantMapping.activation(t).impliedActivation();
            if (range != Activation.NONE) {
                specs.set(specs.size() - 1, last.withActivation(range));
            }
        }
    }

    /** The engine activation of a fused TFLite activation (see the class comment). */
    private Activation activation(TfliteOperator op, int act) {
        switch (act) {
            case ACT_NONE -> {
                return Activation.NONE;
            }
            case ACT_RELU6 -> {
                return Activation.RELU6;
            }
            case ACT_RELU -> {
                return implied(op, Activation.RELU);
            }
            default -> throw new FlatBufferException("operator " + op.index() + " (" + op.name() + ") has fused activation "
                    + switch (act) {
                        case ACT_RELU_N1_TO_1 -> "RELU_N1_TO_1";
                        case ACT_TANH -> "TANH";
                        case ACT_SIGN_BIT -> "SIGN_BIT";
                        default -> "#" + act;
                    } + ", which the engine does not run (supported: NONE, RELU, RELU6)");
        }
    }

    /** The options table, or an empty one (every field at its default) when the op has none (ADD may). */
    private static FbTable optionsOrDefaults(TfliteOperator op) {
        return op.options() != null ? op.options() : FbTable.EMPTY;
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
        TfliteTensor t = stored(id);
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
}
