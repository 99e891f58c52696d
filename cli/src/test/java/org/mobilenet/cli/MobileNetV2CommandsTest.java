package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Coral MobileNet v2 (../shared) through the commands: classify (engine and ONNX Runtime), info,
 * profile, convert (ONNX and safetensors), verify, shrink and bench (engine and ONNX Runtime) work
 * on it; none refuses it as malformed or fails with an internal error in one line as a model they do not support yet (exit 3), never as
 * malformed and never as an internal error.
 */
class MobileNetV2CommandsTest {
    @TempDir
    Path tmp;

    private static String shared(String sub) {
        Path p = CliRun.shared().resolve(sub);
        assertTrue(Files.exists(p), "shared data missing: " + p + " (set -Dmobilenet.shared)");
        return p.toString();
    }

    private static String v2() {
        return shared("models/mobilenet_v2_1.0_224_quant.tflite");
    }

    @Test
    void classifyGivesTheTfliteRuntimesTop1OnEveryPhoto() {
        CliRun r = CliRun.of("classify", "-m", v2(), "--format", "json", "--top-k", "1", shared("images/cat.bmp"),
                shared("images/grace_hopper.bmp"), shared("images/parrot.jpg"), shared("images/bird.bmp"));
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        int[] want = {286, 653, 89, 20};
        String[] labels = {"Egyptian cat", "military uniform", "macaw", "chickadee"};
        assertEquals(4, all.size());
        for (int i = 0; i < 4; i++) {
            JsonObject top = all.get(i).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
            assertEquals(want[i], top.get("index").getAsInt(), all.get(i).toString());
            assertEquals(labels[i], top.get("label").getAsString());
        }
    }

    @Test
    void classifyPrintsThe1280PooledFeatures() {
        CliRun r = CliRun.of("classify", "-m", v2(), "--features", "--format", "json", shared("images/cat.bmp"));
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonObject img = JsonParser.parseString(r.out()).getAsJsonArray().get(0).getAsJsonObject();
        assertEquals(1280, img.getAsJsonArray("features").size());
    }

    @Test
    void infoSaysItIsAMobileNetV2() {
        CliRun table = CliRun.of("info", v2());
        assertEquals(ExitCode.OK, table.code(), table.err());
        assertTrue(table.out().contains("architecture   MobileNet v2 (alpha 1.0, 224x224, 1001 classes)"), table.out());
        assertTrue(table.out().contains("blocks.16.project (conv_pw)"), table.out());
        assertTrue(table.out().contains("blocks.2.add (add)"), table.out());
        CliRun json = CliRun.of("info", v2(), "--format", "json");
        assertEquals(ExitCode.OK, json.code(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("v2", o.get("arch").getAsString());
        assertEquals(1.0, o.get("alpha").getAsDouble());
        assertEquals(224, o.get("resolution").getAsInt());
        assertEquals(1001, o.get("classes").getAsInt());
        assertFalse(o.has("variant"), "variant is v1's");
        // The Coral file's own weights: 3.47M weights (the 1001-class FC), about 300M Mult-Adds.
        assertEquals(300_775_552L, o.get("multAdds").getAsLong());
        // Each layer gained its activation, and an add what it adds (the fields of before stay as they were).
        JsonObject add = null;
        JsonObject project = null;
        for (var e : o.getAsJsonArray("layers")) {
            JsonObject l = e.getAsJsonObject();
            if (l.get("name").getAsString().equals("blocks.2.add")) {
                add = l;
            } else if (l.get("name").getAsString().equals("blocks.2.project")) {
                project = l;
            }
        }
        assertEquals("add", add.get("type").getAsString());
        assertEquals("blocks.1.project", add.get("addend").getAsString());
        assertEquals("none", add.get("activation").getAsString());
        assertEquals(0, add.get("multAdds").getAsLong());
        assertEquals("none", project.get("activation").getAsString(), "v2's projections are linear");
        assertFalse(project.has("addend"));
        // The Coral file is quantized: its layers also gain their quantization, after the others.
        assertEquals(java.util.List.of("name", "type", "output", "params", "multAdds", "activation", "quantization"),
                new java.util.ArrayList<>(project.keySet()));
    }

    @Test
    void aV1StillSaysWhatItIs() {
        CliRun json = CliRun.of("info", shared("models/mobilenet_v1_0.5_160_quant.tflite"), "--format", "json");
        assertEquals(ExitCode.OK, json.code(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("v1", o.get("arch").getAsString());
        assertEquals("separable", o.get("variant").getAsString());
        assertEquals(160, o.get("resolution").getAsInt());
    }

    @Test
    void profileCostsAndMeasuresTheModelsLayers() {
        CliRun r = CliRun.of("profile", "--model", v2());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("Layers: MobileNet v2 (alpha 1.0, 224x224, 1001 classes)"), r.out());
        assertTrue(r.out().contains("Residual Add"), r.out());
        CliRun measured = CliRun.of("profile", "--arch", "v2", "--alpha", "0.35", "--resolution", "96", "--measure",
                "--runs", "2", "--warmup", "1", "--format", "json");
        assertEquals(ExitCode.OK, measured.code(), measured.err());
        assertTrue(measured.out().contains("\"timeMs\""), measured.out());
    }

    @Test
    void benchTimesOnnxRuntimeOnAV2Too() {
        CliRun r = CliRun.of("bench", "-m", v2(), "--runs", "1", "--warmup", "1", "--threads", "1", "--format", "json");
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.has("engine"), r.out());
        assertTrue(o.has("ort"), r.out());
    }

    @Test
    void verifyPassesAgainstOnnxRuntimeOnTheFloatPath() {
        CliRun r = CliRun.of("verify", v2(), "--format", "json", "--atol", "1e-4");
        assertEquals(ExitCode.OK, r.code(), r.out() + r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("pass").getAsBoolean(), r.out());
        assertTrue(o.get("maxAbsDiff").getAsDouble() <= 1e-4, r.out());
        assertEquals(1.0, o.get("top1Agreement").getAsDouble());
    }

    @Test
    void verifyPerLayerComparesEveryLayerIncludingTheResidualAdds() {
        CliRun r = CliRun.of("verify", v2(), "--per-layer", "--count", "2", "--atol", "1e-4");
        assertEquals(ExitCode.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("blocks.2.add"), r.out());
        assertTrue(r.out().contains("blocks.16.project"), r.out());
        assertTrue(r.out().contains("PASS"), r.out());
    }

    @Test
    void convertToOnnxWritesAFileOnnxRuntimeLoadsAndThatImportsAsAV2() throws Exception {
        Path out = tmp.resolve("v2.onnx");
        // The float ONNX (a quantized TFLite stays quantized by default): it goes through safetensors unchanged.
        CliRun c = CliRun.of("convert", v2(), out.toString(), "--dequantize");
        assertEquals(ExitCode.OK, c.code(), c.out() + c.err());
        assertTrue(c.out().contains("MobileNet v2 (alpha 1.0, 224x224, 1001 classes)"), c.out());
        try (ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
                ai.onnxruntime.OrtSession s = env.createSession(out.toString(), new ai.onnxruntime.OrtSession.SessionOptions())) {
            assertEquals(java.util.Set.of("input"), s.getInputNames());
        }
        CliRun info = CliRun.of("info", out.toString(), "--format", "json");
        assertEquals(ExitCode.OK, info.code(), info.err());
        JsonObject o = JsonParser.parseString(info.out()).getAsJsonObject();
        assertEquals("v2", o.get("arch").getAsString());
        assertEquals(1001, o.get("classes").getAsInt());
        CliRun v = CliRun.of("verify", out.toString(), "--count", "2");
        assertEquals(ExitCode.OK, v.code(), v.out() + v.err());
        // ONNX -> safetensors -> ONNX gives the same file.
        Path st = tmp.resolve("v2.safetensors");
        assertEquals(ExitCode.OK, CliRun.of("convert", out.toString(), st.toString()).code());
        Path again = tmp.resolve("again.onnx");
        CliRun back = CliRun.of("convert", st.toString(), again.toString());
        assertEquals(ExitCode.OK, back.code(), back.err());
        assertTrue(back.out().contains("MobileNet v2 (alpha 1.0, 224x224, 1001 classes)"), back.out());
        assertEquals(-1L, Files.mismatch(out, again));
        // --no-softmax ends at the logits in either format.
        Path logits = tmp.resolve("logits.safetensors");
        assertEquals(ExitCode.OK, CliRun.of("convert", v2(), logits.toString(), "--no-softmax").code());
        CliRun li = CliRun.of("info", logits.toString(), "--format", "json");
        assertEquals(ExitCode.OK, li.code(), li.err());
        assertFalse(JsonParser.parseString(li.out()).getAsJsonObject().get("softmax").getAsBoolean(), li.out());
    }

    @Test
    void classifyOnOnnxRuntimeGivesTheEnginesTop1() {
        CliRun r = CliRun.of("classify", "-m", v2(), "--engine", "ort", "--format", "json", "--top-k", "1",
                shared("images/cat.bmp"), shared("images/parrot.jpg"));
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(286, all.get(0).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject()
                .get("index").getAsInt());
        assertEquals(89, all.get(1).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject()
                .get("index").getAsInt());
    }

    @Test
    void benchTimesTheEngineAloneOnAV2() {
        CliRun r = CliRun.of("bench", "-m", v2(), "--no-ort", "--runs", "2", "--warmup", "1", "--format", "json");
        assertEquals(ExitCode.OK, r.code(), r.err());
    }
}
