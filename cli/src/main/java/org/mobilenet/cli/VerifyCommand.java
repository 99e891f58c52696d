package org.mobilenet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobilenet.io.json.Json;
import org.mobilenet.cli.format.OutputFormat;
import org.mobilenet.cli.format.TextTable;
import org.mobilenet.cli.verify.JunitReport;
import org.mobilenet.cli.verify.Verifier;
import org.mobilenet.cli.verify.VerifyReport;
import org.mobilenet.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mobilenet verify MODEL}: the engine against ONNX Runtime on the same inputs. */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Run an ONNX MobileNet (v1, v2 or another layer graph) in ONNX Runtime and in the engine on the same inputs and compare the outputs.",
            "A .tflite or .safetensors model is exported to ONNX in memory first (as float).",
            "Exits 0 when |engine - ort| <= atol + rtol * |ort| for every output value, 1 otherwise.",
            "A quantized ONNX model (QDQ, as convert writes a quantized TFLite) runs on the engine's integer path",
            "against ONNX Runtime on the same quantized inputs; differences are in output quantization steps",
            "and exit 1 when one exceeds --atol-steps.",
        })
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputSizeOption inputSize;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "The model, as MODEL (the same option as in the other commands).")
    Path modelOption;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "An .onnx model (or .tflite, .safetensors; required, except in the shell after 'load FILE').")
    Path model;

    @Option(names = "--count", defaultValue = "4", paramLabel = "N", description = "Seeded random inputs (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--images", split = ",", paramLabel = "FILES",
            description = "Compare on these images (preprocessed as the model says) instead of random inputs.")
    List<Path> images;

    @Option(names = "--ignore-exif", description = "Read --images as stored, ignoring their EXIF (or TIFF) orientation tag.")
    boolean ignoreExif;

    @Option(names = "--atol", defaultValue = "1e-4", paramLabel = "X", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--rtol", defaultValue = "0", paramLabel = "X", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol-steps", defaultValue = "1", paramLabel = "N",
            description = "Quantized models: the largest output difference allowed, in quantization steps (default: ${DEFAULT-VALUE}).")
    double atolSteps;

    @Option(names = "--per-layer", description = {"Compare every layer's output and name the first that diverges",
        "(per layer, atol is scaled by the layer's largest magnitude, at least 1)."})
    boolean perLayer;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report.")
    Path junit;

    @Option(names = "--force", description = "Overwrite the --junit FILE if it exists.")
    boolean force;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json (default: ${DEFAULT-VALUE}).",
            converter = OutputFormat.TableOrJson.class, completionCandidates = OutputFormat.TableOrJsonNames.class)
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        if (format != OutputFormat.TABLE && format != OutputFormat.JSON) {
            throw new IllegalArgumentException("--format must be table or json");
        }
        model = Session.of(spec).modelFile(model, modelOption);
        if (junit != null && Files.exists(junit)) {
            // Checked before the comparison runs, as convert checks its output (the report replaced
            // the model itself when given its path).
            if (Files.exists(model) && Files.isSameFile(junit, model)) {
                throw new OutputException(junit, "is the model being verified; give the report another path");
            }
            if (!force) {
                throw new OutputException(junit, "already exists (use --force to overwrite)");
            }
        }
        // A float16 graph gets --atol when it is given, else Options.HALF_ATOL (ONNX Runtime runs it in float16).
        boolean atolGiven = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--atol");
        VerifyReport r = Verifier.verify(model, new Verifier.Options(count, seed, atol, rtol, perLayer, images,
                ignoreExif, atolSteps, atolGiven ? atol : Math.max(atol, Verifier.Options.HALF_ATOL)), inputSize.size());
        if (junit != null) {
            try {
                byte[] xml = JunitReport.xml(r, atol, rtol).getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(junit, force, out -> out.write(xml));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new OutputException(junit, "already exists (use --force to overwrite)", e);
            } catch (IOException e) {
                throw new OutputException(junit, "cannot write: " + e.getMessage(), e);
            }
        }
        print(spec.commandLine().getOut(), r);
        return r.pass() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /** The JSON form of a report. */
    static Map<String, Object> json(VerifyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", r.model());
        m.put("inputs", r.inputs());
        m.put("kernels", r.kernels());
        m.put("maxAbsDiff", r.output().maxAbsDiff());
        m.put("maxRelDiff", r.output().maxRelDiff());
        m.put("cosine", r.output().cosine());
        m.put("top1Agreement", r.top1Agreement());
        m.put("top5Agreement", r.top5Agreement());
        if (r.quantized()) {
            m.put("path", "int8");
            m.put("outputScale", r.outputScale());
            m.put("maxDiffSteps", r.maxDiffSteps());
            if (r.allowedSteps() > 0) {
                m.put("allowedSteps", r.allowedSteps()); // a sigmoid head's (see the README)
            }
        }
        if (r.halfAtol() > 0) {
            m.put("atol", r.halfAtol()); // a float16 graph's tolerance, when not the --atol asked for
        }
        m.put("pass", r.pass());
        if (r.dynamicQuantization()) {
            m.put("dynamicQuantization", true); // ONNX Runtime quantizes the activations at run time
        }
        m.put("firstDivergentLayer", r.firstDivergentLayer() == null ? null : Map.<String, Object>of(
                "layer", r.firstDivergentLayer().layer(), "maxAbsDiff", r.firstDivergentLayer().diff().maxAbsDiff(),
                "maxRelDiff", r.firstDivergentLayer().diff().maxRelDiff()));
        if (!r.layers().isEmpty()) {
            m.put("layers", r.layers().stream().map(l -> Map.of("layer", l.layer(), "maxAbsDiff", l.diff().maxAbsDiff(),
                    "maxRelDiff", l.diff().maxRelDiff(), "cosine", l.diff().cosine(), "pass", l.diff().within())).toList());
        }
        return m;
    }

    private void print(PrintWriter out, VerifyReport r) {
        if (format == OutputFormat.JSON) {
            out.println(Json.pretty(json(r)));
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "Engine%s vs ONNX Runtime on %d input%s of %s%n", r.quantized() ? " (integer path)" : "",
                r.inputs(), r.inputs() == 1 ? "" : "s", r.model());
        // Each kernel set the engine runs was compared; the figures below are the worst set's.
        out.printf(Locale.ROOT, "  kernels        %s%s%n", String.join(" and ", r.kernels()),
                r.kernels().size() > 1 ? " (the worst of them below)" : "");
        if (r.quantized()) {
            out.printf(Locale.ROOT, "  max diff       %.3g steps (atol-steps %.3g%s; step %.3g)%n", r.maxDiffSteps(),
                    atolSteps, r.allowedSteps() > 0 ? String.format(Locale.ROOT, ", %.3g through the sigmoid",
                            r.allowedSteps()) : "", r.outputScale());
        } else {
            out.printf(Locale.ROOT, "  max abs diff   %.3g (atol %.3g%s, rtol %.3g)%n", r.output().maxAbsDiff(),
                    r.halfAtol() > 0 ? r.halfAtol() : atol, r.halfAtol() > 0 ? ": a float16 graph's" : "", rtol);
        }
        out.printf(Locale.ROOT, "  max rel diff   %.3g%n", r.output().maxRelDiff());
        out.printf(Locale.ROOT, "  cosine         %.9f%n", r.output().cosine());
        out.printf(Locale.ROOT, "  top-1 agree    %.1f%%%n", 100 * r.top1Agreement());
        out.printf(Locale.ROOT, "  top-5 agree    %.1f%%%n", 100 * r.top5Agreement());
        if (!r.layers().isEmpty()) {
            out.println();
            TextTable t = new TextTable("Layer", "Max abs diff", "Max rel diff", "Cosine", "").rightAlign(1, 2, 3);
            for (VerifyReport.LayerDiff l : r.layers()) {
                t.add(l.layer(), String.format(Locale.ROOT, "%.3g", l.diff().maxAbsDiff()),
                        String.format(Locale.ROOT, "%.3g", l.diff().maxRelDiff()),
                        String.format(Locale.ROOT, "%.9f", l.diff().cosine()), l.diff().within() ? "ok" : "DIVERGES");
            }
            out.print(t.text());
        }
        if (r.firstDivergentLayer() != null) {
            out.printf(Locale.ROOT, "First divergent layer: %s (max abs diff %.3g)%n", r.firstDivergentLayer().layer(),
                    r.firstDivergentLayer().diff().maxAbsDiff());
        }
        out.println(r.pass() ? "PASS" : "FAIL: outputs differ by more than the tolerance");
        if (!r.pass() && r.dynamicQuantization()) {
            // Not a fault of either: the file asks ONNX Runtime to quantize every layer's input as it runs.
            out.println("  (the file is quantized dynamically: ONNX Runtime quantizes each layer's input at run time,"
                    + " the engine runs the float model that approximates; their outputs differ by that: --atol X allows X)");
        }
        if (!r.pass() && r.quantized() && r.top1Agreement() == 1.0) {
            // The integer path rounds as TFLite does; ONNX Runtime's QLinear kernels round their own way, and
            // in a deep int8 network the two drift apart by a few steps (README, `mobilenet verify`). Only
            // where the two still rank every input's top class alike: a disagreement there is no rounding.
            out.println("  (the integer path computes as TFLite does; ONNX Runtime's integer kernels round differently,"
                    + " and deep int8 networks drift a few steps apart: --atol-steps N allows N)");
        }
        out.flush();
    }
}
