package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VersionTest {

    /** Runs {@link Main#run(String...)} (which sets up only the subcommands a command line needs): code, stdout, stderr. */
    private static String[] main(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void versionNamesToolJavaKernelsAndOnnxRuntime() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\\R");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[0].startsWith("mobilenet "), lines[0]);
        assertTrue(lines[1].startsWith("Java " + System.getProperty("java.version")), lines[1]);
        assertTrue(lines[2].startsWith("kernels: "), lines[2]);
        assertTrue(lines[3].matches("ONNX Runtime \\d+\\.\\d+\\.\\d+"), lines[3]);
    }

    @Test
    void onlyAVersionRequestAloneSkipsTheSubcommands() {
        assertTrue(Main.versionOnly(new String[] {"--version"}));
        assertTrue(Main.versionOnly(new String[] {"-V"}));
        assertTrue(Main.versionOnly(new String[] {"--debug", "--version"}));
        assertFalse(Main.versionOnly(new String[] {}));
        assertFalse(Main.versionOnly(new String[] {"--debug"}));
        assertFalse(Main.versionOnly(new String[] {"--version", "--help"}));
        assertFalse(Main.versionOnly(new String[] {"-hV"}));
        assertFalse(Main.versionOnly(new String[] {"classify", "--version"}));
    }

    @Test
    void theVersionAloneIsPrintedWithoutTheSubcommandsAsWithThem() {
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"--debug", "--version"}}) {
            String[] r = main(args);
            assertEquals("0", r[0], r[2]);
            assertEquals(CliRun.of(args).out(), r[1], String.join(" ", args));
        }
    }

    @Test
    void helpAskedWithTheVersionStillListsTheSubcommands() {
        String[] r = main("--version", "--help");
        assertEquals("0", r[0], r[2]);
        for (String sub : MobilenetCommand.SUBCOMMANDS) {
            assertTrue(r[1].contains("  " + sub + " "), sub + " missing from: " + r[1]);
        }
    }

    @Test
    void onnxRuntimeVersionComesFromTheJarOnTheClassPath() {
        assertTrue(VersionInfo.onnxRuntimeVersion().matches("\\d+\\.\\d+\\.\\d+"), VersionInfo.onnxRuntimeVersion());
    }
}
