package org.mobilenet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code mobilenet} command: a toolkit for MobileNet v1 models. */
@Command(name = "mobilenet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = "Run, convert, check, measure and shrink MobileNet v1 and v2 models.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  a check failed (verification outside tolerance, benchmark threshold)",
            "  2  usage error",
            "  3  bad input (unreadable or malformed model, image or labels file)",
            "  4  an output could not be written",
            " 70  internal error (please report it; --debug shows the stack trace)",
        })
public final class MobilenetCommand implements Runnable {

    /**
     * The subcommands, in the order help lists them. {@link Main} registers them itself rather than
     * through {@code @Command(subcommands)}: picocli reflects over every registered command at start,
     * and a one-shot command needs only its own.
     */
    static final java.util.Map<String, java.util.function.Supplier<Object>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, java.util.function.Supplier<Object>> subcommands() {
        java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
        m.put("classify", ClassifyCommand::new);
        m.put("profile", ProfileCommand::new);
        m.put("shrink", ShrinkCommand::new);
        m.put("convert", ConvertCommand::new);
        m.put("run", RunCommand::new);
        m.put("verify", VerifyCommand::new);
        m.put("info", InfoCommand::new);
        m.put("bench", BenchCommand::new);
        m.put("completion", CompletionCommand::new);
        m.put("shell", ShellCommand::new);
        return java.util.Collections.unmodifiableMap(m);
    }

    private final Session session;

    /** A one-shot command line: an empty session. */
    public MobilenetCommand() {
        this(new Session());
    }

    /** A command tree sharing {@code session} (the shell's). */
    public MobilenetCommand(Session session) {
        this.session = session;
    }

    /** What stays loaded between the shell's commands; subcommands reach it through {@link Session#of}. */
    public Session session() {
        return session;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces for errors.")
    boolean debug;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
}
