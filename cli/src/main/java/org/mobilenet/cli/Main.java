package org.mobilenet.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import org.mobilenet.io.image.ImageLoader;
import java.util.List;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.run.KernelPrimer;
import org.mobilenet.io.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Entry point. Maps failures to the documented exit codes and prints them as one line on stderr;
 * stack traces only with {@code --debug}.
 */
public final class Main {
    private Main() {
    }

    /** Subcommands that run a model: the engine's cold kernels are worth compiling while they start up. */
    private static final java.util.Set<String> RUN_A_MODEL = java.util.Set.of("classify", "verify", "shrink", "profile", "shell");

    public static void main(String[] args) {
        // Before picocli and the model loader: the primer gets the JIT going on the other core.
        String sub = subcommand(args);
        List<String> list = Arrays.asList(args);
        int engine = list.indexOf("--engine");
        boolean ort = list.contains("--engine=ort") || engine >= 0 && engine + 1 < args.length && args[engine + 1].equals("ort");
        if (!ort && sub != null && RUN_A_MODEL.contains(sub)) {
            KernelPrimer.start();
        }
        int code;
        try {
            code = run(start(sub, args), args);
        } catch (Error e) {
            // picocli hands exceptions to the handlers below; an Error (out of memory, a stack overflow)
            // comes through: still one line and the documented code, the trace only with --debug.
            System.out.flush();
            System.err.println("mobilenet: " + (e instanceof OutOfMemoryError
                    ? "out of memory (the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20)
                            + " MB; give it more with MOBILENET_JAVA_OPTS=-Xmx...): " + oneLine(e.getMessage())
                    : "internal error: " + e + " (please report it; run with --debug for the stack trace)"));
            if (Arrays.asList(args).contains("--debug")) {
                e.printStackTrace();
            }
            code = ExitCode.INTERNAL;
        }
        System.exit(code);
    }

    /**
     * The subcommand a command line names: its first argument that is not an option (the top-level
     * command has only flags), or null.
     */
    static String subcommand(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /**
     * The session of a one-shot command line, with what can start before picocli has set up (about
     * 0.1 s in a fresh JVM): for {@code classify}, ImageIO's plugin registry and the reading of the
     * model file ({@link Session#readAhead}).
     */
    static Session start(String sub, String[] args) {
        Session session = new Session();
        if ("classify".equals(sub)) {
            ImageLoader.startImageIO();
            Path model = modelFile(args);
            if (model != null) {
                session.readAhead(model);
            }
        }
        return session;
    }

    /**
     * The model file of {@code -m FILE}, {@code -m=FILE}, {@code --model FILE} or {@code --model=FILE}
     * before any {@code --}, else null: what picocli will make of the same arguments, for
     * {@link Session#readAhead}; a wrong guess only costs a read nobody takes.
     */
    static Path modelFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            if (a.equals("--")) {
                return null;
            } else if (a.equals("-m") || a.equals("--model")) {
                value = i + 1 < args.length ? args[i + 1] : null;
            } else if (a.startsWith("-m=") || a.startsWith("--model=")) {
                value = a.substring(a.indexOf('=') + 1);
            } else {
                continue;
            }
            try {
                return value == null || value.isEmpty() ? null : Path.of(value);
            } catch (InvalidPathException e) {
                return null; // picocli will say what is wrong with it
            }
        }
        return null;
    }

    /** Runs the command line and returns the exit code (for tests and the shell). */
    public static int run(String... args) {
        return run(new Session(), args);
    }

    /**
     * Runs the command line with {@code session} (which may be reading its model ahead), writing to the
     * process's standard output: a command that succeeded but whose output could not be written (a
     * full disk, a closed pipe) exits with {@link ExitCode#OUTPUT}.
     */
    static int run(Session session, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        // When the subcommand is a known one, picocli gets just that one to set up; for the version alone, none.
        String sub = subcommand(args);
        CommandLine cl = commandLine(debug, session, sub != null && MobilenetCommand.SUBCOMMANDS.contains(sub) ? sub
                : versionOnly(args) ? "" : null);
        cl.setOut(new StdoutWriter(cl.getOut()));
        int code = cl.execute(args);
        if (code == ExitCode.OK && cl.getOut().checkError()) {
            System.err.println("mobilenet" + (sub == null ? "" : " " + sub) + ": standard output could not be written"
                    + " (closed, or the disk is full)");
            return ExitCode.OUTPUT;
        }
        return code;
    }

    /**
     * picocli's writer to standard output, whose {@link #checkError} also reports the errors of the
     * {@code System.out} it writes through: picocli wraps the stream in a writer of its own, and a
     * {@code PrintStream} keeps its write errors to itself.
     */
    private static final class StdoutWriter extends PrintWriter {
        StdoutWriter(PrintWriter out) {
            super(out, true);
        }

        @Override
        public boolean checkError() {
            return super.checkError() | System.out.checkError(); // both: each flushes its own buffer
        }
    }

    /** The configured command tree with an empty session. */
    public static CommandLine commandLine(boolean debug) {
        return commandLine(debug, new Session());
    }

    /** The configured command tree whose commands share {@code session} (the shell builds one per line). */
    public static CommandLine commandLine(boolean debug, Session session) {
        return commandLine(debug, session, null);
    }

    /**
     * True for a command line that asks for the version and nothing else ({@code -V} or {@code --version},
     * perhaps with {@code --debug}): picocli needs none of the subcommands for it, and setting all ten up
     * took about 60 ms of the 200 that {@code --version} took in a fresh JVM.
     */
    static boolean versionOnly(String[] args) {
        boolean version = false;
        for (String a : args) {
            switch (a) {
                case "-V", "--version" -> version = true;
                case "--debug" -> { }
                default -> {
                    return false;
                }
            }
        }
        return version;
    }

    /**
     * The command tree with only subcommand {@code only} (none when {@code only} names none), or all of
     * them when it is null.
     */
    private static CommandLine commandLine(boolean debug, Session session, String only) {
        CommandLine cl = new CommandLine(new MobilenetCommand(session));
        for (String name : MobilenetCommand.SUBCOMMANDS) {
            if (only == null || only.equals(name)) {
                cl.addSubcommand(name, MobilenetCommand.subcommand(name));
            }
        }
        return configure(cl, debug);
    }

    /**
     * Installs the one-line error handling and exit codes on {@code cl} and every subcommand it has now;
     * call it again after adding subcommands.
     */
    public static CommandLine configure(CommandLine cl, boolean debug) {
        Handlers h = new Handlers(debug);
        cl.setExecutionExceptionHandler(h);
        cl.setParameterExceptionHandler(h);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * The two handlers as one named class rather than lambdas: a lambda implementing one of picocli's
     * interfaces (Java 5 class files) keeps that interface, and the classes implementing it, out of the
     * class-data archive, and is itself spun at every start.
     */
    private record Handlers(boolean debug) implements CommandLine.IExecutionExceptionHandler,
            CommandLine.IParameterExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
            return handle(ex, cmd, debug);
        }

        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            return usage(ex, args);
        }
    }

    private static int usage(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = ex.getMessage();
        // picocli checks required parameters before reporting an unknown option: the option is the
        // mistake to name ('classify --bogus' is missing its images because --bogus took their place).
        CommandLine.ParseResult parsed = cmd.getParseResult();
        if (ex instanceof CommandLine.MissingParameterException && parsed != null) {
            for (String u : parsed.unmatched()) {
                if (u.startsWith("-")) {
                    message = "Unknown option: '" + u + "'";
                    break;
                }
            }
        }
        err.println(cmd.getCommandName().equals("mobilenet") ? "mobilenet: " + message
                : "mobilenet " + cmd.getCommandName() + ": " + message);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static int handle(Exception ex, CommandLine cmd, boolean debug) {
        PrintWriter err = cmd.getErr();
        int code;
        String message;
        if (ex instanceof BadInputException e) {
            code = ExitCode.BAD_INPUT;
            message = Remedies.message(e);
        } else if (ex instanceof OutputException) {
            code = ExitCode.OUTPUT;
            message = ex.getMessage();
        } else if (ex instanceof java.nio.file.NoSuchFileException e) {
            code = ExitCode.BAD_INPUT;
            message = e.getFile() + ": no such file";
        } else if (ex instanceof java.nio.file.AccessDeniedException e) {
            code = ExitCode.BAD_INPUT;
            message = e.getFile() + ": permission denied";
        } else if (ex instanceof UnsupportedModelException) {
            // A well-formed model this build cannot handle that way (a v2 given to ONNX export, ...).
            code = ExitCode.BAD_INPUT;
            message = ex.getMessage();
        } else if (ex instanceof ai.onnxruntime.OrtException) {
            code = ExitCode.BAD_INPUT;
            message = "ONNX Runtime refused the model: " + ex.getMessage();
        } else if (ex instanceof java.io.IOException) {
            code = ExitCode.BAD_INPUT;
            message = ex.getMessage();
        } else if (ex instanceof org.mobilenet.io.InputSizeException e) {
            code = ExitCode.USAGE;
            message = "--input-size " + e.detail();
        } else if (ex instanceof ParameterException || ex instanceof IllegalArgumentException) {
            code = ExitCode.USAGE;
            message = ex.getMessage();
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + ex + " (please report it; run with --debug for the stack trace)";
        }
        err.println("mobilenet " + cmd.getCommandName() + ": " + oneLine(message));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String oneLine(String s) {
        return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
