package org.mobilenet.cli.docs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One man page (troff, section 1) rendered from a picocli command: name, synopsis, description,
 * subcommands, options with their defaults, arguments, exit status and related pages.
 */
final class ManPage {
    private static final Pattern CODE_LINE = Pattern.compile("^\\s*(\\d+)\\s+(.+)$");

    private ManPage() {
    }

    /** The page's file name: the qualified command name joined by '-', e.g. {@code mobilenet-profile.1}. */
    static String fileName(CommandSpec spec) {
        return pageName(spec) + ".1";
    }

    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The page for {@code spec}; exit codes come from its own exit code list or else from the root's footer. */
    static String render(CommandSpec spec) {
        StringBuilder p = new StringBuilder();
        String name = pageName(spec);
        p.append(".TH ").append(Troff.text(name.toUpperCase(Locale.ROOT))).append(" 1 \"\" \"mobilenet\" \"mobilenet manual\"\n");
        p.append(".nh\n.ad l\n"); // no hyphenation (option names stay whole), ragged right
        p.append(".SH NAME\n").append(Troff.text(name)).append(" \\- ").append(Troff.text(summary(spec))).append('\n');
        p.append(".SH SYNOPSIS\n").append(synopsis(spec)).append('\n');
        p.append(".SH DESCRIPTION\n");
        for (String line : lines(spec.usageMessage().description())) {
            p.append(".PP\n").append(Troff.text(line)).append('\n');
        }
        List<CommandSpec> subs = visibleSubcommands(spec);
        if (!subs.isEmpty()) {
            p.append(".SH COMMANDS\n");
            for (CommandSpec sub : subs) {
                p.append(".TP\n").append(Troff.bold(sub.name())).append('\n').append(Troff.text(summary(sub)))
                        .append(" See ").append(Troff.bold(pageName(sub))).append("(1).\n");
            }
        }
        List<OptionSpec> options = options(spec);
        if (!options.isEmpty()) {
            p.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                p.append(".TP\n").append(optionLabel(o)).append('\n').append(Troff.text(String.join(" ", lines(o.renderedDescription()))))
                        .append('\n');
            }
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(a -> !a.hidden()).toList();
        if (!positionals.isEmpty()) {
            p.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec a : positionals) {
                p.append(".TP\n").append(Troff.italic(a.paramLabel())).append('\n')
                        .append(Troff.text(String.join(" ", lines(a.renderedDescription())))).append('\n');
            }
        }
        Map<String, String> codes = exitCodes(spec);
        if (!codes.isEmpty()) {
            p.append(".SH EXIT STATUS\n");
            codes.forEach((code, meaning) -> p.append(".TP\n").append(Troff.bold(code)).append('\n')
                    .append(Troff.text(meaning)).append('\n'));
        }
        List<String> related = new ArrayList<>();
        if (spec.parent() != null) {
            related.add(pageName(spec.parent()));
        }
        subs.forEach(s -> related.add(pageName(s)));
        if (!related.isEmpty()) {
            p.append(".SH SEE ALSO\n");
            p.append(String.join(",\n", related.stream().map(r -> Troff.bold(r) + "(1)").toList())).append('\n');
        }
        return p.toString();
    }

    static List<CommandSpec> visibleSubcommands(CommandSpec spec) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandLine sub : new LinkedHashMap<>(spec.subcommands()).values()) {
            CommandSpec s = sub.getCommandSpec();
            if (!s.usageMessage().hidden() && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static String summary(CommandSpec spec) {
        List<String> d = lines(spec.usageMessage().description());
        return d.isEmpty() ? "" : d.get(0);
    }

    private static String synopsis(CommandSpec spec) {
        spec.usageMessage().width(4000); // one line (wider than any synopsis): troff does the wrapping
        String plain = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF)).synopsis(0).trim().replaceAll("\\s+", " ");
        String command = spec.qualifiedName();
        String rest = plain.startsWith(command) ? plain.substring(command.length()).trim() : plain;
        return Troff.bold(command) + (rest.isEmpty() ? "" : " " + Troff.text(rest));
    }

    private static List<OptionSpec> options(CommandSpec spec) {
        List<OptionSpec> out = new ArrayList<>(spec.options().stream().filter(o -> !o.hidden()).toList());
        if (spec.usageMessage().sortOptions()) {
            out.sort(Comparator.comparing((OptionSpec o) -> o.shortestName().replaceFirst("^-+", "").toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    private static String optionLabel(OptionSpec o) {
        List<String> names = new ArrayList<>(List.of(o.names()));
        names.sort(Comparator.comparingInt(String::length));
        StringBuilder s = new StringBuilder(String.join(", ", names.stream().map(Troff::bold).toList()));
        if (o.arity().max() > 0) {
            String label = Troff.italic(o.paramLabel());
            String value = o.splitRegex().isEmpty() ? label : label + "[" + Troff.text(o.splitRegexSynopsisLabel().isEmpty()
                    ? o.splitRegex() : o.splitRegexSynopsisLabel()) + label + "...]";
            s.append(o.arity().min() == 0 ? "[=" + value + "]" : "=" + value);
        }
        return s.toString();
    }

    private static Map<String, String> exitCodes(CommandSpec spec) {
        Map<String, String> own = spec.usageMessage().exitCodeList();
        if (own != null && !own.isEmpty()) {
            Map<String, String> out = new LinkedHashMap<>();
            own.forEach((k, v) -> out.put(k.trim(), v.trim()));
            return out;
        }
        CommandSpec root = spec.root();
        Map<String, String> out = new LinkedHashMap<>();
        if (root.usageMessage().footerHeading().toLowerCase(Locale.ROOT).contains("exit code")) {
            for (String line : lines(root.usageMessage().footer())) {
                Matcher m = CODE_LINE.matcher(line);
                if (m.matches()) {
                    out.put(m.group(1), m.group(2).trim());
                }
            }
        }
        return out;
    }

    /** Description lines with picocli's {@code %n} line breaks applied and {@code %%} unescaped. */
    private static List<String> lines(String[] description) {
        List<String> out = new ArrayList<>();
        for (String d : description) {
            for (String line : d.split("%n", -1)) {
                if (!line.isBlank()) {
                    out.add(line.replace("%%", "%"));
                }
            }
        }
        return out;
    }
}
