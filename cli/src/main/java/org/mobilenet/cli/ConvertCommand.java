package org.mobilenet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import org.mobilenet.io.ModelFormats;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxQdqExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mobilenet convert IN OUT}: between ONNX, safetensors and TFLite. */
@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Convert a MobileNet (v1, v2 or another layer graph) between ONNX, TFLite, safetensors and Keras; formats follow",
            "the file extensions. ONNX is written NCHW with BatchNorm folded, ReLU6 as Clip, a symbolic batch dimension N",
            "and the architecture, preprocessing and labels in its metadata. TFLite is written NHWC (schema 3) with fused",
            "activations, SAME/VALID padding or a PAD, and the labels and normalization as TFLite metadata.",
            "A quantized model stays quantized: TFLite with its own integers, scales and zero points, ONNX as",
            "QuantizeLinear/DequantizeLinear (QDQ); --dequantize writes the float model instead. Keras output (.h5 legacy",
            "weights, .weights.h5, .keras) is keras.applications.MobileNet or MobileNetV2, in float (a 1001-class model",
            "loses its background class). The output is written atomically.",
        })
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputSizeOption inputSize;

    @Parameters(index = "0", paramLabel = "IN", description = "The model to read (.onnx, .safetensors, .tflite, .h5, .weights.h5 or .keras).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write (.onnx, .safetensors, .tflite, .h5, .weights.h5 or .keras).")
    Path out;

    @Option(names = "--from", paramLabel = "FORMAT", description = "Input format (onnx, safetensors, tflite, keras-h5, keras), overriding IN's extension.",
            completionCandidates = Candidates.Formats.class)
    String from;

    @Option(names = "--to", paramLabel = "FORMAT", description = "Output format (onnx, safetensors, tflite, keras-h5, keras), overriding OUT's extension.",
            completionCandidates = Candidates.Formats.class)
    String to;

    @Option(names = "--opset", defaultValue = "13", paramLabel = "N",
            description = "ONNX opset to write, 11 to 21 (default: ${DEFAULT-VALUE}).")
    int opset;

    @Option(names = "--no-softmax", description = "End at the logits: write no Softmax.")
    boolean noSoftmax;

    @Option(names = "--layer-outputs", description = "ONNX: also list every layer's output (named after the layer) as a graph output.")
    boolean layerOutputs;

    @Option(names = "--dequantize", description = "Write a quantized model as float (its weights dequantized) instead of keeping it quantized.")
    boolean dequantize;

    @Option(names = "--float16", description = "Store a float model's weights and biases as float16: half the file."
            + " TFLite: each behind a DEQUANTIZE operator (TFLite's float16 quantization; it computes in float32 with"
            + " the float16 values). ONNX: the graph in half precision, its input and output float32 (ONNX Runtime"
            + " computes in float16). A quantized model needs --dequantize with it.")
    boolean float16;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    /**
     * The model ending at its logits: a spec without softmax, or a graph without its final softmax
     * layer; a quantized model keeps the quantization of the layers that remain.
     */
    static Model withoutSoftmax(Model model) {
        if (model.isQuantized()) {
            // The quantization names the softmax's output: the float model changes first, then gets
            // the quantization of the layers it keeps.
            Model f = withoutSoftmax(model.dequantized());
            java.util.Set<String> kept = new java.util.HashSet<>();
            f.graph().layers().forEach(l -> kept.add(l.name()));
            return f.withQuantization(model.quantization().orElseThrow().retainLayers(kept));
        }
        if (model.isV1()) {
            return model.withSpec(model.spec().withSoftmax(false));
        }
        if (model.architecture() instanceof org.mobilenet.engine.arch.MobileNetV2Spec v2) {
            return model.withArchitecture(v2.withSoftmax(false));
        }
        org.mobilenet.engine.arch.LayerGraph g = model.graph();
        if (!g.hasSoftmax()) {
            return model;
        }
        return model.withArchitecture(new org.mobilenet.engine.arch.LayerGraph(g.family(), g.input(),
                g.layers().subList(0, g.layers().size() - 1)));
    }

    @Override
    public Integer call() throws Exception {
        ModelFormat inFormat = format(from, in, "--from", "IN");
        ModelFormat outFormat = format(to, out, "--to", "OUT");
        if (outFormat != ModelFormats.ONNX
                && (layerOutputs || spec.commandLine().getParseResult().hasMatchedOption("--opset"))) {
            throw new IllegalArgumentException("--opset and --layer-outputs apply to ONNX output only, not " + outFormat.id());
        }
        if (float16 && outFormat != ModelFormats.TFLITE && outFormat != ModelFormats.ONNX) {
            throw new IllegalArgumentException("--float16 applies to TFLite and ONNX output only, not " + outFormat.id());
        }
        if (!outFormat.canWrite()) {
            throw new IllegalArgumentException("writing " + outFormat.id() + " is not supported; write "
                    + ModelFormats.writableExtensions());
        }
        OnnxExportOptions onnx = new OnnxExportOptions(opset, !noSoftmax, layerOutputs);
        if (!force && Files.exists(out)) {
            throw new OutputException(out, "already exists (use --force to overwrite)");
        }
        Model model = inputSize.load(in, inFormat);
        if (dequantize) {
            model = model.dequantized();
        }
        if (outFormat == ModelFormats.ONNX && model.isQuantized() && opset < OnnxQdqExporter.MIN_OPSET) {
            throw new IllegalArgumentException("--opset " + opset + " cannot write " + in + " quantized: its per-channel"
                    + " DequantizeLinear needs opset " + OnnxQdqExporter.MIN_OPSET + " or later (use a later --opset, or"
                    + " --dequantize)");
        }
        if (float16 && model.isQuantized()) {
            throw new IllegalArgumentException("--float16 stores a float model's weights; " + in + " is quantized"
                    + " (add --dequantize to write its dequantized weights as float16)");
        }
        if (noSoftmax) {
            model = withoutSoftmax(model);
        }
        for (String note : outFormat.writeNotes(model)) {
            spec.commandLine().getErr().println("note: " + note);
        }
        String others = model.metadata().get(org.mobilenet.io.onnx.OnnxImport.OTHER_OUTPUTS);
        if (others != null) {
            spec.commandLine().getErr().println("note: " + in + "'s other outputs (" + others + ") are values of its"
                    + " layers and are not written; the model's output is its last layer's");
        }
        try {
            ModelFiles.save(model, out, outFormat, new ModelFiles.SaveOptions(onnx, force, float16));
        } catch (BadInputException e) {
            throw e;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new OutputException(out, "already exists (use --force to overwrite)", e);
        } catch (IOException e) {
            throw new OutputException(out, "cannot write: " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("Wrote " + out + " (" + outFormat.id() + ", " + model.describe()
                + (model.isQuantized() && (outFormat == ModelFormats.ONNX || outFormat == ModelFormats.TFLITE) ? ", quantized" : "")
                + (float16 ? ", float16 weights" : "") + ")");
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }

    private static ModelFormat format(String explicit, Path file, String option, String param) {
        if (explicit != null) {
            return ModelFormats.parse(explicit);
        }
        ModelFormat f = ModelFormats.of(file);
        if (f == null) {
            throw new IllegalArgumentException(param + " '" + file + "' has no " + ModelFormats.extensions() + " extension; give "
                    + option);
        }
        return f;
    }
}
