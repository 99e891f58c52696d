package org.mobilenet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobilenet.io.json.Json;
import org.mobilenet.cli.format.OutputFormat;
import org.mobilenet.cli.format.TextTable;
import org.mobilenet.engine.eval.Agreement;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.shrink.Criterion;
import org.mobilenet.engine.shrink.ShrinkOptions;
import org.mobilenet.engine.shrink.ShrinkReport;
import org.mobilenet.engine.shrink.Shrinker;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import org.mobilenet.io.ModelFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mobilenet shrink}: a thinner (alpha), lower-resolution (rho) or shallow model from a trained one. */
@Command(name = "shrink", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Make a smaller MobileNet from a trained one by the paper's width multiplier (alpha), resolution multiplier (rho) or shallow variant.",
            "Each layer keeps its most important channels. The result must be retrained to recover accuracy: "
                    + "--eval-images shows how much the shrunk model still agrees with the source.",
        })
public final class ShrinkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputSizeOption inputSize;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "The trained source model (in the shell, the loaded model by default).")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the shrunk model (.onnx, .safetensors, .tflite, .h5, .weights.h5 or .keras, by its"
                    + " extension); not needed with --dry-run.")
    Path output;

    @Option(names = "--arch", paramLabel = "ARCH", completionCandidates = ArchitectureOptions.Families.class,
            description = "The source's architecture, v1 or v2: when given, a source of the other family is refused. "
                    + "Default: whatever the source is (both shrink).")
    String arch;

    @Option(names = "--alpha", paramLabel = "A",
            description = "Target width multiplier, absolute (against the paper's widths); at most the source's. Default: the source's.")
    Double alpha;

    @Option(names = "--resolution", paramLabel = "R",
            description = "Target input resolution: a size (square, 32 to 4096) or height x width such as 160x224. "
                    + "Default: the source's.")
    String resolution;

    @Option(names = "--shallow", description = "Remove the five 14x14x512 separable blocks (Table 5).")
    boolean shallow;

    @Option(names = "--criterion", defaultValue = "l1", paramLabel = "C", completionCandidates = Candidates.Criteria.class,
            description = "Channel ranking: l1 (L1 norm of each channel's filter), l2, or random (a baseline). Default: ${DEFAULT-VALUE}.")
    String criterion;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of --criterion random.")
    long seed;

    @Option(names = "--eval-images", paramLabel = "DIR",
            description = "Report top-1 / top-5 agreement of the shrunk model with the source on these images.")
    Path evalImages;

    @Option(names = "--calibration-images", paramLabel = "DIR",
            description = "Correct each layer's bias for the channels removed from its input, using their mean "
                    + "activation in the source on these images (recovers much of the lost agreement).")
    Path calibrationImages;

    @Option(names = "--ignore-exif",
            description = "Read --eval-images and --calibration-images as stored, ignoring their EXIF (or TIFF) orientation tag.")
    boolean ignoreExif;

    @Option(names = "--dry-run", description = "Print the report without writing a model.")
    boolean dryRun;

    @Option(names = "--force", description = "Overwrite an existing output file.")
    boolean force;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.",
            converter = OutputFormat.TableOrJson.class, completionCandidates = OutputFormat.TableOrJsonNames.class)
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        String family = arch == null ? null : ArchitectureOptions.family(arch);
        Resolution targetSize = resolution == null ? null : Resolution.parse(resolution);
        if (format != OutputFormat.TABLE && format != OutputFormat.JSON) {
            throw new IllegalArgumentException("--format must be table or json");
        }
        if (output == null && !dryRun) {
            throw new IllegalArgumentException("give --output FILE, or --dry-run");
        }
        if (output != null && !dryRun) {
            ModelFormat f = ModelFormats.of(output);
            if (f == null || !f.canWrite()) {
                throw new IllegalArgumentException("--output " + output + ": expected a " + ModelFormats.writableExtensions()
                        + " file name");
            }
        }
        if (output != null && !dryRun && !force && output.toFile().exists()) {
            throw new OutputException(output, "already exists (use --force to overwrite)");
        }
        Model source = inputSize.model(Session.of(spec), model);
        if (family != null && !family.equals(source.graph().family())) {
            throw new IllegalArgumentException("--arch " + arch.trim() + ", but the source is " + source.describe());
        }
        double sourceAlpha;
        if (source.architecture() instanceof MobileNetV2Spec v2) {
            sourceAlpha = v2.alpha();
        } else {
            sourceAlpha = source.requireV1("shrunk").alpha();
        }
        ShrinkOptions o = new ShrinkOptions(alpha == null ? sourceAlpha : alpha,
                targetSize == null ? new Resolution(source.inputHeight(), source.inputWidth()) : targetSize, shallow,
                Criterion.parse(criterion), seed);
        Model shrunk = calibrationImages == null ? Shrinker.shrink(source, o)
                : Shrinker.shrink(source, o, ShrinkEvaluation.channelMeans(source, calibrationImages, ignoreExif));
        ShrinkReport report = ShrinkReport.of(source, shrunk);
        Agreement agreement = evalImages == null ? null : ShrinkEvaluation.agreement(source, shrunk, evalImages, ignoreExif);
        if (!dryRun) {
            try {
                ModelFiles.save(shrunk, output, new ModelFiles.SaveOptions(
                        org.mobilenet.io.onnx.OnnxExportOptions.defaults(), force));
            } catch (org.mobilenet.io.BadInputException e) {
                throw e;
            } catch (IOException e) {
                throw new OutputException(output, "cannot write: " + e.getMessage(), e);
            }
        }
        print(spec.commandLine().getOut(), report, agreement, o);
        return ExitCode.OK;
    }

    private void print(PrintWriter out, ShrinkReport r, Agreement a, ShrinkOptions o) {
        if (format == OutputFormat.JSON) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", ProfileJson.model(r.before().architecture()));
            m.put("target", ProfileJson.model(r.after().architecture()));
            m.put("criterion", o.criterion().id());
            m.put("before", Map.of("multAdds", r.before().totalMultAdds(), "params", r.before().totalParams()));
            m.put("after", Map.of("multAdds", r.after().totalMultAdds(), "params", r.after().totalParams()));
            m.put("multAddsRatio", r.multAddsRatio());
            m.put("paramsRatio", r.paramsRatio());
            m.put("predictedMultAddsRatio", orNull(r.predictedMultAddsRatio()));
            m.put("predictedParamsRatio", orNull(r.predictedParamsRatio()));
            if (a != null) {
                m.put("evalImages", a.images());
                m.put("top1Agreement", a.top1Rate());
                m.put("top5Agreement", a.top5Rate());
            }
            m.put("output", dryRun ? null : output.toString());
            out.println(Json.pretty(m));
            out.flush();
            return;
        }
        out.println("Shrink " + r.before().architecture().describe() + "\n    -> " + r.after().architecture().describe() + " (criterion " + o.criterion().id() + ")");
        out.println();
        TextTable t = new TextTable("", "Before", "After", "Ratio", "Predicted (alpha^2 rho^2)").rightAlign(1, 2, 3, 4);
        t.add("Mult-Adds", String.format(Locale.ROOT, "%,d", r.before().totalMultAdds()),
                String.format(Locale.ROOT, "%,d", r.after().totalMultAdds()), ratio(r.multAddsRatio()), ratio(r.predictedMultAddsRatio()));
        t.add("Params", String.format(Locale.ROOT, "%,d", r.before().totalParams()),
                String.format(Locale.ROOT, "%,d", r.after().totalParams()), ratio(r.paramsRatio()), ratio(r.predictedParamsRatio()));
        out.print(t.text());
        if (a != null) {
            out.println();
            out.printf(Locale.ROOT, "Agreement with the source on %d images: top-1 %.1f%%, top-5 %.1f%% (retrain to recover accuracy)%n",
                    a.images(), 100 * a.top1Rate(), 100 * a.top5Rate());
        }
        out.println(dryRun ? "Dry run: nothing written." : "Wrote " + output);
        out.flush();
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** A prediction, or "n/a" where the variant changed. */
    private static String ratio(java.util.OptionalDouble v) {
        return v.isPresent() ? ratio(v.getAsDouble()) : "n/a (layers removed)";
    }

    private static Double orNull(java.util.OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : null;
    }
}
