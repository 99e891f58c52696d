package org.mobilenet.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine in a JVM without the Vector API module (a program that does not pass
 * {@code --add-modules jdk.incubator.vector}, or the launcher for a command that cannot use it):
 * {@link WithoutTheVectorModule} in a JVM of its own, on this test run's class path.
 */
class WithoutTheVectorModuleTest {
    @Test
    void theIntegerAndFloatPathsRunOnTheirLoopsWithoutTheModule() throws IOException, InterruptedException {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaExe, "-cp", System.getProperty("java.class.path"),
                WithoutTheVectorModule.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM did not finish");
        // (Lines the JVM adds for JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS are not the program's.)
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("Picked up ")).collect(Collectors.joining("\n")).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("ok", out);
    }
}
