package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void onnxRuntimeVersionComesFromTheJarOnTheClassPath() {
        assertTrue(VersionInfo.onnxRuntimeVersion().matches("\\d+\\.\\d+\\.\\d+"), VersionInfo.onnxRuntimeVersion());
    }
}
