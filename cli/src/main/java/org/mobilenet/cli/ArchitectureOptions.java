package org.mobilenet.cli;

import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** The options that describe an architecture without a model file: alpha, resolution, classes, variant. */
public final class ArchitectureOptions {

    @Option(names = "--alpha", split = ",", paramLabel = "A",
            description = "Width multiplier(s), e.g. 1,0.75,0.5,0.25 (default: 1).")
    List<Double> alphas = new ArrayList<>(List.of(1.0));

    @Option(names = "--resolution", split = ",", paramLabel = "R",
            description = "Input resolution(s) in pixels, >= 32, e.g. 224,192,160,128 (default: 224).")
    List<Integer> resolutions = new ArrayList<>(List.of(224));

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "N",
            description = "Classifier outputs: 1000, or 1001 with a background class (default: ${DEFAULT-VALUE}); 0 for none.")
    int classes;

    @Option(names = "--variant", split = ",", paramLabel = "V",
            description = "separable (Table 1), conv (Table 4) or shallow (Table 5); several allowed (default: separable).")
    List<String> variants = new ArrayList<>(List.of("separable"));

    /** Whether any of these options was given on the command line parsed for {@code command}. */
    public boolean anyGiven(CommandSpec command) {
        ParseResult parsed = command.commandLine().getParseResult();
        return parsed != null && (parsed.hasMatchedOption("--alpha") || parsed.hasMatchedOption("--resolution")
                || parsed.hasMatchedOption("--classes") || parsed.hasMatchedOption("--variant"));
    }

    /** Every combination of the given values, alpha varying slowest. */
    public List<ModelSpec> specs() {
        List<ModelSpec> out = new ArrayList<>();
        for (String v : variants) {
            Variant variant = Variant.parse(v);
            for (double a : alphas) {
                for (int r : resolutions) {
                    out.add(new ModelSpec(a, r, classes, variant, Padding.TF_SAME, true));
                }
            }
        }
        return out;
    }

    /** The single architecture given; more than one value is a usage error. */
    public ModelSpec single() {
        List<ModelSpec> s = specs();
        if (s.size() != 1) {
            throw new IllegalArgumentException("give one value each for --alpha, --resolution and --variant");
        }
        return s.get(0);
    }
}
