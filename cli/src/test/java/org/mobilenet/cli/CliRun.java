package org.mobilenet.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        return of(new Session(), args);
    }

    /** Runs the command line with its commands sharing {@code session}. */
    static CliRun of(Session session, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(java.util.Arrays.asList(args).contains("--debug"), session);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * Runs the command line as {@code main} does ({@link Main#run(String...)}: only the subcommands it
     * needs are set up, and a failed write to standard output is reported), with {@code System.out}
     * and {@code System.err} captured.
     */
    static CliRun main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliRun r = main(out, args);
        return new CliRun(r.code(), out.toString(StandardCharsets.UTF_8), r.err());
    }

    /** {@link #main(String...)} with standard output going to {@code stdout}; {@link #out()} is empty. */
    static CliRun main(OutputStream stdout, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            System.out.flush();
            return new CliRun(code, "", errors.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The repository root (surefire passes it as mobilenet.root). */
    static Path root() {
        return Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize();
    }

    /** A file or folder under the shared data folder; a test that needs it fails when it is missing. */
    static Path shared(String sub) {
        Path p = shared().resolve(sub);
        if (!java.nio.file.Files.exists(p)) {
            throw new AssertionError("shared data missing: " + p + " (set -Dmobilenet.shared)");
        }
        return p;
    }

    /** The shared data folder (../shared unless overridden); tests that need it fail when it is missing. */
    static Path shared() {
        String p = System.getProperty("mobilenet.shared", System.getenv("MOBILENET_SHARED"));
        return p == null ? root().resolve("../shared").normalize() : Path.of(p);
    }
}
