package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A command whose standard output cannot be written (a full disk, a closed pipe) does not report success. */
class StandardOutputTest {

    /** Standard output on a full disk: every write fails. */
    private static final class Full extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("No space left on device");
        }
    }

    /** Runs Main.run with standard output failing; returns the exit code and what went to stderr. */
    private static String[] run(OutputStream stdout, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new String[] {Integer.toString(code), errors.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String model() {
        Path p = CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite");
        assertTrue(Files.exists(p), "shared data missing: " + p);
        return p.toString();
    }

    @Test
    void aCommandWhoseOutputCannotBeWrittenExitsWithTheOutputCode() {
        String cat = CliRun.shared().resolve("images/cat.bmp").toString();
        for (String[] args : new String[][] {
            {"info", model()},
            {"classify", "-m", model(), cat},
            {"classify", "-m", model(), "--format", "json", cat},
            {"--version"},
        }) {
            String[] r = run(new Full(), args);
            assertEquals(Integer.toString(ExitCode.OUTPUT), r[0], String.join(" ", args) + ": " + r[1]);
            assertTrue(r[1].contains("standard output") && r[1].contains("could not be written"), r[1]);
            assertEquals(1, r[1].strip().lines().count(), r[1]);
        }
    }

    @Test
    void aCommandWhoseOutputIsWrittenSucceeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] r = run(out, "info", model());
        assertEquals("0", r[0], r[1]);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("mobilenet_v1"), out.toString(StandardCharsets.UTF_8));
    }
}
