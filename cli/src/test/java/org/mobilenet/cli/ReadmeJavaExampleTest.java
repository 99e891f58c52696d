package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;

/**
 * The README's "Using the engine from Java" program, taken from README.md as it stands, compiles
 * against the engine and onnx-io alone and prints what the README says it prints.
 */
class ReadmeJavaExampleTest {
    private static final String SECTION = "## Using the engine from Java\n";

    /** The first java code block of the section. */
    static String example(String readme) {
        int section = readme.indexOf(SECTION);
        assertTrue(section >= 0, "README.md has no section '" + SECTION.strip() + "'");
        int open = readme.indexOf("```java\n", section);
        int next = readme.indexOf("\n## ", section + SECTION.length());
        assertTrue(open >= 0 && (next < 0 || open < next), "the section has no java code block");
        int start = open + "```java\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    private static String classPathEntry(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void theReadmeProgramCompilesAndClassifiesTheCatAsTheReadmeSays(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        String source = example(readme);
        Path src = dir.resolve("Classify.java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        String classPath = classPathEntry(Model.class) + java.io.File.pathSeparator + classPathEntry(ModelFiles.class);
        int code = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-cp", classPath,
                "--release", "17", src.toString());
        assertEquals(0, code, "the README's program does not compile with the engine and onnx-io alone:\n"
                + diagnostics.toString(StandardCharsets.UTF_8));

        String[] args = {
            CliRun.shared("models/mobilenet_v1_0.5_160_quant.tflite").toString(),
            CliRun.shared("images/cat.bmp").toString(),
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("Classify").getMethod("main", String[].class).invoke(null, (Object) args);
        } finally {
            System.setOut(saved);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one line: " + lines);
        // The README quotes the line; its last digits depend on the kernels that ran the pass (the cold
        // loop kernels by default, others when MOBILENET_KERNELS or -Dmobilenet.kernels force a set):
        // five places agree whichever ran.
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("prints `(286 Egyptian cat 0\\.\\d+)`").matcher(readme);
        assertTrue(quoted.find(), "README.md should quote the line the program prints");
        String prefix = "286 Egyptian cat 0.71315";
        assertTrue(quoted.group(1).startsWith(prefix), "README quotes " + quoted.group(1));
        assertTrue(lines.get(0).startsWith(prefix), lines.get(0));
    }
}
