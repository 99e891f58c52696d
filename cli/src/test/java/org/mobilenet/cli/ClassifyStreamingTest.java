package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** classify as a stream: order with several threads, JSON Lines, results before the input ends, failures in the middle. */
class ClassifyStreamingTest {
    @TempDir
    Path tmp;

    private static Path shared(String sub) {
        return CliRun.shared(sub);
    }

    private static String model() {
        return shared("models/mobilenet_v1_0.25_128_quant.tflite").toString();
    }

    /** n images copied round-robin from the four sample photos, named so that their sorted order is not the list's. */
    private List<Path> photos(int n) throws Exception {
        String[] names = {"bird.bmp", "cat.bmp", "grace_hopper.bmp", "parrot.jpg"};
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = names[i % 4];
            Path p = tmp.resolve(String.format("%02d-%s", n - 1 - i, name));
            Files.copy(shared("images/" + name), p);
            out.add(p);
        }
        return out;
    }

    private static List<String> topClasses(String jsonl) {
        List<String> top = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            top.add(o.get("path").getAsString() + " " + o.getAsJsonArray("results").get(0).getAsJsonObject().get("index"));
        }
        return top;
    }

    private static List<String> pathsOf(String jsonl) {
        List<String> paths = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            paths.add(JsonParser.parseString(line).getAsJsonObject().get("path").getAsString());
        }
        return paths;
    }

    @Test
    void severalThreadsKeepTheInputOrderOfStandardInputAndAFailedImageInTheMiddle() throws Exception {
        List<Path> images = photos(14);
        Path broken = tmp.resolve("07-broken.jpg");
        Files.writeString(broken, "not a jpeg");
        images.add(7, broken);
        images.add(9, tmp.resolve("missing.png"));
        StringBuilder list = new StringBuilder();
        for (Path p : images) {
            list.append(p).append('\n');
        }
        CliRun one = run(list.toString(), "classify", "-m", model(), "--format", "jsonl", "--threads", "1", "-");
        CliRun three = run(list.toString(), "classify", "-m", model(), "--format", "jsonl", "--threads", "3", "--batch", "2",
                "-");
        assertEquals(ExitCode.BAD_INPUT, one.code(), one.err());
        assertEquals(ExitCode.BAD_INPUT, three.code(), three.err());
        // The same paths in the same order with the same classes (scores may differ in the last
        // float bits: the engine's batches of 8 and of 2 sum in different orders).
        assertEquals(topClasses(one.out()), topClasses(three.out()));
        List<String> expected = new ArrayList<>();
        for (Path p : images) {
            if (!p.equals(broken) && !p.getFileName().toString().equals("missing.png")) {
                expected.add(p.toString());
            }
        }
        assertEquals(expected, pathsOf(three.out()));
        for (CliRun r : List.of(one, three)) {
            List<String> errors = r.err().lines().toList();
            assertEquals(2, errors.size(), r.err());
            assertTrue(errors.get(0).contains(broken.toString()), r.err());
            assertTrue(errors.get(1).contains("missing.png") && errors.get(1).contains("no such file"), r.err());
        }
    }

    @Test
    void jsonLinesHoldOneObjectPerImageLikeTheJsonArray() throws Exception {
        List<Path> images = photos(5);
        String[] args = {"classify", "-m", model(), "--features", "--top-k", "3", "--threads", "2", "--batch", "2"};
        List<String> withFiles = new ArrayList<>(List.of(args));
        images.forEach(p -> withFiles.add(p.toString()));
        CliRun json = CliRun.of(concat(withFiles, "--format", "json"));
        CliRun jsonl = CliRun.of(concat(withFiles, "--format", "jsonl"));
        assertEquals(0, jsonl.code(), jsonl.err());
        JsonArray array = JsonParser.parseString(json.out()).getAsJsonArray();
        String[] lines = jsonl.out().split("\n");
        assertEquals(5, lines.length, jsonl.out());
        assertTrue(jsonl.out().endsWith("}\n"));
        for (int i = 0; i < lines.length; i++) {
            JsonElement e = JsonParser.parseString(lines[i]);
            assertTrue(e.isJsonObject(), lines[i]);
            JsonObject o = e.getAsJsonObject();
            JsonObject a = array.get(i).getAsJsonObject();
            assertEquals(a.keySet(), o.keySet());
            // Two runs: the same classes; scores equal but for the engine's float rounding.
            for (int k = 0; k < 3; k++) {
                JsonObject x = a.getAsJsonArray("results").get(k).getAsJsonObject();
                JsonObject y = o.getAsJsonArray("results").get(k).getAsJsonObject();
                assertEquals(x.get("index"), y.get("index"));
                assertEquals(x.get("label"), y.get("label"));
                assertEquals(x.get("score").getAsDouble(), y.get("score").getAsDouble(), 1e-4);
            }
            assertEquals(images.get(i).toString(), o.get("path").getAsString());
            assertEquals(3, o.getAsJsonArray("results").size());
            assertEquals(256, o.getAsJsonArray("features").size());
        }
    }

    @Test
    void jsonStreamedElementByElementIsTheUsualPrettyArray() throws Exception {
        List<Path> images = photos(3);
        CliRun r = CliRun.of("classify", "-m", model(), "--format", "json", "--batch", "1", "--threads", "2",
                images.get(0).toString(), images.get(1).toString(), images.get(2).toString());
        assertEquals(0, r.code(), r.err());
        List<?> all = (List<?>) org.mobilenet.io.json.Json.parse(r.out());
        assertEquals(3, all.size());
        assertEquals(org.mobilenet.io.json.Json.pretty(all) + "\n", r.out());
    }

    @Test
    void theTableIsSizedFromTheFirstImagesAndStreamsTheRest() throws Exception {
        List<Path> images = photos(12);
        List<String> args = new ArrayList<>(List.of("classify", "-m", model(), "--top-k", "1", "--batch", "3"));
        images.forEach(p -> args.add(p.toString()));
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(2 + 12, lines.length, r.out());
        assertTrue(lines[0].startsWith("path ") && lines[1].startsWith("----"), r.out());
        for (int i = 2; i < lines.length; i++) {
            assertTrue(lines[i].startsWith(images.get(i - 2).toString()), lines[i]);
            // The first eight images hold every path length and label: all rows end in the score column.
            assertEquals(lines[0].length(), lines[i].length(), r.out());
        }
    }

    /** A classify command running on a thread, its standard input a pipe the test writes to. */
    private record Piped(PipedOutputStream feed, StringWriter out, StringWriter err, CompletableFuture<Integer> code) {
        /** Writes lines of paths, without ending the input. */
        void send(String lines) throws java.io.IOException {
            feed.write(lines.getBytes(StandardCharsets.UTF_8));
            feed.flush();
        }

        /** Waits (up to a minute) for {@code n} lines of output, or for the command to end. */
        void awaitLines(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.toString().lines().count() < n && System.nanoTime() < deadline && !code.isDone()) {
                Thread.sleep(10);
            }
        }
    }

    /** Starts {@code classify -m MODEL ARGS -} on a pipe. */
    private static Piped piped(String... args) throws java.io.IOException {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed, 1 << 16);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((ClassifyCommand) cl.getSubcommands().get("classify").getCommand()).stdin = stdin;
        String[] line = concat(List.of("classify", "-m", model()), concat(List.of(args), "-"));
        return new Piped(feed, out, err, CompletableFuture.supplyAsync(() -> cl.execute(line)));
    }

    /** The first results come out while the list of images is still being written. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void resultsArePrintedBeforeTheInputEnds(int threads) throws Exception {
        Path cat = shared("images/cat.bmp");
        Piped p = piped("--format", "csv", "--top-k", "1", "--batch", "2", "--threads", Integer.toString(threads));
        p.send(cat + "\n" + cat + "\n"); // one batch of paths, and no end of input yet
        p.awaitLines(3);
        assertFalse(p.code().isDone(), "the command ended before its input: " + p.err());
        assertEquals(3, p.out().toString().lines().count(), "header and two rows before the input ends: " + p.out() + p.err());
        p.send(cat + "\n");
        p.feed().close();
        assertEquals(0, p.code().get(60, TimeUnit.SECONDS), p.err().toString());
        assertEquals(4, p.out().toString().lines().count(), p.out().toString());
    }

    /** A list arriving slowly: the paths that have arrived are a batch, not a wait for a whole one. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aSlowListIsClassifiedAsItArrivesNotABatchAtATime(int threads) throws Exception {
        Path cat = shared("images/cat.bmp");
        Piped p = piped("--format", "csv", "--top-k", "1", "--threads", Integer.toString(threads)); // batches of 8
        p.send(cat + "\n");
        p.awaitLines(2);
        assertFalse(p.code().isDone(), "the command ended before its input: " + p.err());
        assertEquals(2, p.out().toString().lines().count(), "the header and the one image that has arrived: " + p.out()
                + p.err());
        p.send(cat + "\n");
        p.feed().close();
        assertEquals(0, p.code().get(60, TimeUnit.SECONDS), p.err().toString());
        assertEquals(3, p.out().toString().lines().count(), p.out().toString());
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }

    /** Runs the CLI with {@code input} as the classify command's standard input. */
    private static CliRun run(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((ClassifyCommand) cl.getSubcommands().get("classify").getCommand()).stdin =
                new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
