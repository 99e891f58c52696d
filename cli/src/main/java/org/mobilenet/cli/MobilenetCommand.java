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
            "  3  bad input (an unreadable, malformed or unsupported model, image or labels file)",
            "  4  an output could not be written",
            " 70  internal error (please report it; --debug shows the stack trace)",
        })
public final class MobilenetCommand implements Runnable {

    /**
     * The subcommands' names, in the order help lists them. {@link Main} registers them itself rather
     * than through {@code @Command(subcommands)}: picocli reflects over every registered command at
     * start, and a one-shot command needs only its own.
     */
    static final java.util.List<String> SUBCOMMANDS = java.util.List.of(
            "classify", "profile", "shrink", "convert", "run", "verify", "info", "bench", "completion", "shell");

    /**
     * A new instance of subcommand {@code name} (one of {@link #SUBCOMMANDS}). A switch rather than a
     * table of constructor references: a reference links its class when the table is built, and a
     * one-shot command would load all ten commands' classes to run one (about 10 ms of its start).
     */
    static Object subcommand(String name) {
        return switch (name) {
            case "classify" -> new ClassifyCommand();
            case "profile" -> new ProfileCommand();
            case "shrink" -> new ShrinkCommand();
            case "convert" -> new ConvertCommand();
            case "run" -> new RunCommand();
            case "verify" -> new VerifyCommand();
            case "info" -> new InfoCommand();
            case "bench" -> new BenchCommand();
            case "completion" -> new CompletionCommand();
            case "shell" -> new ShellCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
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
