package org.mobilenet.cli.shell;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jline.builtins.Completers.FileNameCompleter;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Tab completion from the picocli command tree: subcommand names, option names, enum and candidate
 * values, and file names for {@code Path}/{@code File} arguments.
 */
final class ShellCompleter implements Completer {
    private final CommandSpec root;
    private final Completer files = new FileNameCompleter();

    ShellCompleter(CommandSpec root) {
        this.root = root;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        int current = line.wordIndex();
        CommandSpec spec = root;
        for (int i = 0; i < current && i < words.size(); i++) {
            CommandLine sub = spec.subcommands().get(words.get(i));
            if (sub != null) {
                spec = sub.getCommandSpec();
            }
        }
        String previous = current > 0 ? words.get(current - 1) : null;
        OptionSpec option = previous == null ? null : spec.findOption(previous);
        if (option != null && option.arity().max() > 0) {
            values(option, reader, line, candidates);
            return;
        }
        String word = line.word();
        if (word.startsWith("-")) {
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    for (String name : o.names()) {
                        candidates.add(new Candidate(name, name, null, first(o.description()), null, null, true));
                    }
                }
            }
            return;
        }
        for (var e : spec.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (!sub.usageMessage().hidden()) {
                candidates.add(new Candidate(e.getKey(), e.getKey(), null, first(sub.usageMessage().description()),
                        null, null, true));
            }
        }
        for (ArgSpec p : spec.positionalParameters()) {
            values(p, reader, line, candidates);
        }
    }

    private void values(ArgSpec arg, LineReader reader, ParsedLine line, List<Candidate> candidates) {
        Class<?> type = arg.type();
        if (type == Path.class || type == File.class || arg.auxiliaryTypes().length > 0
                && (arg.auxiliaryTypes()[0] == Path.class || arg.auxiliaryTypes()[0] == File.class)) {
            files.complete(reader, line, candidates);
        } else if (type.isEnum()) {
            for (Object c : type.getEnumConstants()) {
                String v = c.toString().toLowerCase(Locale.ROOT);
                candidates.add(new Candidate(v, v, null, null, null, null, true));
            }
        } else if (arg.completionCandidates() != null) {
            for (String v : arg.completionCandidates()) {
                candidates.add(new Candidate(v, v, null, null, null, null, true));
            }
        }
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? null : lines[0];
    }
}
