package org.mobilenet.engine.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.model.UnsupportedModelException;

/**
 * The integer execution path of a quantized model ({@link Model#quantization()}): quantized values
 * in (NHWC, the input's type and quantization), quantized values out (the last layer's), computed
 * in int32 as the runtime we test against does it: TFLite under tfjs-tflite's WebAssembly build,
 * where the XNNPACK delegate runs the convolutions, fully connected layers and adds (fp32
 * requantization, see {@link Requantizer} and {@link QuantAdd}) and TFLite's builtin kernels the
 * average pooling and softmax ({@link QAvgPool}, {@link QuantSoftmax}).
 *
 * <p>Values are held as {@code int}, one per element, whatever their 8-bit type. Thread-safe: each
 * call allocates its own buffers.
 */
public final class QuantizedNetwork {
    private final List<QLayer> layers;
    private final QuantParams input;
    private final QuantParams output;
    private final Shape inShape;
    private final Shape outShape;
    /** For each layer, whether a later add reads its output. */
    private final boolean[] kept;
    private final int[] addendIndex;
    /**
     * The file's own input steps ({@link ModelQuantization#inputSteps()}) as a table per channel: the
     * first layer's input for each input value ({@code [channel][value - type min]}); null without steps.
     */
    private final int[][] inputTable;

    private QuantizedNetwork(List<QLayer> layers, QuantParams input, QuantParams output, Shape inShape,
            Shape outShape, int[][] inputTable) {
        this.inputTable = inputTable;
        this.layers = layers;
        this.input = input;
        this.output = output;
        this.inShape = inShape;
        this.outShape = outShape;
        this.kept = new boolean[layers.size()];
        this.addendIndex = new int[layers.size()];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i).spec;
            addendIndex[i] = -1;
            if (l.addend() != null) {
                addendIndex[i] = index.get(l.addend());
                kept[addendIndex[i]] = true;
            }
            index.put(l.name(), i);
        }
    }

    /** Compiles a quantized model with the runtime's arithmetic ({@link Requantizer.Arithmetic#FLOAT}). */
    public static QuantizedNetwork compile(Model model) {
        return compile(model, Requantizer.Arithmetic.FLOAT);
    }

    /**
     * Compiles a quantized model.
     *
     * @throws UnsupportedModelException when the model is not quantized, or is quantized in a way
     *                                   the integer path does not run
     */
    public static QuantizedNetwork compile(Model model, Requantizer.Arithmetic arithmetic) {
        ModelQuantization q = model.quantization().orElseThrow(() -> new UnsupportedModelException(
                model.architecture().describe() + " is a float model: the integer path needs a quantized model"
                        + " (such as a uint8 or int8 TFLite file)"));
        List<QLayer> layers = new ArrayList<>();
        QuantParams prev = q.networkInput();
        int[][] table;
        Map<String, QuantParams> outputs = new HashMap<>();
        try {
            UnsupportedModelException.requireNoV3Layers(model, "the integer path");
            table = inputTable(q, model.graph().input().c());
            for (LayerSpec l : model.graph().layers()) {
                QuantParams out = q.output(l.name());
                if (out.type() != prev.type() && l.kind() != LayerKind.SOFTMAX && l.kind() != LayerKind.SIGMOID) {
                    throw new UnsupportedModelException("layer " + l.name() + " turns " + prev.type().id() + " into "
                            + out.type().id() + "; the integer path keeps one activation type");
                }
                layers.add(switch (l.kind()) {
                    case CONV, POINTWISE, FC, DEPTHWISE -> {
                        QuantizedTensor w = q.tensor(TensorNames.weight(l.name()));
                        QuantizedTensor b = q.tensor(TensorNames.bias(l.name()));
                        int[] bias = b == null ? new int[l.out().c()] : b.values();
                        Requantizer rq = new Requantizer(arithmetic, prev, w.quant(), out, l.activation(), l.out().c());
                        yield l.kind() == LayerKind.DEPTHWISE
                                ? new QDepthwise(l, w, bias, prev.zeroPoint(), rq)
                                : new QConv(l, w, bias, prev.zeroPoint(), rq);
                    }
                    case ADD -> new QAdd(l, new QuantAdd(outputs.get(l.addend()), prev, out, l.activation()));
                    case AVG_POOL -> {
                        int[] r = Requantizer.range(out, Activation.NONE);
                        // AVERAGE_POOL_2D (same quantization in and out) runs TFLite's kernel, a MEAN XNNPACK's.
                        boolean mean = ModelQuantization.POOL_MEAN.equals(model.metadata().get(ModelQuantization.POOL_KEY))
                                || !prev.equals(out);
                        yield mean ? new QMean(l, prev.zeroPoint(), prev.scale(), out.scale(), out.zeroPoint(), r[0], r[1])
                                : new QAvgPool(l, r[0], r[1]);
                    }
                    case SCALE -> throw new IllegalStateException("refused above");
                    case SOFTMAX -> new QSoftmax(l, new QuantSoftmax(prev, out));
                    case SIGMOID -> new QSigmoid(l, prev, out);
                });
                outputs.put(l.name(), out);
                prev = out;
            }
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException("the integer path does not run this model: " + e.getMessage());
        }
        VectorWarmUp.start();
        LayerSpec last = model.graph().layers().get(model.graph().layers().size() - 1);
        return new QuantizedNetwork(List.copyOf(layers), q.input(), prev, model.graph().input(), last.out(), table);
    }

    /**
     * The input steps as one table per channel (each step's constant has one value, or one per channel):
     * every input value taken through the steps as the runtime computes them ({@link QuantMul},
     * {@link QuantAdd}); null when there are none.
     */
    static int[][] inputTable(ModelQuantization q, int channels) {
        return q.inputSteps().isEmpty() ? null : inputTable(q.input(), q.inputSteps(), channels);
    }

    /**
     * Whether the integer path computes these input steps from integers of {@code in} as the runtime
     * does (each step's constant has one value or one per channel, its scale ratios in the runtime's range).
     */
    public static boolean runsInputSteps(QuantParams in, List<org.mobilenet.engine.model.InputStep> steps, int channels) {
        try {
            inputTable(in, steps, channels);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int[][] inputTable(QuantParams in, List<org.mobilenet.engine.model.InputStep> steps, int channels) {
        int[][] table = new int[channels][in.type().max() - in.type().min() + 1];
        for (int c = 0; c < channels; c++) {
            for (int v = in.type().min(); v <= in.type().max(); v++) {
                int x = v;
                QuantParams at = in;
                for (org.mobilenet.engine.model.InputStep s : steps) {
                    int[] k = s.constant().values();
                    if (k.length != 1 && k.length != channels) {
                        throw new IllegalArgumentException("an input step's constant has " + k.length + " values for "
                                + channels + " channels");
                    }
                    int b = k[k.length == 1 ? 0 : c];
                    x = switch (s.op()) {
                        case MUL -> new QuantMul(at, s.constant().quant(), s.output()).apply(x, b);
                        case ADD -> new QuantAdd(at, s.constant().quant(), s.output(), Activation.NONE).apply(x, b);
                    };
                    at = s.output();
                }
                table[c][v - in.type().min()] = x;
            }
        }
        return table;
    }

    /** The input's quantization (its type is the input's dtype). */
    public QuantParams input() {
        return input;
    }

    /** The output's quantization. */
    public QuantParams output() {
        return output;
    }

    /** The per-image input shape, NHWC order: {@code [H, W, C]}. */
    public Shape inputShape() {
        return inShape;
    }

    /** The per-image output shape. */
    public Shape outputShape() {
        return outShape;
    }

    /** Which kernels run; every choice gives the same values. */
    public enum Kernels {
        /** The plain reference kernels. */
        REFERENCE,
        /** The fast kernels in plain loops only (what a cold JVM runs best). */
        LOOPS,
        /** The fast kernels with the Vector API ones (the loops where the JVM lacks the module). */
        VECTOR,
        /** LOOPS until the Vector API kernels are compiled ({@link VectorWarmUp}), then VECTOR. */
        AUTO
    }

    /** Runs {@code batch} images (NHWC, the input's type) with the fast kernels. */
    public int[] forward(int[] in, int batch) {
        return forward(in, batch, Kernels.AUTO);
    }

    /** Runs {@code batch} images with the plain reference kernels. */
    public int[] forwardReference(int[] in, int batch) {
        return forward(in, batch, Kernels.REFERENCE);
    }

    /** Runs {@code batch} images with the given kernels. */
    public int[] forward(int[] in, int batch, Kernels kernels) {
        return run(in, batch, kernels);
    }

    /**
     * Reals quantized with the input's params as the runtime's QUANTIZE does it (XNNPACK's convert):
     * {@code x / scale} in float, rounded half to even, plus the zero point, clamped to the type.
     * For Coral's inputs (scale 1/128, zero point 128) and an image normalized as {@code (p - 128) / 128},
     * that is the pixel value {@code p} rounded to the nearest integer.
     */
    public int[] quantizeInput(float[] x) {
        float scale = input.scale();
        int zero = input.zeroPoint();
        QuantType t = input.type();
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = Math.rint(x[i] / scale) + zero;
            q[i] = (int) Math.max(t.min(), Math.min(t.max(), v));
        }
        return q;
    }

    /** The outputs as reals, {@code scale * (q - zeroPoint)}. */
    public float[] dequantize(int[] q) {
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = output.dequantize(q[i], 0);
        }
        return out;
    }

    private int[] run(int[] in, int batch, Kernels kernels) {
        boolean reference = kernels == Kernels.REFERENCE;
        boolean vector = kernels == Kernels.VECTOR || kernels == Kernels.AUTO && VectorWarmUp.warm();
        int inSize = inShape.h() * inShape.w() * inShape.c();
        int outSize = outShape.h() * outShape.w() * outShape.c();
        if (batch < 1 || (long) inSize * batch != in.length) {
            throw new IllegalArgumentException("expected " + batch + " images of " + inSize + " values, got "
                    + in.length + " values");
        }
        QuantType t = input.type();
        for (int v : in) {
            if (!t.holds(v)) {
                throw new IllegalArgumentException("input value " + v + " is outside " + t.id() + "'s range");
            }
        }
        int[] result = new int[outSize * batch];
        int[][] keptOut = new int[layers.size()][];
        int channels = inShape.c();
        for (int b = 0; b < batch; b++) {
            int[] cur = new int[inSize];
            System.arraycopy(in, b * inSize, cur, 0, inSize);
            if (inputTable != null) {
                for (int i = 0; i < inSize; i++) {
                    cur[i] = inputTable[i % channels][cur[i] - t.min()];
                }
            }
            for (int i = 0; i < layers.size(); i++) {
                QLayer l = layers.get(i);
                Shape o = l.spec.out();
                int[] next = new int[o.h() * o.w() * o.c()];
                int[] addend = addendIndex[i] >= 0 ? keptOut[addendIndex[i]] : null;
                if (reference) {
                    l.reference(cur, addend, next);
                } else {
                    l.fast(cur, addend, next, vector);
                }
                if (kept[i]) {
                    keptOut[i] = next;
                }
                cur = next;
            }
            System.arraycopy(cur, 0, result, b * outSize, outSize);
        }
        return result;
    }
}
