package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
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
            CliRun r = CliRun.main(new Full(), args);
            assertEquals(ExitCode.OUTPUT, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("standard output") && r.err().contains("could not be written"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void aCommandWhoseOutputIsWrittenSucceeds() {
        CliRun r = CliRun.main("info", model());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mobilenet_v1"), r.out());
    }
}
