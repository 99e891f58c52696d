package org.mobilenet.cli.run;

import java.nio.file.Path;
import java.util.Arrays;
import org.mobilenet.cli.ort.Layouts;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.quant.Requantize;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;

/**
 * Runs a model on a tensor in the model's own input layout and dtype, as {@code mobilenet run} does:
 * <ul>
 * <li>a quantized model whose file takes quantized values (Coral's uint8 TFLite models): its input
 * dtype (uint8 or int8), NHWC; with {@link Precision#INT8} the output is in the model's output dtype
 * ({@link QuantizedNetwork}), with {@link Precision#FLOAT} the values are dequantized, run in float,
 * and the output is float32;
 * <li>a quantized model whose file takes floats (a QUANTIZE at its input): float32 NHWC, quantized
 * with the input's params for the integer path;
 * <li>a float model, or a quantized ONNX (QDQ) file, which takes floats: float32, NHWC for TFLite and
 * Keras files and ONNX graphs with an NHWC input, NCHW for PyTorch-style ONNX and safetensors.
 * </ul>
 * The input is a batch {@code [N, ...]}; the output {@code [N, C]} (a pooled or classified 1x1xC).
 */
public final class TensorRunner {
    private final Model model;
    private final Precision precision;
    private final Path modelFile;

    public TensorRunner(Model model, Path modelFile, Precision precision) {
        this.model = model;
        this.modelFile = modelFile;
        this.precision = precision != null ? precision : model.isQuantized() ? Precision.INT8 : Precision.FLOAT;
        if (this.precision == Precision.INT8 && !model.isQuantized()) {
            throw new UnsupportedModelException(modelFile + ": a float model has no integer path (--precision int8"
                    + " needs a quantized model, such as a uint8 or int8 TFLite file)");
        }
    }

    /** The precision that runs (the default resolved). */
    public Precision precision() {
        return precision;
    }

    /** The input dtype the model takes. */
    public NpyDtype inputDtype() {
        ModelQuantization q = model.quantization().orElse(null);
        String pixels = model.metadata().get(Model.PIXEL_INPUT_KEY);
        if (pixels != null) {
            // The file's own pixels (its graph preprocesses them): uint8 or int8 as it takes them, else float32.
            return pixels.equals("uint8") ? NpyDtype.UINT8 : pixels.equals("int8") ? NpyDtype.INT8 : NpyDtype.FLOAT32;
        }
        if (takesIntegers()) {
            return dtype(q.takes().type());
        }
        return NpyDtype.FLOAT32;
    }

    /**
     * Whether the file takes the integers themselves: a quantized model whose source took them (Coral's
     * TFLite models), except an ONNX file, whose QDQ graph takes and gives floats whatever its
     * {@code quantized.input} metadata says of the model it was written from.
     */
    private boolean takesIntegers() {
        return model.quantization().map(ModelQuantization::quantizedInput).orElse(false) && !onnx();
    }

    /** Whether the file gives the integers themselves (see {@link #takesIntegers()}). */
    private boolean givesIntegers() {
        return model.quantization().map(ModelQuantization::quantizedOutput).orElse(false) && !onnx();
    }

    private boolean onnx() {
        return "onnx".equals(model.metadata().get("format"));
    }

    /**
     * True when the model takes NCHW input (PyTorch-style), false for NHWC: an ONNX file's own input
     * layout (a quantized QDQ file's too: it takes floats), NHWC for TFLite and Keras files (.h5,
     * .weights.h5 and .keras alike), NCHW for the rest (safetensors).
     */
    public boolean nchw() {
        String format = model.metadata().getOrDefault("format", "");
        return switch (format) {
            case "onnx" -> !"NHWC".equals(model.metadata().get("onnx.input_layout"));
            case "tflite", "keras", "keras-h5" -> false;
            default -> !model.isQuantized();
        };
    }

    /** The per-image input shape in the model's layout. */
    public int[] imageShape() {
        Shape s = model.graph().input();
        return nchw() ? new int[] {s.c(), s.h(), s.w()} : new int[] {s.h(), s.w(), s.c()};
    }

    /** Runs the batch in {@code in} (read from {@code inFile}, for messages). */
    public NpyArray run(NpyArray in, Path inFile) throws BadInputException {
        int[] shape = in.shape();
        int[] image = imageShape();
        NpyDtype want = inputDtype();
        if (in.dtype() != want || shape.length != 4 || shape[0] < 1
                || !Arrays.equals(Arrays.copyOfRange(shape, 1, 4), image)) {
            String sized = model.metadata().get(org.mobilenet.io.onnx.OnnxImport.DYNAMIC_INPUT);
            throw new BadInputException(inFile, "expected " + want.numpyName() + " [N, " + image[0] + ", " + image[1]
                    + ", " + image[2] + "] (" + (nchw() ? "NCHW" : "NHWC") + ") for " + modelFile.getFileName()
                    + ", found " + in.dtype().numpyName() + " " + Arrays.toString(shape)
                    + (sized != null ? " (the model's input size is symbolic, taken as " + sized
                            + ": --input-size N runs it at N x N)" : ""));
        }
        int n = shape[0];
        return precision == Precision.INT8 ? integer(in, n) : floating(in, n);
    }

    private NpyArray integer(NpyArray in, int n) {
        ModelQuantization q = model.quantization().orElseThrow();
        QuantizedNetwork net = QuantizedNetwork.compile(model);
        int[] x;
        int[] chw = imageShape();
        if (takesIntegers()) {
            x = nchw() ? Layouts.toNhwc(in.ints(), n, chw[1], chw[2], chw[0]) : in.ints();
            if (q.fileInput() != null) {
                x = Requantize.of(x, q.fileInput(), q.input()); // the file's own QUANTIZE at its input
            }
        } else {
            float[] f = in.floats();
            x = net.quantizeInput(nchw() ? Layouts.toNhwc(f, n, chw[1], chw[2], chw[0]) : f);
        }
        int[] y = net.forward(x, n);
        int[] outShape = {n, y.length / n};
        if (givesIntegers()) {
            if (q.fileOutput() != null) {
                return NpyArray.ofInts(dtype(q.fileOutput().type()), outShape, Requantize.of(y, net.output(),
                        q.fileOutput())); // the file's own QUANTIZE at its output
            }
            return NpyArray.ofInts(dtype(net.output().type()), outShape, y);
        }
        return NpyArray.ofFloats(outShape, net.dequantize(y));
    }

    private NpyArray floating(NpyArray in, int n) {
        float[] x;
        ModelQuantization q = model.quantization().orElse(null);
        String pixels = model.metadata().get(Model.PIXEL_INPUT_KEY);
        // (a file that preprocesses its pixels itself takes them raw: their preprocessing is below)
        if (takesIntegers() && pixels == null) {
            int[] v = in.ints();
            if (nchw()) {
                int[] chw = imageShape();
                v = Layouts.toNhwc(v, n, chw[1], chw[2], chw[0]);
            }
            x = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                x[i] = q.takes().dequantize(v[i], 0);
            }
        } else {
            x = in.floats();
            if (nchw()) {
                int[] chw = imageShape();
                x = Layouts.toNhwc(x, n, chw[1], chw[2], chw[0]);
            }
        }
        if (pixels != null) {
            // The file takes pixels and preprocesses them itself; the engine takes them preprocessed. An
            // int8 input holds pixel - 128.
            if (pixels.equals("int8")) {
                for (int i = 0; i < x.length; i++) {
                    x[i] += 128;
                }
            }
            model.networkInput(x, x);
        }
        float[] y;
        try (Network net = Network.compile(model)) {
            net.noWarmUpAfterPass(); // one pass
            y = net.forward(x, n);
        }
        return NpyArray.ofFloats(new int[] {n, y.length / n}, y);
    }

    static NpyDtype dtype(QuantType t) {
        return switch (t) {
            case UINT8 -> NpyDtype.UINT8;
            case INT8 -> NpyDtype.INT8;
            case INT32 -> NpyDtype.INT32;
        };
    }
}
