package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.tflite.FbWriter.Floats;
import org.mobilenet.io.tflite.FbWriter.Ints;
import org.mobilenet.io.tflite.FbWriter.Longs;
import org.mobilenet.io.tflite.FbWriter.Table;
import org.mobilenet.io.tflite.FbWriter.Tables;

/**
 * Writes an engine model (BN folded) as a fully int8-quantized TFLite file the way TFLite's
 * converter does post-training quantization: int8 activations (per-tensor scale and zero point,
 * calibrated on a seeded input with the float engine), int8 weights quantized per output channel
 * (symmetric), int32 biases with scale {@code inputScale * weightScale[c]}, AVERAGE_POOL_2D, a softmax
 * output of scale 1/256 and zero point -128. Options: a float input with a QUANTIZE operator and a
 * DEQUANTIZE at the output; a uint8 input and output, each requantized by a QUANTIZE operator
 * ({@code inference_input_type} and {@code inference_output_type} uint8); a PAD operator (padding with
 * the zero point) before each stride-2 convolution, which then has VALID padding.
 */
final class QuantizedTfliteWriter {
    private static final int ADD = 0;
    private static final int AVERAGE_POOL_2D = 1;
    private static final int CONV_2D = 3;
    private static final int DEPTHWISE_CONV_2D = 4;
    private static final int DEQUANTIZE = 6;
    private static final int FULLY_CONNECTED = 9;
    private static final int SOFTMAX = 25;
    private static final int LOGISTIC = 14;
    private static final int PAD = 34;
    private static final int RESHAPE = 22;
    private static final int MEAN = 40;
    private static final int QUANTIZE = 114;
    private static final int INT8 = 9;
    private static final int UINT8 = 3;
    private static final int INT32 = 2;
    private static final int FLOAT32 = 0;

    private final List<Table> tensors = new ArrayList<>();
    private final List<Table> buffers = new ArrayList<>();
    private final List<Table> operators = new ArrayList<>();
    private final List<Integer> opcodes = new ArrayList<>();
    private final boolean floatIo;
    private final boolean padOps;
    /** Pool with MEAN over [1, 2] (as Keras models convert) instead of AVERAGE_POOL_2D, with output params of its own. */
    private boolean mean;
    /**
     * With a uint8 input and output: the input's {scale, zero point} (the output's is the last layer's
     * scale, its zero point 128 higher); null for an int8 or float input.
     */
    private float[] uint8Input;
    /**
     * ReLU6 layers' outputs quantized to exactly [0, 6] (6/255 @ -128); with {@link #fusedNone} their
     * fused activation is then NONE, the clamp left to that range, as TF's converter writes its classic
     * uint8 MobileNets.
     */
    private boolean sixRanges;
    private boolean fusedNone;
    /** Biases with quantized dimension 3 (their convolution's), as TFLite Micro's person detection has them. */
    private boolean biasDimension3;
    /**
     * A TF-slim head: each dense layer a 1x1 CONV_2D on the [1, 1, 1, C] map, a hidden one's ReLU left
     * to its output range (fused NONE), and the pooled map pooled again (a 1x1 AVERAGE_POOL_2D) before
     * each dense layer after the first, as TF's MobileNet v3 files have them.
     */
    private boolean slimHead;
    /**
     * A pointwise layer right before a dense layer over the unpooled map written as Edge Impulse's
     * converter writes a Keras Dense on a 4-D tensor: RESHAPE to rows of pixels, FULLY_CONNECTED,
     * RESHAPE to one vector.
     */
    private boolean pixelRows;
    /** No pooling operator: the first dense layer reads the last feature map itself (a Flatten then Dense). */
    private boolean unpooled;
    /** Per layer name: {scale, zero point} of its output. */
    private final Map<String, float[]> act = new HashMap<>();

    private QuantizedTfliteWriter(boolean floatIo, boolean padOps) {
        this.floatIo = floatIo;
        this.padOps = padOps;
        buffers.add(new Table());
    }

    /** The int8 TFLite bytes of {@code model}. */
    static byte[] write(Model model, boolean floatIo, boolean padOps, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(floatIo, padOps);
        w.calibrate(model, seed);
        return w.build(model);
    }

    /**
     * The same taking and giving uint8, requantized by QUANTIZE operators at both ends: the input with
     * {@code inputScale} and zero point {@code inputZero} (the int8 network's own input is 1/128 @ 0).
     */
    static byte[] writeUint8Io(Model model, float inputScale, int inputZero, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(false, false);
        w.uint8Input = new float[] {inputScale, inputZero};
        w.calibrate(model, seed);
        return w.build(model);
    }

    /**
     * The same with each ReLU6 layer's output quantized to [0, 6], its fused activation RELU6 or, with
     * {@code fusedNone}, NONE (the clamp left to the range).
     */
    static byte[] writeSixRanges(Model model, boolean fusedNone, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(false, false);
        w.sixRanges = true;
        w.fusedNone = fusedNone;
        w.calibrate(model, seed);
        return w.build(model);
    }

    /** The same with every bias's quantized dimension 3, outside its rank (TFLite Micro runs such files). */
    static byte[] writeBiasDimension3(Model model, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(false, false);
        w.biasDimension3 = true;
        w.calibrate(model, seed);
        return w.build(model);
    }

    /** The same with MEAN for the global pooling, its output quantized with params of its own. */
    static byte[] writeWithMean(Model model, boolean floatIo, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(floatIo, false);
        w.mean = true;
        w.calibrate(model, seed);
        return w.build(model);
    }

    /** The same with a TF-slim head (see {@link #slimHead}). */
    static byte[] writeSlimHead(Model model, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(false, false);
        w.slimHead = true;
        w.calibrate(model, seed);
        return w.build(model);
    }

    /** The same without its pooling operator (see {@link #unpooled}). */
    static byte[] writeUnpooled(Model model, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(false, false);
        w.unpooled = true;
        w.calibrate(model, seed);
        return w.build(model);
    }

    /** The same with its pixel-wise layer before a flattened head as Edge Impulse writes it (see {@link #pixelRows}). */
    static byte[] writePixelRows(Model model, long seed) {
        QuantizedTfliteWriter w = new QuantizedTfliteWriter(false, false);
        w.pixelRows = true;
        w.calibrate(model, seed);
        return w.build(model);
    }

    private int reshape(int in, float[] q, String name, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int d : shape) {
            b.putInt(d);
        }
        int st = tensor(name + "/shape", new int[] {shape.length}, INT32, b.array(), null);
        int out = activation(name, q, shape);
        op(RESHAPE, new int[] {in, st}, out, 0, null);
        return out;
    }

    /** Each layer's output range on a seeded input in [-1, 1), widened by half: int8 params. */
    private void calibrate(Model m, long seed) {
        Shape s = m.graph().input();
        float[] x = SeededInit.uniform(new SplittableRandom(seed), s.h() * s.w() * s.c(), 1f);
        try (Network net = Network.compile(m)) {
            net.forward(x, 1, (layer, out, batch) -> {
                float lo = 0;
                float hi = 0;
                for (float v : out) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                lo *= 1.5f;
                hi *= 1.5f;
                float scale = Math.max((hi - lo) / 255f, 1e-4f);
                int zero = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
                act.put(layer.name(), sixRanges && layer.activation() == org.mobilenet.engine.arch.Activation.RELU6
                        ? new float[] {6f / 255, -128} : new float[] {scale, zero});
            });
        }
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

    private static Table quant(float scale, int zero) {
        return new Table().put(2, new Floats(new float[] {scale})).put(3, new Longs(new long[] {zero}));
    }

    private int activation(String name, float[] q, int... shape) {
        return tensor(name, shape, INT8, null, quant(q[0], (int) q[1]));
    }

    /** int8 weights per channel along {@code dim}; returns the tensor and fills {@code scales}. */
    private int weights(String name, int[] shape, float[] v, int dim, int channels, float[] scales) {
        int inner = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            scales[c] = Math.max(scales[c], Math.abs(v[i]) / 127f);
        }
        for (int c = 0; c < channels; c++) {
            scales[c] = scales[c] == 0 ? 1e-6f : scales[c];
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] / scales[(i / inner) % channels])));
        }
        Table t = new Table().put(2, new Floats(scales)).put(3, new Longs(new long[channels])).put(6, dim);
        return tensor(name, shape, INT8, q, t);
    }

    private int bias(String name, float[] b, float inScale, float[] wScales) {
        ByteBuffer buf = ByteBuffer.allocate(4 * b.length).order(ByteOrder.LITTLE_ENDIAN);
        float[] s = new float[b.length];
        for (int c = 0; c < b.length; c++) {
            s[c] = inScale * wScales[c];
            buf.putInt(Math.round(b[c] / s[c]));
        }
        Table t = new Table().put(2, new Floats(s)).put(3, new Longs(new long[b.length]));
        if (biasDimension3) {
            t.put(6, 3);
        }
        return tensor(name, new int[] {b.length}, INT32, buf.array(), t);
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

    private int act(LayerSpec l) {
        if (fusedNone && l.activation() == org.mobilenet.engine.arch.Activation.RELU6
                || slimHead && l.kind() == org.mobilenet.engine.arch.LayerKind.FC) {
            return 0;
        }
        return switch (l.activation()) {
            case NONE -> 0;
            case RELU -> 1;
            case RELU6 -> 3;
            case HARD_SWISH, HARD_SIGMOID -> throw new IllegalArgumentException("no TFLite fused activation: "
                    + l.activation());
        };
    }

    private byte[] build(Model m) {
        Shape s = m.graph().input();
        float[] inQ = {1f / 128, 0};
        int input;
        int cur;
        if (floatIo) {
            input = tensor("input", new int[] {1, s.h(), s.w(), s.c()}, FLOAT32, null, null);
            cur = activation("input_int8", inQ, 1, s.h(), s.w(), s.c());
            op(QUANTIZE, new int[] {input}, cur, 0, null);
        } else if (uint8Input != null) {
            input = tensor("input", new int[] {1, s.h(), s.w(), s.c()}, UINT8, null,
                    quant(uint8Input[0], (int) uint8Input[1]));
            cur = activation("input_int8", inQ, 1, s.h(), s.w(), s.c());
            op(QUANTIZE, new int[] {input}, cur, 0, null);
        } else {
            input = activation("input", inQ, 1, s.h(), s.w(), s.c());
            cur = input;
        }
        float[] curQ = inQ;
        Map<String, Integer> outputs = new HashMap<>();
        for (LayerSpec l : m.graph().layers()) {
            String n = l.name();
            float[] outQ = act.get(n);
            switch (l.kind()) {
                case CONV, POINTWISE, DEPTHWISE -> {
                    int at = m.graph().indexOf(n);
                    if (pixelRows && l.kind() == org.mobilenet.engine.arch.LayerKind.POINTWISE
                            && at + 1 < m.graph().layers().size() && m.graph().layers().get(at + 1).flattens()) {
                        int pixels = l.in().h() * l.in().w();
                        int rows = reshape(cur, curQ, n + "/rows", pixels, l.inChannels());
                        float[] ws = new float[l.outChannels()];
                        int wt = weights(n + "/weights", new int[] {l.outChannels(), l.inChannels()},
                                m.tensor(TensorNames.weight(n)).data(), 0, l.outChannels(), ws);
                        int bt = bias(n + "/bias", m.tensor(TensorNames.bias(n)).data(), curQ[0], ws);
                        int fc = activation(n + "/fc", outQ, pixels, l.outChannels());
                        op(FULLY_CONNECTED, new int[] {rows, wt, bt}, fc, 8, new Table().i8(0, act(l)));
                        cur = reshape(fc, outQ, n, 1, pixels * l.outChannels());
                        break;
                    }
                    boolean dw = l.kind() == org.mobilenet.engine.arch.LayerKind.DEPTHWISE;
                    int o = l.outChannels();
                    int i = l.inChannels();
                    int k = l.kernel();
                    float[] w = m.tensor(TensorNames.weight(n)).data();
                    float[] tfl = new float[w.length];
                    for (int oc = 0; oc < o; oc++) {
                        for (int ic = 0; ic < (dw ? 1 : i); ic++) {
                            for (int y = 0; y < k; y++) {
                                for (int x = 0; x < k; x++) {
                                    float v = w[((oc * (dw ? 1 : i) + ic) * k + y) * k + x];
                                    if (dw) {
                                        tfl[(y * k + x) * o + oc] = v;
                                    } else {
                                        tfl[((oc * k + y) * k + x) * i + ic] = v;
                                    }
                                }
                            }
                        }
                    }
                    float[] ws = new float[o];
                    int wt = dw ? weights(n + "/weights", new int[] {1, k, k, o}, tfl, 3, o, ws)
                            : weights(n + "/weights", new int[] {o, k, k, i}, tfl, 0, o, ws);
                    int bt = bias(n + "/bias", m.tensor(TensorNames.bias(n)).data(), curQ[0], ws);
                    int padding = 0;
                    if (padOps && l.stride() == 2 && k > 1) {
                        var p = l.pads();
                        ByteBuffer pb = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
                        for (int v : new int[] {0, 0, p.top(), p.bottom(), p.left(), p.right(), 0, 0}) {
                            pb.putInt(v);
                        }
                        int pt = tensor(n + "/paddings", new int[] {4, 2}, INT32, pb.array(), null);
                        int padded = activation(n + "/pad", curQ, 1, l.in().h() + p.top() + p.bottom(),
                                l.in().w() + p.left() + p.right(), i);
                        op(PAD, new int[] {cur, pt}, padded, 0, null);
                        cur = padded;
                        padding = 1;
                    }
                    int out = activation(n, outQ, 1, l.out().h(), l.out().w(), o);
                    if (dw) {
                        op(DEPTHWISE_CONV_2D, new int[] {cur, wt, bt}, out, 2, new Table().i8(0, padding)
                                .put(1, l.stride()).put(2, l.stride()).put(3, 1).i8(4, act(l)));
                    } else {
                        op(CONV_2D, new int[] {cur, wt, bt}, out, 1, new Table().i8(0, padding).put(1, l.stride())
                                .put(2, l.stride()).i8(3, act(l)));
                    }
                    cur = out;
                }
                case ADD -> {
                    int out = activation(n, outQ, 1, l.out().h(), l.out().w(), l.outChannels());
                    op(ADD, new int[] {cur, outputs.get(l.addend())}, out, 11, new Table().i8(0, act(l)));
                    cur = out;
                }
                case AVG_POOL -> {
                    if (unpooled) {
                        outQ = curQ;
                        break;
                    }
                    if (mean) {
                        // Its own params, as calibration gives a MEAN: a narrower range than its input's.
                        outQ = new float[] {curQ[0] * 0.75f, Math.max(-128, curQ[1] - 20)};
                        ByteBuffer axes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(2);
                        int at = tensor(n + "/axes", new int[] {2}, INT32, axes.array(), null);
                        int out = activation(n, outQ, 1, l.outChannels());
                        op(MEAN, new int[] {cur, at}, out, 27, new Table().put(0, false));
                        cur = out;
                        break;
                    }
                    outQ = curQ; // TFLite's quantized average pool keeps its input's quantization
                    int out = activation(n, outQ, 1, 1, 1, l.outChannels());
                    op(AVERAGE_POOL_2D, new int[] {cur}, out, 5, new Table().i8(0, 1).put(1, 1).put(2, 1)
                            .put(3, l.in().w()).put(4, l.in().h()).i8(5, 0));
                    cur = out;
                }
                case FC -> {
                    if (slimHead) {
                        boolean later = !(m.graph().layers().get(m.graph().indexOf(n) - 1).kind()
                                == org.mobilenet.engine.arch.LayerKind.AVG_POOL);
                        if (later) {
                            int pooled = activation(n + "/pool", curQ, 1, 1, 1, l.inChannels());
                            op(AVERAGE_POOL_2D, new int[] {cur}, pooled, 5, new Table().i8(0, 1).put(1, 1).put(2, 1)
                                    .put(3, 1).put(4, 1).i8(5, 0));
                            cur = pooled;
                        }
                        float[] ws = new float[l.outChannels()];
                        int wt = weights(n + "/weights", new int[] {l.outChannels(), 1, 1, l.inChannels()},
                                m.tensor(TensorNames.weight(n)).data(), 0, l.outChannels(), ws);
                        int bt = bias(n + "/bias", m.tensor(TensorNames.bias(n)).data(), curQ[0], ws);
                        int out = activation(n, outQ, 1, 1, 1, l.outChannels());
                        op(CONV_2D, new int[] {cur, wt, bt}, out, 1, new Table().i8(0, 1).put(1, 1).put(2, 1)
                                .i8(3, act(l)));
                        cur = out;
                        break;
                    }
                    float[] ws = new float[l.outChannels()];
                    int wt = weights(n + "/weights", new int[] {l.outChannels(), l.inChannels()},
                            m.tensor(TensorNames.weight(n)).data(), 0, l.outChannels(), ws);
                    int bt = bias(n + "/bias", m.tensor(TensorNames.bias(n)).data(), curQ[0], ws);
                    int out = activation(n, outQ, 1, l.outChannels());
                    op(FULLY_CONNECTED, new int[] {cur, wt, bt}, out, 8, new Table().i8(0, act(l)));
                    cur = out;
                }
                case SOFTMAX -> {
                    outQ = new float[] {1f / 256, -128};
                    int out = activation(n, outQ, 1, l.outChannels());
                    op(SOFTMAX, new int[] {cur}, out, 9, new Table().put(0, 1f));
                    cur = out;
                }
                case SIGMOID -> {
                    outQ = new float[] {1f / 256, -128}; // as TFLite's int8 LOGISTIC requires
                    int out = activation(n, outQ, 1, l.outChannels());
                    op(LOGISTIC, new int[] {cur}, out, 0, null);
                    cur = out;
                }
                default -> throw new IllegalStateException(l.kind().toString());
            }
            outputs.put(n, cur);
            curQ = outQ;
        }
        int classes = m.graph().layers().get(m.graph().layers().size() - 1).outChannels();
        if (floatIo) {
            int out = tensor("output", new int[] {1, classes}, FLOAT32, null, null);
            op(DEQUANTIZE, new int[] {cur}, out, 0, null);
            cur = out;
        } else if (uint8Input != null) {
            int out = tensor("output", new int[] {1, classes}, UINT8, null, quant(curQ[0], (int) curQ[1] + 128));
            op(QUANTIZE, new int[] {cur}, out, 0, null);
            cur = out;
        }
        List<Table> codes = new ArrayList<>();
        for (int c : opcodes) {
            codes.add(new Table().i8(0, Math.min(c, 127)).put(3, c).put(2, c == QUANTIZE || c == DEQUANTIZE || c == RESHAPE ? 1 : 2));
        }
        Table subgraph = new Table().put(0, new Tables(tensors)).put(1, new Ints(new int[] {input}))
                .put(2, new Ints(new int[] {cur})).put(3, new Tables(operators)).put(4, new FbWriter.Str("main"));
        Table model = new Table().put(0, 3).put(1, new Tables(codes)).put(2, new Tables(List.of(subgraph)))
                .put(3, new FbWriter.Str("written by QuantizedTfliteWriter")).put(4, new Tables(buffers));
        return FbWriter.write(model, "TFL3");
    }
}
