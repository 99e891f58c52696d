package org.mobilenet.io.tflite;

import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.tflite.FbWriter.Floats;
import org.mobilenet.io.tflite.FbWriter.Ints;
import org.mobilenet.io.tflite.FbWriter.Table;
import org.mobilenet.io.tflite.FbWriter.Tables;

/**
 * Writes an engine model (BN folded; v1, v2 or any layer graph) as a TFLite file in code: CONV_2D /
 * DEPTHWISE_CONV_2D with SAME padding and each layer's activation fused, ADD for residual adds (the
 * earlier layer's output first when {@code addendFirst}), MEAN over [1, 2], FULLY_CONNECTED, SOFTMAX.
 * Weights float32, or int8 with per-output-channel scales (biases then float32). For import tests.
 */
public final class TfliteTestModels {
    private static final int ADD = 0;
    /** Squeeze-and-excite layers ({@code se.*}) on 4-D tensors, v3's activations as operators. */
    private boolean v3;
    /** With {@link #v3}: the hard-sigmoid as TF2's converter writes it (+3 in the bias, ReLU6 fused, MUL 1/6). */
    private boolean foldedThree;
    private static final int CONV_2D = 3;
    private static final int DEPTHWISE_CONV_2D = 4;
    private static final int FULLY_CONNECTED = 9;
    private static final int SOFTMAX = 25;
    private static final int MEAN = 40;

    private final List<Table> tensors = new ArrayList<>();
    private final List<Table> buffers = new ArrayList<>();
    private final List<Table> operators = new ArrayList<>();
    private final List<Integer> opcodes = new ArrayList<>();
    private final boolean int8;
    private final int softmaxCode;
    private boolean addendFirst;
    private boolean separateFcActivations;
    /** Weights and biases stored as FLOAT16, each behind a DEQUANTIZE (TFLite's float16 quantization). */
    private boolean float16;
    /** With {@link #float16}: all DEQUANTIZE operators first, as the converter orders them, not each before its reader. */
    private boolean dequantizeFirst;
    private final List<Table> dequantizers = new ArrayList<>();
    /** A one-channel convolution written as TF's converter writes it: DEPTHWISE_CONV_2D with a depth multiplier. */
    private boolean depthwiseStem;
    private int stemMultiplierOption = -1;
    /** Input preprocessing in the graph, as Keras writes a Rescaling layer: 0 none, 1 MUL then ADD, 2 DIV then SUB. */
    private int rescaling;
    private float rescaleK1;
    private float rescaleK2;
    /**
     * The pooling kept 4-D and flattened as TF2 writes a Keras Flatten with an unknown batch: SHAPE of the
     * pooled tensor, STRIDED_SLICE of its batch, PACK with -1, RESHAPE to that.
     */
    private boolean dynamicFlatten;
    /** The pooled vector declared as two rows, [2, C/2], as no converter writes it. */
    private boolean twoRowPool;

    private TfliteTestModels(boolean int8, int softmaxCode) {
        this.int8 = int8;
        this.softmaxCode = softmaxCode;
        buffers.add(new Table());
    }

    /** The same, with each ADD taking the earlier layer's output as its first input. */
    static byte[] writeAddendFirst(Model model) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.addendFirst = true;
        return w.build(model);
    }

    /** The same with the pooled vector declared [2, C/2] (C even). */
    static byte[] writeTwoRowPool(Model model) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.twoRowPool = true;
        return w.build(model);
    }

    /** The same with the pooled tensor flattened by a shape computed at run time (see {@link #dynamicFlatten}). */
    static byte[] writeDynamicFlatten(Model model) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.dynamicFlatten = true;
        return w.build(model);
    }

    /** The same, with each fully connected layer's activation as a RELU or RELU6 operator of its own. */
    static byte[] writeSeparateFcActivations(Model model) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.separateFcActivations = true;
        return w.build(model);
    }

    /**
     * The same, float16-quantized as TFLite's converter writes it: every weight and bias a FLOAT16
     * constant read through a DEQUANTIZE to float32, those operators all first ({@code dequantizeFirst})
     * or each right before the operator that reads it.
     */
    static byte[] writeFloat16(Model model, boolean dequantizeFirst) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.float16 = true;
        w.dequantizeFirst = dequantizeFirst;
        return w.build(model);
    }

    /**
     * The same, its one-channel first convolution written as a DEPTHWISE_CONV_2D whose depth multiplier
     * is its output channels (as TensorFlow's converter writes a gray model's first layer).
     */
    static byte[] writeDepthwiseStem(Model model) {
        return writeDepthwiseStem(model, -1);
    }

    /** The same with the options' depth_multiplier set to {@code option} (-1: the output channels, as it should be). */
    static byte[] writeDepthwiseStem(Model model, int option) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.depthwiseStem = true;
        w.stemMultiplierOption = option;
        return w.build(model);
    }

    /**
     * The same taking raw pixels and preprocessing them in the graph ({@code x / 127.5 - 1}, as Keras's
     * MobileNet preprocess_input): MUL by 1/127.5 then ADD -1 ({@code divSub} false), or DIV by 127.5 then
     * SUB 1 ({@code divSub} true).
     */
    static byte[] writeWithRescaling(Model model, boolean divSub) {
        return divSub ? writeWithRescaling(model, true, 127.5f, 1f) : writeWithRescaling(model, false, 1 / 127.5f, -1f);
    }

    /**
     * The same with other constants: MUL by {@code k1} then ADD {@code k2} ({@code divSub} false; TF Hub's
     * models, which take [0, 1], have 2 and -1), or DIV by {@code k1} then SUB {@code k2}.
     */
    static byte[] writeWithRescaling(Model model, boolean divSub, float k1, float k2) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.rescaling = divSub ? 2 : 1;
        w.rescaleK1 = k1;
        w.rescaleK2 = k2;
        return w.build(model);
    }

    /** TFLite's fused activation code. */
    private static int act(LayerSpec l) {
        return switch (l.activation()) {
            case NONE -> 0;
            case RELU -> 1;
            case RELU6 -> 3;
            case HARD_SWISH, HARD_SIGMOID -> 0; // operators of their own after the layer (see v3Activation)
        };
    }

    /**
     * MobileNet v3's activations as TF's converter writes them after a layer: HARD_SWISH, or the
     * hard-sigmoid as ADD 3 with a fused RELU6 and MUL 1/6. Returns the tensor after them.
     */
    private int v3Activation(LayerSpec l, int cur, int... shape) {
        String n = l.name();
        if (l.activation() == org.mobilenet.engine.arch.Activation.HARD_SWISH) {
            int out = activation(n + "/hard_swish", shape);
            op(117, new int[] {cur}, out, 0, null);
            return out;
        }
        if (l.activation() == org.mobilenet.engine.arch.Activation.HARD_SIGMOID) {
            int three = floatTensor(n + "/add/y", new int[0], new float[] {3f});
            int shifted = activation(n + "/Relu6", shape);
            op(ADD, new int[] {cur, three}, shifted, 11, new Table().i8(0, 3));
            int sixth = floatTensor(n + "/mul/y", new int[0], new float[] {1f / 6});
            int out = activation(n + "/mul", shape);
            op(18, new int[] {shifted, sixth}, out, 21, new Table().i8(0, 0));
            return out;
        }
        return cur;
    }

    /** A MobileNet v3 block's TFLite bytes: its squeeze-and-excite layers are the ones named {@code se.*}. */
    static byte[] writeV3(Model model) {
        return writeV3(model, false);
    }

    /** The same, the hard-sigmoid as TF2's converter writes it when {@code foldedThree}. */
    static byte[] writeV3(Model model, boolean foldedThree) {
        TfliteTestModels w = new TfliteTestModels(false, SOFTMAX);
        w.v3 = true;
        w.foldedThree = foldedThree;
        return w.build(model);
    }

    /** The TFLite bytes of {@code model} (which must have no unfolded BN). */
    public static byte[] write(Model model, boolean int8) {
        return new TfliteTestModels(int8, SOFTMAX).build(model);
    }

    /** The same, with the final SOFTMAX written as another builtin operator code. */
    static byte[] writeWithLastOp(Model model, int code) {
        return new TfliteTestModels(false, code).build(model);
    }

    private int tensor(String name, int[] shape, int type, byte[] data, Table quant) {
        int buffer = 0;
        if (data != null) {
            buffers.add(new Table().put(0, new FbWriter.Bytes(data)));
            buffer = buffers.size() - 1;
        }
        Table t = new Table().put(0, new Ints(shape)).i8(1, type).put(2, buffer).put(3, new FbWriter.Str(name));
        if (quant != null) {
            t.put(4, quant);
        }
        tensors.add(t);
        return tensors.size() - 1;
    }

    /** A float32 constant, or in {@link #float16} mode a FLOAT16 one and the DEQUANTIZE that reads it. */
    private int constant(String name, int[] shape, float[] v) {
        if (!float16) {
            return floatTensor(name, shape, v);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putShort(org.mobilenet.io.HalfFloats.toHalf(x));
        }
        int half = tensor(name, shape, 1, b.array(), null);
        int out = tensor(name + "_dequantize", shape, 0, null, null);
        int before = operators.size();
        op(6, new int[] {half}, out, 0, null);
        if (dequantizeFirst) {
            dequantizers.add(operators.remove(before));
        }
        return out;
    }

    private int floatTensor(String name, int[] shape, float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return tensor(name, shape, 0, b.array(), null);
    }

    /** Weights in TFLite layout, float32 or int8 quantized per channel along {@code dim} of {@code channels}. */
    private int weights(String name, int[] shape, float[] v, int dim, int channels) {
        if (!int8) {
            return constant(name, shape, v);
        }
        int inner = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        float[] scale = new float[channels];
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            scale[c] = Math.max(scale[c], Math.abs(v[i]) / 127f);
        }
        for (int c = 0; c < channels; c++) {
            scale[c] = scale[c] == 0 ? 1 : scale[c];
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = (byte) Math.round(v[i] / scale[(i / inner) % channels]);
        }
        Table quant = new Table().put(2, new Floats(scale)).put(3, new FbWriter.Longs(new long[channels])).put(6, dim);
        return tensor(name, shape, 9, q, quant);
    }

    private static byte[] ints(int... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private int activation(String name, int... shape) {
        return tensor(name, shape, 0, null, null);
    }

    private void op(int code, int[] in, int out, int optionsType, Table options) {
        int idx = opcodes.indexOf(code);
        if (idx < 0) {
            opcodes.add(code);
            idx = opcodes.size() - 1;
        }
        Table o = new Table().put(0, idx).put(1, new Ints(in)).put(2, new Ints(new int[] {out}));
        if (options != null) {
            o.i8(3, optionsType).put(4, options);
        }
        operators.add(o);
    }

    /** A squeeze-and-excite layer on 4-D tensors: AVERAGE_POOL_2D, 1x1 CONV_2Ds, MUL of the map by the gate. */
    private int squeezeExcite(Model m, LayerSpec l, int cur, java.util.Map<String, Integer> outputs) {
        String n = l.name();
        int c = l.outChannels();
        switch (l.kind()) {
            case AVG_POOL -> {
                int out = activation(n, 1, 1, 1, c);
                op(1, new int[] {cur}, out, 5, new Table().i8(0, 1).put(1, 1).put(2, 1).put(3, l.in().w())
                        .put(4, l.in().h()).i8(5, 0));
                return out;
            }
            case FC -> {
                int wt = weights(n + "/weights", new int[] {c, 1, 1, l.inChannels()}, m.tensor(TensorNames.weight(n)).data(),
                        0, c);
                float[] bias = m.tensor(TensorNames.bias(n)).data().clone();
                boolean folded = foldedThree && l.activation() == org.mobilenet.engine.arch.Activation.HARD_SIGMOID;
                if (folded) {
                    // TF2's converter: the hard-sigmoid's +3 in the bias, its ReLU6 fused, then MUL 1/6.
                    for (int i = 0; i < bias.length; i++) {
                        bias[i] += 3f;
                    }
                }
                int bt = constant(n + "/bias", new int[] {c}, bias);
                int out = activation(n, 1, 1, 1, c);
                op(CONV_2D, new int[] {cur, wt, bt}, out, 1, new Table().i8(0, 1).put(1, 1).put(2, 1)
                        .i8(3, folded ? 3 : act(l)));
                if (folded) {
                    int sixth = floatTensor(n + "/mul/y", new int[0], new float[] {1f / 6});
                    int gate = activation(n + "/mul", 1, 1, 1, c);
                    op(18, new int[] {out, sixth}, gate, 21, new Table().i8(0, 0));
                    return gate;
                }
                return v3Activation(l, out, 1, 1, 1, c);
            }
            case SCALE -> {
                int out = activation(n, 1, l.out().h(), l.out().w(), c);
                op(18, new int[] {outputs.get(l.addend()), cur}, out, 21, new Table().i8(0, 0));
                return out;
            }
            default -> throw new IllegalStateException(l.kind().toString());
        }
    }

    private byte[] build(Model m) {
        int input = activation("input", 1, m.inputHeight(), m.inputWidth(), m.graph().input().c());
        int cur = input;
        if (rescaling != 0) {
            int[] shape = {1, m.inputHeight(), m.inputWidth(), m.graph().input().c()};
            int k1 = floatTensor("rescale/k1", new int[0], new float[] {rescaleK1});
            int mid = activation("rescale/scaled", shape);
            op(rescaling == 1 ? 18 : 42, new int[] {cur, k1}, mid, rescaling == 1 ? 21 : 29, new Table().i8(0, 0));
            int k2 = floatTensor("rescale/k2", new int[] {1}, new float[] {rescaleK2});
            int out = activation("rescale/out", shape);
            op(rescaling == 1 ? 0 : 41, new int[] {mid, k2}, out, rescaling == 1 ? 11 : 28, new Table().i8(0, 0));
            cur = out;
        }
        java.util.Map<String, Integer> outputs = new java.util.HashMap<>();
        for (LayerSpec l : m.graph().layers()) {
            String n = l.name();
            if (v3 && (n.startsWith("se.") || l.kind() == org.mobilenet.engine.arch.LayerKind.SCALE)) {
                cur = squeezeExcite(m, l, cur, outputs);
                outputs.put(n, cur);
                continue;
            }
            switch (l.kind()) {
                case CONV, POINTWISE -> {
                    int o = l.outChannels();
                    int i = l.inChannels();
                    int k = l.kernel();
                    float[] w = m.tensor(TensorNames.weight(n)).data();
                    if (depthwiseStem && i == 1) {
                        float[] hwm = new float[w.length];
                        for (int mm = 0; mm < o; mm++) {
                            for (int y = 0; y < k; y++) {
                                for (int x = 0; x < k; x++) {
                                    hwm[(y * k + x) * o + mm] = w[(mm * k + y) * k + x];
                                }
                            }
                        }
                        int wt = weights(n + "/weights", new int[] {1, k, k, o}, hwm, 3, o);
                        int bt = constant(n + "/bias", new int[] {o}, m.tensor(TensorNames.bias(n)).data());
                        int out = activation(n, 1, l.out().h(), l.out().w(), o);
                        op(DEPTHWISE_CONV_2D, new int[] {cur, wt, bt}, out, 2,
                                new Table().i8(0, 0).put(1, l.stride()).put(2, l.stride())
                                        .put(3, stemMultiplierOption < 0 ? o : stemMultiplierOption).i8(4, act(l)));
                        cur = out;
                        outputs.put(n, cur);
                        continue;
                    }
                    float[] ohwi = new float[w.length];
                    for (int oc = 0; oc < o; oc++) {
                        for (int ic = 0; ic < i; ic++) {
                            for (int y = 0; y < k; y++) {
                                for (int x = 0; x < k; x++) {
                                    ohwi[((oc * k + y) * k + x) * i + ic] = w[((oc * i + ic) * k + y) * k + x];
                                }
                            }
                        }
                    }
                    int wt = weights(n + "/weights", new int[] {o, k, k, i}, ohwi, 0, o);
                    int bt = constant(n + "/bias", new int[] {o}, m.tensor(TensorNames.bias(n)).data());
                    int out = activation(n, 1, l.out().h(), l.out().w(), o);
                    op(CONV_2D, new int[] {cur, wt, bt}, out, 1,
                            new Table().i8(0, 0).put(1, l.stride()).put(2, l.stride()).i8(3, act(l)));
                    cur = out;
                }
                case ADD -> {
                    int earlier = outputs.get(l.addend());
                    int out = activation(n, 1, l.out().h(), l.out().w(), l.outChannels());
                    op(ADD, addendFirst ? new int[] {earlier, cur} : new int[] {cur, earlier}, out, 11,
                            new Table().i8(0, act(l)));
                    cur = out;
                }
                case DEPTHWISE -> {
                    int c = l.outChannels();
                    int k = l.kernel();
                    float[] w = m.tensor(TensorNames.weight(n)).data();
                    float[] hwc = new float[w.length];
                    for (int ch = 0; ch < c; ch++) {
                        for (int y = 0; y < k; y++) {
                            for (int x = 0; x < k; x++) {
                                hwc[(y * k + x) * c + ch] = w[(ch * k + y) * k + x];
                            }
                        }
                    }
                    int wt = weights(n + "/weights", new int[] {1, k, k, c}, hwc, 3, c);
                    int bt = constant(n + "/bias", new int[] {c}, m.tensor(TensorNames.bias(n)).data());
                    int out = activation(n, 1, l.out().h(), l.out().w(), c);
                    op(DEPTHWISE_CONV_2D, new int[] {cur, wt, bt}, out, 2,
                            new Table().i8(0, 0).put(1, l.stride()).put(2, l.stride()).put(3, 1).i8(4, act(l)));
                    cur = out;
                }
                case AVG_POOL -> {
                    java.nio.ByteBuffer axes = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .putInt(1).putInt(2);
                    int at = tensor("axes", new int[] {2}, 2, axes.array(), null);
                    if (!dynamicFlatten) {
                        int out = twoRowPool ? activation("pool", 2, l.out().c() / 2) : activation("pool", 1, l.out().c());
                        op(MEAN, new int[] {cur, at}, out, 27, new Table().put(0, false));
                        cur = out;
                    } else {
                        int c = l.out().c();
                        int pooled = activation("pool4d", 1, 1, 1, c);
                        op(MEAN, new int[] {cur, at}, pooled, 27, new Table().put(0, true));
                        int shape = tensor("flatten/Shape", new int[] {4}, 2, null, null);
                        op(77, new int[] {pooled}, shape, 55, new Table().i8(0, 2)); // SHAPE, ShapeOptions int32
                        int begin = tensor("flatten/begin", new int[] {1}, 2, ints(0), null);
                        int end = tensor("flatten/end", new int[] {1}, 2, ints(1), null);
                        int strides = tensor("flatten/strides", new int[] {1}, 2, ints(1), null);
                        int batch = tensor("flatten/strided_slice", new int[0], 2, null, null);
                        op(45, new int[] {shape, begin, end, strides}, batch, 32, new Table().put(4, 1)); // shrink axis 0
                        int minusOne = tensor("flatten/Reshape/shape/1", new int[0], 2, ints(-1), null);
                        int packed = tensor("flatten/Reshape/shape", new int[] {2}, 2, null, null);
                        op(83, new int[] {batch, minusOne}, packed, 59, new Table().put(0, 2).put(1, 0)); // PACK
                        int out = activation("pool", 1, c);
                        op(22, new int[] {pooled, packed}, out, 17, null); // RESHAPE
                        cur = out;
                    }
                }
                case FC -> {
                    int wt = weights("fc/weights", new int[] {l.outChannels(), l.inChannels()},
                            m.tensor(TensorNames.weight(n)).data(), 0, l.outChannels());
                    int bt = constant("fc/bias", new int[] {l.outChannels()}, m.tensor(TensorNames.bias(n)).data());
                    int out = activation("logits", 1, l.outChannels());
                    boolean separate = separateFcActivations && act(l) != 0;
                    op(FULLY_CONNECTED, new int[] {cur, wt, bt}, out, 8, new Table().i8(0, separate ? 0 : act(l)));
                    cur = out;
                    if (separate) {
                        int a = activation(n + "/act", 1, l.outChannels());
                        op(act(l) == 1 ? 19 : 21, new int[] {cur}, a, 0, null);
                        cur = a;
                    }
                }
                case SOFTMAX -> {
                    int out = activation("probabilities", 1, l.outChannels());
                    op(softmaxCode, new int[] {cur}, out, 9, new Table().put(0, 1f));
                    cur = out;
                }
                case SIGMOID -> {
                    int out = activation("probabilities", 1, l.outChannels());
                    op(14, new int[] {cur}, out, 0, null); // LOGISTIC
                    cur = out;
                }
                default -> throw new IllegalStateException(l.kind().toString());
            }
            if (v3) {
                cur = l.kind() == org.mobilenet.engine.arch.LayerKind.FC ? v3Activation(l, cur, 1, l.outChannels())
                        : v3Activation(l, cur, 1, l.out().h(), l.out().w(), l.outChannels());
            }
            outputs.put(n, cur);
        }
        operators.addAll(0, dequantizers);
        List<Table> codes = new ArrayList<>();
        for (int c : opcodes) {
            codes.add(new Table().i8(0, c).put(3, c).put(2, 1));
        }
        Table subgraph = new Table().put(0, new Tables(tensors)).put(1, new Ints(new int[] {input}))
                .put(2, new Ints(new int[] {cur})).put(3, new Tables(operators)).put(4, new FbWriter.Str("main"));
        Table model = new Table().put(0, 3).put(1, new Tables(codes)).put(2, new Tables(List.of(subgraph)))
                .put(3, new FbWriter.Str("written by TfliteTestModels")).put(4, new Tables(buffers));
        return FbWriter.write(model, "TFL3");
    }
}
