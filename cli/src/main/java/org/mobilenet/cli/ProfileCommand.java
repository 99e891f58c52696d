package org.mobilenet.cli;

import java.io.IOException;
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
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.cost.LayerCost;
import org.mobilenet.engine.cost.LayerType;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.engine.run.KernelChoice;
import org.mobilenet.engine.run.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mobilenet profile}: the paper's Tables 1 and 2 (per-layer and per-type cost) for any architecture. */
@Command(name = "profile", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Print Mult-Adds and parameters per layer (the paper's Table 1) and by layer type (Table 2).",
            "--arch v2 profiles MobileNet v2 (Sandler et al. 2018, Table 2), with its residual adds as layers of their own.",
            "Several comma-separated values for --alpha, --resolution or --variant print one row per combination.",
            "With --model, the file's architecture is profiled (and --measure times its weights); in the shell, the "
                + "loaded model is profiled unless --model or an architecture option is given.",
        })
public final class ProfileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputSizeOption inputSize;

    @Mixin
    ArchitectureOptions arch;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "Profile this model file's architecture (.onnx, .safetensors or .tflite) instead of the "
                    + "architecture options; in the shell the loaded model is the default.")
    Path modelFile;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, csv, json or markdown (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--include-bias-bn",
            description = "Count biases and BatchNorm parameters too (the paper counts weights only).")
    boolean includeExtra;

    @Option(names = "--measure", description = "Run the engine and add each layer's measured time and share.")
    boolean measure;

    @Option(names = "--runs", defaultValue = "20", paramLabel = "N",
            description = "Timed forward passes for --measure (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "-1", paramLabel = "N",
            description = "Untimed forward passes before measuring (default: as many as fill 2 seconds, at least 30, "
                    + "so the JIT has compiled every kernel).")
    int warmup;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B",
            description = "Images per timed forward pass for --measure; the times are per image (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Threads the engine splits each layer over for --measure (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException {
        Model model = model();
        if (runs < 1 || threads < 1 || batch < 1) {
            throw new IllegalArgumentException("--runs, --threads and --batch must be >= 1");
        }
        if (warmup < 0 && spec.commandLine().getParseResult().hasMatchedOption("--warmup")) {
            throw new IllegalArgumentException("--warmup must be >= 0 (without it, as many passes as fill 2 seconds)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (model != null) {
            printOne(out, CostModel.of(model), measure ? measure(model) : null);
        } else {
            List<Architecture> archs = arch.architectures();
            if (archs.size() > 1) {
                if (measure) {
                    throw new IllegalArgumentException("--measure times one architecture; give one value each for "
                            + "--alpha, --resolution and --variant");
                }
                printGrid(out, archs);
            } else {
                Architecture a = archs.get(0);
                printOne(out, CostModel.of(a), measure ? measure(SeededInit.create(a, 1)) : null);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    /** Each layer's median time in milliseconds per image, in passes of --batch images. */
    private Map<String, Double> measure(Model m) {
        try (Network net = Network.compile(m, KernelChoice.defaultKernels(), threads)) {
            return LayerTimer.medianMillis(net, batch, warmup, runs);
        }
    }

    /** The model to profile: --model, else (without architecture options) the shell's loaded model, else none. */
    private Model model() throws IOException {
        if (modelFile != null) {
            if (arch.anyGiven(spec)) {
                throw new IllegalArgumentException("give either --model or --alpha/--resolution/--classes/--variant");
            }
            return inputSize.model(Session.of(spec), modelFile);
        }
        return arch.anyGiven(spec) ? null : Session.of(spec).model().orElse(null);
    }

    private void printOne(PrintWriter out, CostReport r, Map<String, Double> times) {
        if (format == OutputFormat.JSON) {
            out.println(Json.pretty(ProfileJson.report(r, includeExtra, true, times)));
            return;
        }
        long totalMa = r.totalMultAdds();
        long totalParams = r.totalParams(includeExtra);
        double totalTime = times == null ? 0 : times.values().stream().mapToDouble(Double::doubleValue).sum();
        List<String> head = new ArrayList<>(List.of("Layer", "Type / Stride", "Filter Shape", "Input Size",
                "Output Size", "Mult-Adds", "Params", "% Mult-Adds", "% Params"));
        if (times != null) {
            head.addAll(List.of("Time (ms)", "% Time"));
        }
        TextTable t1 = new TextTable(head.toArray(String[]::new)).rightAlign(5, 6, 7, 8);
        if (times != null) {
            t1.rightAlign(9, 10);
        }
        boolean numbersRaw = format == OutputFormat.CSV;
        for (LayerCost c : r.layers()) {
            LayerSpec l = c.layer();
            List<Object> row = new ArrayList<>(List.of(l.name(), Describe.typeAndStride(l), Describe.filter(l),
                    l.in().toString(), l.out().toString(), count(c.multAdds(), numbersRaw),
                    count(c.params(includeExtra), numbersRaw), pct(c.multAdds(), totalMa), pct(c.params(includeExtra), totalParams)));
            if (times != null) {
                double ms = times.getOrDefault(l.name(), 0.0);
                row.add(String.format(Locale.ROOT, "%.3f", ms));
                row.add(String.format(Locale.ROOT, "%.2f%%", 100 * ms / totalTime));
            }
            t1.add(row.toArray());
        }
        if (format == OutputFormat.CSV) {
            out.print(t1.csv());
            return;
        }
        boolean md = format == OutputFormat.MARKDOWN;
        // v1's headings name the tables of Howard et al. they reproduce; v2's paper numbers its tables
        // differently (its Table 2 is the layer list), so its headings just say what they show.
        boolean v1 = r.architecture() instanceof ModelSpec;
        out.println((md ? "### " : "") + (v1 ? "Table 1: " : "Layers: ") + r.architecture().describe());
        out.println();
        out.print(t1.render(format));
        out.println();
        out.println((md ? "### " : "") + (v1 ? "Table 2: resources per layer type" : "Resources per layer type"));
        out.println();
        List<String> head2 = new ArrayList<>(List.of("Type", "Mult-Adds", "Params", "% Mult-Adds", "% Params"));
        if (times != null) {
            head2.add("% Time");
        }
        TextTable t2 = new TextTable(head2.toArray(String[]::new)).rightAlign(1, 2, 3, 4);
        Map<LayerType, Double> timeByType = new LinkedHashMap<>();
        if (times != null) {
            for (LayerCost c : r.layers()) {
                LayerType t = c.type();
                timeByType.merge(t, times.getOrDefault(c.layer().name(), 0.0), Double::sum);
            }
        }
        r.byType(includeExtra).values().forEach(s -> {
            List<Object> row = new ArrayList<>(List.of(s.type().title(), count(s.multAdds(), false), count(s.params(), false),
                    String.format(Locale.ROOT, "%.2f%%", s.multAddsPercent()),
                    String.format(Locale.ROOT, "%.2f%%", s.paramsPercent())));
            if (times != null) {
                row.add(String.format(Locale.ROOT, "%.2f%%", 100 * timeByType.getOrDefault(s.type(), 0.0) / totalTime));
            }
            t2.add(row.toArray());
        });
        out.print(t2.render(format));
        out.println();
        out.printf(Locale.ROOT, "Total: %s Mult-Adds (%.1fM), %s params (%.2fM)%s%n", count(totalMa, false), totalMa / 1e6,
                count(totalParams, false), totalParams / 1e6, includeExtra ? " including biases and BN" : "");
        if (times != null) {
            out.printf(Locale.ROOT, "Measured: %.3f ms per image (median of %d runs of %d image%s, %s kernels, %d thread%s); "
                    + "1x1 convolutions took %.1f%% of the time (the paper: 95%%), pooling and softmax %.2f%%.%n",
                    totalTime, runs, batch, batch == 1 ? "" : "s", KernelChoice.defaultKernels().name(), threads,
                    threads == 1 ? "" : "s",
                    100 * timeByType.getOrDefault(LayerType.CONV_1X1, 0.0) / totalTime,
                    100 * timeByType.getOrDefault(null, 0.0) / totalTime);
        }
    }

    private void printGrid(PrintWriter out, List<Architecture> archs) {
        if (format == OutputFormat.JSON) {
            List<Object> all = new ArrayList<>();
            for (Architecture a : archs) {
                all.add(ProfileJson.report(CostModel.of(a), includeExtra, false, null));
            }
            out.println(Json.pretty(all));
            return;
        }
        boolean raw = format == OutputFormat.CSV;
        // v2 has no variants: its grid leaves that column out (all values are from one --arch).
        boolean variants = archs.get(0) instanceof ModelSpec;
        List<String> head = new ArrayList<>(List.of("Alpha", "Resolution", "Variant", "Mult-Adds", "Params",
                "Mult-Adds (M)", "Params (M)"));
        if (!variants) {
            head.remove("Variant");
        }
        TextTable t = new TextTable(head.toArray(String[]::new)).rightAlign(variants ? new int[] {0, 1, 3, 4, 5, 6}
                : new int[] {0, 1, 2, 3, 4, 5});
        for (Architecture a : archs) {
            CostReport r = CostModel.of(a);
            List<Object> row = new ArrayList<>();
            if (a instanceof ModelSpec s) {
                row.addAll(List.of(Describe.number(s.alpha()), s.inputResolution().id(), s.variant().id()));
            } else {
                MobileNetV2Spec s = (MobileNetV2Spec) a;
                row.addAll(List.of(Describe.number(s.alpha()), s.resolution().id()));
            }
            row.addAll(List.of(count(r.totalMultAdds(), raw), count(r.totalParams(includeExtra), raw),
                    String.format(Locale.ROOT, "%.1f", r.totalMultAdds() / 1e6),
                    String.format(Locale.ROOT, "%.2f", r.totalParams(includeExtra) / 1e6)));
            t.add(row.toArray());
        }
        out.print(t.render(format));
    }

    private static String count(long v, boolean raw) {
        return raw ? Long.toString(v) : String.format(Locale.ROOT, "%,d", v);
    }

    private static String pct(long part, long total) {
        return total == 0 ? "0.00%" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / total);
    }
}
