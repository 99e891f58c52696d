package org.mobilenet.cli.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.cli.ModelLoader;
import org.mobilenet.cli.ExitCode;
import org.mobilenet.cli.Session;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.BadInputException;

/** The shell driven through a dumb terminal over piped streams, as a script would. */
class ShellTest {
    private static final ModelSpec HALF_128 = new ModelSpec(0.5, 128, 1000, Variant.SEPARABLE, Padding.TF_SAME, true);

    @TempDir
    Path dir;

    /** Loads "NAME.model" files as a seeded alpha 0.5, 128 px model; anything else is bad input. */
    private final List<Path> loaded = new ArrayList<>();
    private final ModelLoader loader = file -> {
        if (!file.toString().endsWith(".model")) {
            throw new BadInputException(file, "expected a .model file, found " + file.getFileName());
        }
        loaded.add(file);
        return SeededInit.create(HALF_128, 1);
    };

    private record Result(String out, String err, Session session, int firstFailure) {
    }

    private Result run(String input) throws IOException {
        return run(input, loader);
    }

    private Result run(String input, ModelLoader modelLoader) throws IOException {
        Session session = new Session();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (Terminal t = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            Shell shell = new Shell(t, session, modelLoader, dir.resolve("history"), new PrintWriter(err, true), false);
            shell.run();
            return new Result(out.toString(StandardCharsets.UTF_8), err.toString(), session, shell.firstFailure());
        }
    }

    private static JsonObject firstJson(String out) {
        int start = out.indexOf('{');
        int end = out.indexOf("\n}", start);
        return JsonParser.parseString(out.substring(start, end + 2)).getAsJsonObject();
    }

    @Test
    void standardOutputLostStopsTheShellWithTheOutputCode() throws IOException {
        Session session = new Session();
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        StringWriter err = new StringWriter();
        try (Terminal t = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream("profile --format csv\nprofile\nprofile\n".getBytes(StandardCharsets.UTF_8)),
                full, StandardCharsets.UTF_8)) {
            Shell shell = new Shell(t, session, loader, dir.resolve("history"), new PrintWriter(err, true), false);
            shell.run();
            assertEquals(org.mobilenet.cli.ExitCode.OUTPUT, shell.firstFailure());
            assertEquals(1, err.toString().strip().lines().count(), "one line, and the shell stopped: " + err);
            assertTrue(err.toString().contains("standard output could not be written"), err.toString());
        }
    }

    @Test
    void commentLinesAreSkipped() throws IOException {
        Result r = run("# a script's comment\n  # indented\nprofile --format csv\n");
        assertTrue(r.out().contains("conv1,"), r.out());
        assertEquals("", r.err());
        assertEquals(0, r.firstFailure());
    }

    @Test
    void runsCommandsUntilExitAndIgnoresTheRest() throws IOException {
        Result r = run("profile --format csv\nexit\nprofile --format json\n");
        assertTrue(r.out().contains("conv1,"), r.out());
        assertFalse(r.out().contains("\"layers\""), r.out());
        assertEquals("", r.err());
    }

    @Test
    void aScriptReportsItsFirstFailingExitCode() throws IOException {
        assertEquals(0, run("profile --format csv\nexit\n").firstFailure());
        assertEquals(ExitCode.USAGE, run("profile --format csv\nprofile --frobnicate\nload " + dir.resolve("none.model")
                + "\nprofile --format csv\n").firstFailure());
    }

    @Test
    void endOfInputLeavesTheShell() throws IOException {
        Result r = run("profile --alpha 0.25 --resolution 128,160 --format csv");
        assertTrue(r.out().contains("0.25,128,separable"), r.out());
    }

    @Test
    void errorsPrintOneLineAndTheShellGoesOn() throws IOException {
        Result r = run("profile --runs 0\nprofile --frobnicate\nnosuchcommand\nprofile --format json\nquit\n");
        String[] errLines = r.err().split("\\R");
        assertEquals("mobilenet profile: --runs, --threads and --batch must be >= 1", errLines[0]);
        assertTrue(errLines[1].startsWith("mobilenet profile: Unknown option: '--frobnicate'"), r.err());
        assertTrue(r.err().contains("mobilenet: Unmatched argument at index 0: 'nosuchcommand'"), r.err());
        assertEquals(568_740_352L, firstJson(r.out()).getAsJsonObject("total").get("multAdds").getAsLong());
    }

    @Test
    void loadedModelIsUsedUntilUnloaded() throws IOException {
        Result r = run("load " + dir.resolve("half.model") + "\nprofile --format json\nunload\nprofile --format json\n");
        assertEquals(List.of(dir.resolve("half.model")), loaded);
        assertTrue(r.out().contains("loaded " + dir.resolve("half.model") + ": "), r.out());
        JsonObject first = firstJson(r.out());
        assertEquals(0.5, first.getAsJsonObject("model").get("alpha").getAsDouble());
        assertEquals(128, first.getAsJsonObject("model").get("resolution").getAsInt());
        String afterUnload = r.out().substring(r.out().indexOf("unloaded "));
        assertEquals(1.0, firstJson(afterUnload).getAsJsonObject("model").get("alpha").getAsDouble());
        assertTrue(r.session().model().isEmpty());
    }

    private static Path shared(String file) {
        String shared = System.getProperty("mobilenet.shared", System.getenv("MOBILENET_SHARED"));
        Path p = Path.of(shared == null ? "../shared" : shared).resolve(file);
        assertTrue(Files.isRegularFile(p), "shared file missing: " + p + " (set -Dmobilenet.shared)");
        return p;
    }

    @Test
    void classifyAndInfoUseTheLoadedModel() throws IOException {
        Path tflite = shared("models/mobilenet_v1_0.25_128_quant.tflite");
        Path cat = shared("images/cat.bmp");
        Result r = run("load " + tflite + "\nclassify " + cat + " -k 1 --format csv\ninfo --format json\n"
                + "unload\nclassify " + cat + "\n", ModelLoader.files());
        assertTrue(r.out().contains(cat + ",1,283,tiger cat,"), r.out());
        assertEquals(tflite.toString(), firstJson(r.out()).get("model").getAsString());
        assertEquals("mobilenet classify: missing --model FILE (in the shell, 'load FILE' keeps one for all commands)",
                r.err().strip());
    }

    @Test
    void realModelFileLoadsOnceForSeveralCommands() throws IOException {
        Path tflite = shared("models/mobilenet_v1_0.25_128_quant.tflite");
        Result r = run("load " + tflite + "\nprofile --format json\n", ModelLoader.files());
        assertEquals("", r.err());
        JsonObject model = firstJson(r.out()).getAsJsonObject("model");
        assertEquals(0.25, model.get("alpha").getAsDouble());
        assertEquals(1001, model.get("classes").getAsInt());
        assertEquals(tflite, r.session().modelFile().orElseThrow());
    }

    @Test
    void architectureOptionsOverrideTheLoadedModel() throws IOException {
        Result r = run("load a.model\nprofile --alpha 0.75 --format json\n");
        JsonObject json = firstJson(r.out());
        assertEquals(0.75, json.getAsJsonObject("model").get("alpha").getAsDouble());
        assertEquals(224, json.getAsJsonObject("model").get("resolution").getAsInt());
        assertTrue(r.session().model().isPresent(), "the model stays loaded");
    }

    @Test
    void badModelFileIsAOneLineErrorAndKeepsThePreviousModel() throws IOException {
        Result r = run("load good.model\nload bad.txt\n");
        assertEquals("mobilenet load: bad.txt: expected a .model file, found bad.txt" + System.lineSeparator(), r.err());
        assertEquals(Path.of("good.model"), r.session().modelFile().orElseThrow());
    }

    @Test
    void shellCannotBeNestedAndHelpWorks() throws IOException {
        Result r = run("shell\nhelp profile\n");
        assertTrue(r.err().startsWith("mobilenet: Unmatched argument at index 0: 'shell'"), r.err());
        assertTrue(r.out().contains("Usage: mobilenet profile"), r.out());
    }

    @Test
    void historyIsKeptInTheHistoryFile() throws IOException {
        run("profile --format csv\nunload\nexit\n");
        String history = Files.readString(dir.resolve("history"));
        assertTrue(history.contains("profile --format csv"), history);
        assertTrue(history.contains("unload"), history);
        Result again = run("exit\n");
        assertEquals("", again.err());
        assertTrue(Files.readString(dir.resolve("history")).contains("profile --format csv"));
    }
}
