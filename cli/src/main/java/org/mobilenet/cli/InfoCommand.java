package org.mobilenet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobilenet.io.json.Json;
import org.mobilenet.cli.format.OutputFormat;
import org.mobilenet.cli.format.TextTable;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.cost.LayerCost;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import org.mobilenet.io.ModelFormats;
import org.mobilenet.io.onnx.OnnxImport;
import org.mobilenet.io.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mobilenet info MODEL}: what a model file holds, like Keras's model.summary(). */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = "Describe a model file: format, opset and producer, input and output, architecture, and a"
                + " per-layer summary with output shapes, parameters and Mult-Adds.")
public final class InfoCommand implements Callable<Integer> {
    /** What {@code info} says of an ONNX file quantized dynamically (OnnxImport#DYNAMIC_QUANTIZATION). */
    static final String DYNAMIC = "dynamic (8-bit weights; ONNX Runtime quantizes the activations at run time, the"
            + " engine runs the float model they approximate)";


    @Spec
    CommandSpec spec;

    @Mixin
    InputSizeOption inputSize;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "The model, as MODEL (the same option as in the other commands).")
    Path modelOption;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "An .onnx, .safetensors or .tflite model (required, except in the shell after 'load FILE').")
    Path file;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json (default: ${DEFAULT-VALUE}).",
            converter = OutputFormat.TableOrJson.class, completionCandidates = OutputFormat.TableOrJsonNames.class)
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        file = Session.of(spec).modelFile(file, modelOption);
        ModelFormat f = ModelFormats.of(file);
        if (f == null) {
            throw new BadInputException(file, "has an unknown extension; expected " + ModelFormats.extensions());
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", file.toString());
        info.put("format", f.id());
        Model model;
        if (f == ModelFormats.ONNX) {
            OnnxImport imp;
            if (inputSize.size() > 0) {
                // A symbolic height and width at the asked size (refused for a file that fixes them).
                imp = OnnxImporter.read(file, ModelFiles.requireInputSize(inputSize.size()));
                OnnxImporter.sizeFor(imp.model(), inputSize.size());
            } else {
                imp = OnnxImporter.read(file);
            }
            model = imp.model();
            info.put("opset", imp.opset());
            info.put("irVersion", imp.irVersion());
            info.put("producer", imp.producer());
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("name", imp.inputName());
            input.put("shape", imp.inputDims());
            input.put("layout", imp.inputLayout().name());
            String runsAt = model.metadata().get(OnnxImport.DYNAMIC_INPUT);
            if (runsAt != null) {
                input.put("runsAt", runsAt); // the size taken for the symbolic height and width
            }
            info.put("input", input);
            info.put("output", Map.of("name", imp.outputName(), "shape", List.of("N", Integer.toString(model.outputSize()))));
            info.put("activation", imp.activation());
            String others = imp.model().metadata().get(OnnxImport.OTHER_OUTPUTS);
            if (others != null) {
                info.put("otherOutputs", others + " (layer values; not kept: the model gives " + imp.outputName() + ")");
            }
        } else {
            model = inputSize.load(file, f);
            info.put("input", Map.of("name", "input", "shape", List.of("N", Integer.toString(model.inputHeight()),
                    Integer.toString(model.inputWidth()), Integer.toString(model.graph().input().c())), "layout", "NHWC"));
            info.put("output", Map.of("name", "output", "shape", List.of("N", Integer.toString(model.outputSize()))));
        }
        architecture(info, model);
        info.put("batchNorm", model.hasBatchNorm() ? "unfolded (epsilon " + model.bnEpsilon() + ")" : "folded");
        info.put("preprocessing", model.preprocessing().toString() + pixelInput(model));
        info.put("labels", model.labels().size());
        quant = model.quantization().orElse(null);
        if (quant != null) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("input", QuantInfo.json(quant.input()));
            q.put("quantizedInput", quant.quantizedInput());
            q.put("quantizedOutput", quant.quantizedOutput());
            if (quant.fileInput() != null) {
                q.put("fileInput", QuantInfo.json(quant.fileInput())); // requantized to the network's input
            }
            if (quant.fileOutput() != null) {
                q.put("fileOutput", QuantInfo.json(quant.fileOutput())); // requantized from the last layer's output
            }
            info.put("quantization", q);
        } else if ("true".equals(model.metadata().get(org.mobilenet.io.onnx.OnnxImport.DYNAMIC_QUANTIZATION))) {
            info.put("quantization", DYNAMIC);
        }
        CostReport cost = CostModel.of(model);
        info.put("params", cost.totalParams(true));
        info.put("multAdds", cost.totalMultAdds());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerCost c : cost.layers()) {
            LayerSpec l = c.layer();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("type", l.kind().id());
            m.put("output", List.of(l.out().h(), l.out().w(), l.out().c()));
            m.put("params", c.params(true));
            m.put("multAdds", c.multAdds());
            // Added with the layer graph (v2, custom heads): each layer's own activation, and what an add adds.
            m.put("activation", l.activation().name().toLowerCase(Locale.ROOT));
            if (l.addend() != null) {
                m.put("addend", l.addend());
            }
            if (quant != null) {
                m.put("quantization", QuantInfo.layer(quant, l));
            }
            layers.add(m);
        }
        info.put("layers", layers);
        print(spec.commandLine().getOut(), info, cost);
        return ExitCode.OK;
    }

    /**
     * What the model is: {@code architecture} (one line, e.g. "MobileNet v2 (alpha 1.0, 224x224, 1001
     * classes)") and {@code arch} (v1 or v2), then the fields of a recognized v1 (alpha, resolution,
     * classes, variant, padding, softmax, as always) or v2 (alpha, resolution, classes, softmax); a
     * graph that is neither shows its input size, classes and softmax.
     */
    private static void architecture(Map<String, Object> info, Model model) {
        Architecture a = model.architecture();
        LayerGraph g = model.graph();
        info.put("architecture", a instanceof LayerGraph ? "custom MobileNet " + g.family() + " graph ("
                + g.layers().size() + " layers, matches no standard MobileNet v1 or v2)" : a.describe());
        info.put("arch", g.family());
        if (a instanceof ModelSpec s) {
            info.put("alpha", s.alpha());
            Resolution r = s.inputResolution();
            info.put("resolution", r.isSquare() ? (Object) r.h() : r.h() + "x" + r.w());
        } else if (a instanceof MobileNetV2Spec s) {
            info.put("alpha", s.alpha());
        }
        if (!(a instanceof ModelSpec)) {
            info.put("resolution", g.input().h() == g.input().w() ? (Object) g.input().h()
                    : g.input().h() + "x" + g.input().w());
        }
        info.put("classes", g.classes());
        if (a instanceof ModelSpec s) {
            info.put("variant", s.variant().id());
            info.put("padding", s.padding().id());
            info.put("softmax", s.softmax());
        } else {
            info.put("softmax", g.hasSoftmax());
        }
    }

    private ModelQuantization quant;

    private void print(PrintWriter out, Map<String, Object> info, CostReport cost) {
        if (format == OutputFormat.JSON) {
            out.println(Json.pretty(info));
            out.flush();
            return;
        }
        if (format != OutputFormat.TABLE) {
            throw new IllegalArgumentException("--format must be table or json");
        }
        out.println("Model: " + info.get("model"));
        for (String k : List.of("format", "opset", "producer", "architecture", "alpha", "resolution", "classes", "variant", "padding",
                "softmax", "activation", "batchNorm", "preprocessing", "labels")) {
            if (info.containsKey(k)) {
                out.printf(Locale.ROOT, "  %-14s %s%n", k, info.get(k));
            }
        }
        out.printf(Locale.ROOT, "  %-14s %s%n", "input", shape(info.get("input")));
        out.printf(Locale.ROOT, "  %-14s %s%n", "output", shape(info.get("output")));
        if (info.containsKey("otherOutputs")) {
            out.printf(Locale.ROOT, "  %-14s %s%n", "other outputs", info.get("otherOutputs"));
        }
        if (quant != null) {
            out.printf(Locale.ROOT, "  %-14s %s%n", "quantization", QuantInfo.summary(quant));
        } else if (DYNAMIC.equals(info.get("quantization"))) {
            out.printf(Locale.ROOT, "  %-14s %s%n", "quantization", DYNAMIC);
        }
        out.println();
        TextTable t = quant == null ? new TextTable("Layer (type)", "Output shape", "Params", "Mult-Adds").rightAlign(2, 3)
                : new TextTable("Layer (type)", "Output shape", "Params", "Mult-Adds", "Output quantization",
                        "Weight quantization").rightAlign(2, 3);
        for (LayerCost c : cost.layers()) {
            LayerSpec l = c.layer();
            String name = l.name() + " (" + l.kind().id() + ")";
            String shape = "(N, " + l.out().h() + ", " + l.out().w() + ", " + l.out().c() + ")";
            String params = String.format(Locale.ROOT, "%,d", c.params(true));
            String madds = String.format(Locale.ROOT, "%,d", c.multAdds());
            if (quant == null) {
                t.add(name, shape, params, madds);
            } else {
                t.add(name, shape, params, madds, QuantInfo.brief(quant.output(l.name())), QuantInfo.weights(quant, l));
            }
        }
        out.print(t.text());
        out.printf(Locale.ROOT, "Total params: %,d (weights %,d)%n", cost.totalParams(true), cost.totalParams(false));
        out.printf(Locale.ROOT, "Total Mult-Adds: %,d%n", cost.totalMultAdds());
        out.flush();
    }

    private static String shape(Object io) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) io;
        return m.get("name") + " " + m.get("shape") + (m.containsKey("layout") ? " " + m.get("layout") : "")
                + (m.containsKey("runsAt") ? ", run at " + m.get("runsAt") + " (--input-size N for another size)" : "");
    }

    /**
     * What the preprocessing line adds for a file that preprocesses in its graph: what it takes
     * ({@link Model#PIXEL_INPUT_KEY}), and how that comes from the pixels when it is not them as they are.
     */
    private static String pixelInput(Model model) {
        String type = model.metadata().get(Model.PIXEL_INPUT_KEY);
        if (type == null) {
            return "";
        }
        if (!model.metadata().containsKey(Model.FILE_INPUT_MEAN_KEY) && !model.metadata().containsKey(Model.FILE_INPUT_STD_KEY)) {
            return " (the file's own, in its graph: it takes " + type + " pixels)";
        }
        org.mobilenet.engine.model.Preprocessing f = model.fileInputNormalization();
        return " (the file's own, in its graph: it takes " + type + " (pixel - mean) / std with mean "
                + java.util.Arrays.toString(f.mean()) + ", std " + java.util.Arrays.toString(f.std()) + ")";
    }
}
