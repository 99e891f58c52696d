package org.mobilenet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobilenet.cli.format.Json;
import org.mobilenet.cli.format.OutputFormat;
import org.mobilenet.cli.format.TextTable;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.cost.LayerCost;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.OnnxImport;
import org.mobilenet.io.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mobilenet info MODEL}: what a model file holds, like Keras's model.summary(). */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = "Describe a model file: format, opset and producer, input and output, architecture, and a"
                + " per-layer summary with output shapes, parameters and Mult-Adds.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx, .safetensors or .tflite model.")
    Path file;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        ModelFiles.Format f = ModelFiles.Format.of(file);
        if (f == null) {
            throw new BadInputException(file, "has an unknown extension; expected .onnx, .safetensors or .tflite");
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", file.toString());
        info.put("format", f.id());
        Model model;
        if (f == ModelFiles.Format.ONNX) {
            OnnxImport imp = OnnxImporter.read(file);
            model = imp.model();
            info.put("opset", imp.opset());
            info.put("irVersion", imp.irVersion());
            info.put("producer", imp.producer());
            info.put("input", Map.of("name", imp.inputName(), "shape", imp.inputDims(), "layout", imp.inputLayout().name()));
            info.put("output", Map.of("name", imp.outputName(), "shape", List.of("N", Integer.toString(model.spec().outputSize()))));
            info.put("activation", imp.activation());
        } else {
            model = ModelFiles.load(file, f);
            int r = model.spec().resolution();
            info.put("input", Map.of("name", "input", "shape", List.of("N", Integer.toString(r), Integer.toString(r), "3"),
                    "layout", "NHWC"));
            info.put("output", Map.of("name", "output", "shape", List.of("N", Integer.toString(model.spec().outputSize()))));
        }
        ModelSpec s = model.spec();
        info.put("alpha", s.alpha());
        info.put("resolution", s.resolution());
        info.put("classes", s.classes());
        info.put("variant", s.variant().id());
        info.put("padding", s.padding().id());
        info.put("softmax", s.softmax());
        info.put("batchNorm", model.hasBatchNorm() ? "unfolded (epsilon " + model.bnEpsilon() + ")" : "folded");
        info.put("preprocessing", model.preprocessing().toString());
        info.put("labels", model.labels().size());
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
            layers.add(m);
        }
        info.put("layers", layers);
        print(spec.commandLine().getOut(), info, cost);
        return ExitCode.OK;
    }

    private void print(PrintWriter out, Map<String, Object> info, CostReport cost) {
        if (format == OutputFormat.JSON) {
            out.println(Json.write(info));
            out.flush();
            return;
        }
        if (format != OutputFormat.TABLE) {
            throw new IllegalArgumentException("--format must be table or json");
        }
        out.println("Model: " + info.get("model"));
        for (String k : List.of("format", "opset", "producer", "alpha", "resolution", "classes", "variant", "padding",
                "softmax", "activation", "batchNorm", "preprocessing", "labels")) {
            if (info.containsKey(k)) {
                out.printf(Locale.ROOT, "  %-14s %s%n", k, info.get(k));
            }
        }
        out.printf(Locale.ROOT, "  %-14s %s%n", "input", shape(info.get("input")));
        out.printf(Locale.ROOT, "  %-14s %s%n", "output", shape(info.get("output")));
        out.println();
        TextTable t = new TextTable("Layer (type)", "Output shape", "Params", "Mult-Adds").rightAlign(2, 3);
        for (LayerCost c : cost.layers()) {
            LayerSpec l = c.layer();
            t.add(l.name() + " (" + l.kind().id() + ")", "(N, " + l.out().h() + ", " + l.out().w() + ", " + l.out().c() + ")",
                    String.format(Locale.ROOT, "%,d", c.params(true)), String.format(Locale.ROOT, "%,d", c.multAdds()));
        }
        out.print(t.text());
        out.printf(Locale.ROOT, "Total params: %,d (weights %,d)%n", cost.totalParams(true), cost.totalParams(false));
        out.printf(Locale.ROOT, "Total Mult-Adds: %,d%n", cost.totalMultAdds());
        out.flush();
    }

    private static String shape(Object io) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) io;
        return m.get("name") + " " + m.get("shape") + (m.containsKey("layout") ? " " + m.get("layout") : "");
    }
}
