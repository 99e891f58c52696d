package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void jsonReportsBothRuntimesTheirRatioAndAgreeingOutputs() {
        CliRun r = CliRun.of("bench", "--alpha", "0.25", "--resolution", "64", "--threads", "2", "--batch", "3",
                "--runs", "5", "--warmup", "2", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, o.get("threads").getAsInt());
        assertEquals(3, o.get("batch").getAsInt());
        assertTrue(o.get("model").getAsString().contains("0.25"), o.get("model").getAsString());
        JsonObject e = o.getAsJsonObject("engine");
        JsonObject ort = o.getAsJsonObject("ort");
        for (JsonObject s : new JsonObject[] {e, ort}) {
            double min = s.get("minMs").getAsDouble();
            double median = s.get("medianMs").getAsDouble();
            double p90 = s.get("p90Ms").getAsDouble();
            assertTrue(min > 0 && min <= median && median <= p90, s.toString());
            assertEquals(3 * 1000 / median, s.get("imagesPerSecond").getAsDouble(), 1e-6 * s.get("imagesPerSecond").getAsDouble());
        }
        assertEquals(2, ort.get("intraOpThreads").getAsInt());
        assertEquals(1, ort.get("interOpThreads").getAsInt());
        assertEquals(e.get("medianMs").getAsDouble() / ort.get("medianMs").getAsDouble(), o.get("ratio").getAsDouble(), 1e-9);
        assertTrue(o.get("maxAbsDiff").getAsDouble() < 1e-4, "engine and ONNX Runtime agree: " + o.get("maxAbsDiff"));
    }

    @Test
    void defaultWarmupIsAdaptiveAndReportedPerRuntime() {
        CliRun r = CliRun.of("bench", "--alpha", "0.25", "--resolution", "32", "--runs", "3", "--warmup-min", "0.2",
                "--warmup-max", "20", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("steady", o.get("mode").getAsString());
        assertEquals("adaptive", o.get("warmupMode").getAsString());
        assertEquals(3, o.get("runs").getAsInt());
        int most = 0;
        for (String who : new String[] {"engine", "ort"}) {
            JsonObject s = o.getAsJsonObject(who);
            int runs = s.get("warmupRuns").getAsInt();
            double seconds = s.get("warmupSeconds").getAsDouble();
            // At least one window that sets the pace and PATIENCE that do not beat it, for at least --warmup-min.
            assertTrue(runs >= Warmup.WINDOW_RUNS * (Warmup.PATIENCE + 1), s.toString());
            assertTrue(seconds >= 0.2 && seconds < 25, s.toString());
            assertTrue(s.has("warmedUp"), s.toString());
            most = Math.max(most, runs);
        }
        assertEquals(most, o.get("warmup").getAsInt());
        assertTrue(o.get("warmupSeconds").getAsDouble() >= 0.2, o.toString());
    }

    @Test
    void explicitWarmupIsExactlyThatManyRunsAndDefaultRunsFillTheMeasuringTime() {
        CliRun r = CliRun.of("bench", "--alpha", "0.25", "--resolution", "32", "--warmup", "2", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("fixed", o.get("warmupMode").getAsString());
        assertEquals(2, o.get("warmup").getAsInt());
        assertEquals(2, o.getAsJsonObject("engine").get("warmupRuns").getAsInt());
        assertEquals(2, o.getAsJsonObject("ort").get("warmupRuns").getAsInt());
        assertTrue(o.get("runs").getAsInt() >= BenchCommand.MIN_RUNS, o.toString());
    }

    @Test
    void warmupLimitsMustBeOrdered() {
        CliRun r = CliRun.of("bench", "--alpha", "0.25", "--resolution", "32", "--warmup-min", "3", "--warmup-max", "1");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--warmup-max"), r.err());
    }

    @Test
    void coldRunsEachRuntimeInFreshJvmsAndReportsTheFirstTenPasses() {
        CliRun r = CliRun.of("bench", "--cold", "--alpha", "0.25", "--resolution", "32", "--runs", "1", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("cold", o.get("mode").getAsString());
        assertEquals(1, o.get("runs").getAsInt());
        assertEquals(10, o.get("passes").getAsInt());
        assertTrue(o.get("kernels").getAsString().length() > 0, o.toString());
        for (String who : new String[] {"engine", "ort"}) {
            JsonObject s = o.getAsJsonObject(who);
            double first = s.get("firstResultMs").getAsDouble();
            double startup = s.get("startupMs").getAsDouble();
            double load = s.get("loadMs").getAsDouble();
            assertTrue(startup > 0 && load > 0 && first > startup + load, s.toString());
            assertEquals(10, s.getAsJsonArray("passesMs").size(), s.toString());
            for (var pass : s.getAsJsonArray("passesMs")) {
                assertTrue(pass.getAsDouble() > 0, s.toString());
            }
            assertTrue(first > s.getAsJsonArray("passesMs").get(0).getAsDouble(), s.toString());
            assertEquals(1, s.getAsJsonArray("firstResultMsEach").size(), s.toString());
        }
        assertEquals(1, o.getAsJsonObject("ort").get("intraOpThreads").getAsInt());
        assertEquals(o.getAsJsonObject("engine").get("firstResultMs").getAsDouble()
                / o.getAsJsonObject("ort").get("firstResultMs").getAsDouble(), o.get("ratio").getAsDouble(), 1e-9);
    }

    @Test
    void coldTableHasARowPerPassAndNoWarmupOptions() {
        CliRun r = CliRun.of("bench", "--cold", "--no-ort", "--alpha", "0.25", "--resolution", "32", "--runs", "2", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(14, lines.length, r.out());
        assertTrue(lines[0].startsWith("Measure,engine ("), r.out());
        assertTrue(lines[1].startsWith("first result (ms),"), r.out());
        assertTrue(lines[13].startsWith("pass 10 (ms),"), r.out());
        for (String o : new String[] {"--warmup", "--block", "--warmup-min"}) {
            CliRun bad = CliRun.of("bench", "--cold", "--alpha", "0.25", "--resolution", "32", o, "1");
            assertEquals(ExitCode.USAGE, bad.code(), bad.err());
            assertTrue(bad.err().contains(o + " does not apply to --cold"), bad.err());
        }
    }

    @Test
    void tableNamesBothRuntimesAndTheRatio() {
        CliRun r = CliRun.of("bench", "--alpha", "0.25", "--resolution", "64", "--runs", "3", "--warmup", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("engine ("), r.out());
        assertTrue(r.out().contains("onnxruntime"), r.out());
        assertTrue(r.out().contains("Ratio engine/ORT (median)"), r.out());
        assertTrue(r.out().contains("3 runs each after 1 warm-up"), r.out());
        assertTrue(r.out().contains("Warm-up runs"), r.out());
        CliRun adaptive = CliRun.of("bench", "--alpha", "0.25", "--resolution", "32", "--runs", "3", "--warmup-min", "0",
                "--format", "markdown");
        assertEquals(0, adaptive.code(), adaptive.err());
        assertTrue(adaptive.out().contains("after an adaptive warm-up"), adaptive.out());
        assertTrue(adaptive.out().contains("| Warm-up runs | Warm-up (s) |"), adaptive.out());
    }

    @Test
    void maxRatioFailsTheRunWithExit1WhenExceeded() {
        // Thresholds no real run can miss either way: the check, not the machine, is under test.
        CliRun over = CliRun.of("bench", "-m", "x.onnx", "--runs", "3", "--warmup", "1", "--max-ratio", "1e-6");
        assertEquals(ExitCode.BAD_INPUT, over.code(), "a missing model file is bad input before any timing");
        CliRun fail = CliRun.of("bench", "--alpha", "0.25", "--resolution", "64", "--runs", "3", "--warmup", "1",
                "--max-ratio", "1e-6");
        assertEquals(ExitCode.CHECK_FAILED, fail.code(), fail.err());
        assertTrue(fail.err().contains("more than --max-ratio"), fail.err());
        CliRun pass = CliRun.of("bench", "--alpha", "0.25", "--resolution", "64", "--runs", "3", "--warmup", "1",
                "--max-ratio", "1e6");
        assertEquals(ExitCode.OK, pass.code(), pass.err());
        assertEquals(ExitCode.USAGE, CliRun.of("bench", "--no-ort", "--max-ratio", "2").code());
    }

    @Test
    void impossibleBatchesAndConflictingModelOptionsAreUsageErrors() {
        CliRun huge = CliRun.of("bench", "--no-ort", "--batch", "20000", "--runs", "1");
        assertEquals(ExitCode.USAGE, huge.code(), huge.err());
        assertTrue(huge.err().contains("--batch 20000 is too large"), huge.err());
        String m = CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite").toString();
        CliRun both = CliRun.of("bench", "-m", m, "--alpha", "0.5", "--runs", "1");
        assertEquals(ExitCode.USAGE, both.code(), both.err());
    }

    @Test
    void zeroThreadsIsAUsageError() {
        CliRun r = CliRun.of("bench", "--threads", "0");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().startsWith("mobilenet bench: "), r.err());
    }

    @Test
    void aSeededV2FromOptionsIsTimedAgainstOnnxRuntime() {
        CliRun r = CliRun.of("bench", "--arch", "v2", "--alpha", "0.75", "--resolution", "96", "--runs", "2",
                "--warmup", "1", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("seeded MobileNet v2 (alpha 0.75, 96x96, 1000 classes)", o.get("model").getAsString());
        assertTrue(o.has("ort"), r.out());
        assertTrue(o.get("maxAbsDiff").getAsDouble() < 1e-4, "engine and ONNX Runtime agree: " + o.get("maxAbsDiff"));
    }

    @Test
    void aNonSquareV1FromOptionsIsTimedAgainstOnnxRuntime() {
        CliRun r = CliRun.of("bench", "--alpha", "0.25", "--resolution", "64x96", "--runs", "2", "--warmup", "1",
                "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("model").getAsString().contains("64x96"), o.get("model").getAsString());
        assertTrue(o.get("maxAbsDiff").getAsDouble() < 1e-4, "engine and ONNX Runtime agree: " + o.get("maxAbsDiff"));
    }

    @Test
    void coldTakesAV2WithANonSquareInput() {
        CliRun r = CliRun.of("bench", "--cold", "--arch", "v2", "--alpha", "0.35", "--resolution", "32x48", "--runs", "1",
                "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("seeded MobileNet v2 (alpha 0.35, 32x48, 1000 classes)", o.get("model").getAsString());
        for (String who : new String[] {"engine", "ort"}) {
            assertEquals(10, o.getAsJsonObject(who).getAsJsonArray("passesMs").size(), r.out());
        }
    }

    @Test
    void aV3IsAnUnknownArchitecture() {
        CliRun r = CliRun.of("bench", "--arch", "v3", "--no-ort", "--runs", "1");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("unknown architecture 'v3': expected v1 or v2"), r.err());
    }
}
