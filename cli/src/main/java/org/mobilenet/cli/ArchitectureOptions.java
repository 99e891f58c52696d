package org.mobilenet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The options that describe an architecture without a model file: family (v1 or v2), alpha,
 * resolution, classes and (v1) variant.
 */
public final class ArchitectureOptions {

    /** The command these options are mixed into: whether --variant was given is asked of its parse. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The {@code --arch} values, for tab completion. */
    static final class Families extends ArrayList<String> {
        Families() {
            super(List.of(ModelSpec.FAMILY, MobileNetV2Spec.FAMILY));
        }
    }

    @Option(names = "--arch", defaultValue = "v1", paramLabel = "ARCH", completionCandidates = Families.class,
            description = "v1 (Howard et al. 2017, the default) or v2 (Sandler et al. 2018: inverted residual blocks).")
    String arch;

    @Option(names = "--alpha", split = ",", paramLabel = "A",
            description = "Width multiplier(s), e.g. 1,0.75,0.5,0.25 (default: 1).")
    List<Double> alphas = new ArrayList<>(List.of(1.0));

    @Option(names = "--resolution", split = ",", paramLabel = "R",
            description = "Input resolution(s): a size in pixels (square, 32 to 4096) or height x width, "
                    + "e.g. 224,192,160,128 or 160x224 (default: 224).")
    List<String> resolutions = new ArrayList<>(List.of("224"));

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "N",
            description = "Classifier outputs: 1000, or 1001 with a background class (default: ${DEFAULT-VALUE}); 0 for none.")
    int classes;

    @Option(names = "--variant", split = ",", paramLabel = "V", completionCandidates = Candidates.Variants.class,
            description = "v1 only: separable (Table 1), conv (Table 4) or shallow (Table 5); several allowed "
                    + "(default: separable).")
    List<String> variants = new ArrayList<>(List.of("separable"));

    /** The {@code --arch} value, normalized: {@code v1} or {@code v2}. */
    public String family() {
        return family(arch);
    }

    /** Parses an {@code --arch} value: {@code v1} or {@code v2} (also {@code mobilenet_v2} and the like). */
    static String family(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace("mobilenet", "").replace("_", "").replace("-", "");
        if (v.equals(ModelSpec.FAMILY) || v.equals(MobileNetV2Spec.FAMILY)) {
            return v;
        }
        throw new IllegalArgumentException("unknown architecture '" + value + "': expected v1 or v2");
    }

    /** Whether any of these options was given on the command line parsed for {@code command}. */
    public boolean anyGiven(CommandSpec command) {
        ParseResult parsed = command.commandLine().getParseResult();
        return parsed != null && (parsed.hasMatchedOption("--arch") || parsed.hasMatchedOption("--alpha")
                || parsed.hasMatchedOption("--resolution") || parsed.hasMatchedOption("--classes")
                || parsed.hasMatchedOption("--variant"));
    }

    /** Every combination of the given values, (v1) variant varying slowest, then alpha, then resolution. */
    public List<Architecture> architectures() {
        List<Resolution> sizes = resolutions.stream().map(Resolution::parse).toList();
        List<Architecture> out = new ArrayList<>();
        if (family().equals(MobileNetV2Spec.FAMILY)) {
            if (variantGiven()) {
                throw new IllegalArgumentException("--variant is for MobileNet v1 (separable, conv, shallow); "
                        + "v2 has one layout");
            }
            for (double a : alphas) {
                for (Resolution r : sizes) {
                    out.add(new MobileNetV2Spec(a, r, classes, true));
                }
            }
            return out;
        }
        for (String v : variants) {
            Variant variant = Variant.parse(v);
            for (double a : alphas) {
                for (Resolution r : sizes) {
                    out.add(new ModelSpec(a, r, classes, variant, Padding.TF_SAME, true));
                }
            }
        }
        return out;
    }

    /** The single architecture given (v1 or v2); more than one value is a usage error. */
    public Architecture single() {
        List<Architecture> a = architectures();
        if (a.size() != 1) {
            throw new IllegalArgumentException("give one value each for --alpha, --resolution and --variant");
        }
        return a.get(0);
    }

    private boolean variantGiven() {
        ParseResult parsed = command == null ? null : command.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption("--variant");
    }
}
