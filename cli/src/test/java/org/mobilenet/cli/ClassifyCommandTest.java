package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {
    @TempDir
    Path tmp;

    private static Path shared(String sub) {
        return CliRun.shared(sub);
    }

    private static String model() {
        return shared("models/mobilenet_v1_0.25_128_quant.tflite").toString();
    }

    private static String cat() {
        return shared("images/cat.bmp").toString();
    }

    private static JsonArray json(CliRun r) {
        return JsonParser.parseString(r.out()).getAsJsonArray();
    }

    @Test
    void jsonListsTheTopFiveWithLabelsAndScores() {
        CliRun r = CliRun.of("classify", "--model", model(), "--format", "json", cat());
        assertEquals(0, r.code(), r.err());
        JsonArray all = json(r);
        assertEquals(1, all.size());
        JsonObject img = all.get(0).getAsJsonObject();
        assertEquals(cat(), img.get("path").getAsString());
        JsonArray res = img.getAsJsonArray("results");
        assertEquals(5, res.size());
        JsonObject first = res.get(0).getAsJsonObject();
        assertEquals(1, first.get("rank").getAsInt());
        assertEquals(283, first.get("index").getAsInt());
        assertEquals("tiger cat", first.get("label").getAsString());
        assertTrue(first.get("score").getAsDouble() > 0.31, first.toString());
        assertFalse(img.has("features"));
    }

    @Test
    void anUnknownOptionIsNamedEvenWhenTheImagesAreMissingToo() {
        CliRun r = CliRun.of("classify", "--bogus", "-m", model());
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().startsWith("mobilenet classify: Unknown option: '--bogus'"), r.err());
        CliRun none = CliRun.of("classify", "-m", model());
        assertTrue(none.err().contains("Missing required parameter: 'IMAGE'"), none.err());
    }

    @Test
    void tableAndCsvShowTheSameRanking() {
        CliRun table = CliRun.of("classify", "-m", model(), "--top-k", "2", cat());
        assertEquals(0, table.code(), table.err());
        String[] lines = table.out().split("\n");
        assertEquals(4, lines.length, table.out());
        assertTrue(lines[2].contains("283") && lines[2].contains("tiger cat"), lines[2]);
        CliRun csv = CliRun.of("classify", "-m", model(), "--top-k", "2", "--format", "csv", cat());
        String[] rows = csv.out().split("\n");
        assertEquals("path,rank,index,label,score", rows[0]);
        assertTrue(rows[1].startsWith(cat() + ",1,283,tiger cat,0."), rows[1]);
        assertTrue(rows[2].startsWith(cat() + ",2,"), rows[2]);
    }

    @Test
    void thresholdDropsLowScores() {
        CliRun r = CliRun.of("classify", "-m", model(), "--threshold", "0.3", "--format", "json", cat());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, json(r).get(0).getAsJsonObject().getAsJsonArray("results").size());
    }

    @Test
    void directoriesAreSearchedAndBadImagesReportedWithExit3() throws Exception {
        Path sub = Files.createDirectories(tmp.resolve("photos/deeper"));
        Files.copy(Path.of(cat()), sub.resolve("cat.bmp"));
        Files.writeString(tmp.resolve("photos/broken.jpg"), "not a jpeg");
        Files.writeString(tmp.resolve("photos/notes.txt"), "ignored: not an image name");
        CliRun r = CliRun.of("classify", "-m", model(), "--format", "json", tmp.resolve("photos").toString());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("broken.jpg"), r.err());
        // Skipped, and said so, but not an error (the exit code 3 is broken.jpg's).
        assertTrue(r.err().contains("skipped " + tmp.resolve("photos/notes.txt") + ": not an image file name"), r.err());
        JsonArray all = json(r);
        assertEquals(1, all.size());
        assertTrue(all.get(0).getAsJsonObject().get("path").getAsString().endsWith("cat.bmp"));
    }

    @Test
    void dashReadsPathsFromStandardInput() throws Exception {
        Files.copy(Path.of(cat()), tmp.resolve("a.bmp"));
        String list = tmp.resolve("a.bmp") + "\n\n" + cat() + "\n";
        InputStream saved = System.in;
        CliRun r;
        try {
            System.setIn(new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)));
            r = CliRun.of("classify", "-m", model(), "--format", "json", "-");
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, r.code(), r.err());
        JsonArray all = json(r);
        assertEquals(2, all.size());
        assertEquals(tmp.resolve("a.bmp").toString(), all.get(0).getAsJsonObject().get("path").getAsString());
    }

    @Test
    void threadsAndBatchesKeepTheInputOrderAndResults() throws Exception {
        for (int i = 0; i < 5; i++) {
            Files.copy(Path.of(cat()), tmp.resolve("c" + i + ".bmp"));
        }
        Files.copy(shared("images/parrot.jpg"), tmp.resolve("c2.bmp"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliRun one = CliRun.of("classify", "-m", model(), "--format", "csv", tmp.toString());
        CliRun many = CliRun.of("classify", "-m", model(), "--format", "csv", "--threads", "3", "--batch", "2",
                tmp.toString());
        assertEquals(0, one.code(), one.err());
        assertEquals(0, many.code(), many.err());
        assertEquals(one.out(), many.out());
        assertTrue(one.out().contains("c2.bmp,1,"));
    }

    @Test
    void labelsFileWith1000LinesGetsTheBackgroundOffset() throws Exception {
        List<String> lines = Files.readAllLines(shared("models/imagenet_labels.txt"));
        Path l1000 = tmp.resolve("l1000.txt");
        Files.write(l1000, lines.subList(1, 1001));
        CliRun r = CliRun.of("classify", "-m", model(), "--labels", l1000.toString(), "--format", "json", cat());
        assertEquals(0, r.code(), r.err());
        JsonObject first = json(r).get(0).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
        assertEquals("tiger cat", first.get("label").getAsString());
    }

    @Test
    void labelsFileOfAnotherLengthIsBadInput() throws Exception {
        Path five = tmp.resolve("five.txt");
        Files.writeString(five, "a\nb\nc\nd\ne\n");
        CliRun r = CliRun.of("classify", "-m", model(), "--labels", five.toString(), cat());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("five.txt") && r.err().contains("found 5"), r.err());
    }

    @Test
    void featuresOfTheEmbeddingExtractorAre1024Long() {
        CliRun r = CliRun.of("classify", "-m", shared("models/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite").toString(),
                "--format", "json", cat());
        assertEquals(0, r.code(), r.err());
        JsonObject img = json(r).get(0).getAsJsonObject();
        assertEquals(1024, img.getAsJsonArray("features").size());
        assertFalse(img.has("results"));
    }

    @Test
    void featuresOfAClassifierAreItsPooledVector() {
        CliRun r = CliRun.of("classify", "-m", model(), "--features", "--format", "json", cat());
        assertEquals(0, r.code(), r.err());
        JsonObject img = json(r).get(0).getAsJsonObject();
        assertEquals(256, img.getAsJsonArray("features").size());
        assertEquals(5, img.getAsJsonArray("results").size());
    }

    @Test
    void featuresAsCsvAreOneRowOfFeaturesPerImage() {
        CliRun r = CliRun.of("classify", "-m", model(), "--features", "--format", "csv", cat());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].startsWith("path,f0,f1,"), lines[0]);
        assertEquals(257, lines[1].split(",").length);
    }

    @Test
    void nothingIsPrintedOnStdoutWhenEveryImageFails() {
        CliRun r = CliRun.of("classify", "-m", model(), "--max-pixels", "100", cat());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertEquals("", r.out());
    }

    @Test
    void pixelLimitRefusesLargeImages() {
        CliRun r = CliRun.of("classify", "-m", model(), "--max-pixels", "1000", cat());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("cat.bmp") && r.err().contains("512x341"), r.err());
    }

    @Test
    void preprocessingOptionsChangeTheScores() {
        CliRun base = CliRun.of("classify", "-m", model(), "--format", "csv", cat());
        CliRun crop = CliRun.of("classify", "-m", model(), "--format", "csv", "--resize", "center-crop",
                "--crop-fraction", "0.9", "--mean", "127.5", "--std", "127.5,127.5,127.5", cat());
        assertEquals(0, crop.code(), crop.err());
        assertFalse(base.out().equals(crop.out()));
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(ExitCode.USAGE, CliRun.of("classify", "-m", model(), "--top-k", "0", cat()).code());
        assertEquals(ExitCode.USAGE, CliRun.of("classify", "-m", model(), "--engine", "gpu", cat()).code());
        assertEquals(ExitCode.USAGE, CliRun.of("classify", "-m", model(), "--resize", "squash", cat()).code());
        assertEquals(ExitCode.USAGE, CliRun.of("classify", "-m", model()).code());
    }

    @Test
    void ortEngineClassifiesTheCatLikeTheJavaEngine() {
        CliRun java = CliRun.of("classify", "-m", model(), "--format", "csv", "--top-k", "3", cat());
        CliRun ort = CliRun.of("classify", "-m", model(), "--engine", "ort", "--format", "csv", "--top-k", "3", cat());
        assertEquals(0, ort.code(), ort.err());
        assertEquals(java.out(), ort.out());
    }

    @Test
    void unreadableModelIsBadInput() throws Exception {
        Path bad = tmp.resolve("bad.tflite");
        Files.write(bad, new byte[] {1, 2, 3});
        CliRun r = CliRun.of("classify", "-m", bad.toString(), cat());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("bad.tflite"), r.err());
    }
}
