package org.mobilenet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
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
