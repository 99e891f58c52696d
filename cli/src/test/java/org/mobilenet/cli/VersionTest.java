package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionTest {

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
            CliRun r = CliRun.main(args);
            assertEquals(0, r.code(), r.err());
            assertEquals(CliRun.of(args).out(), r.out(), String.join(" ", args));
        }
    }

    @Test
    void helpAskedWithTheVersionStillListsTheSubcommands() {
        CliRun r = CliRun.main("--version", "--help");
        assertEquals(0, r.code(), r.err());
        for (String sub : MobilenetCommand.SUBCOMMANDS) {
            assertTrue(r.out().contains("  " + sub + " "), sub + " missing from: " + r.out());
        }
    }

    @Test
    void onnxRuntimeVersionComesFromTheJarOnTheClassPath() {
        assertTrue(VersionInfo.onnxRuntimeVersion().matches("\\d+\\.\\d+\\.\\d+"), VersionInfo.onnxRuntimeVersion());
    }
}
