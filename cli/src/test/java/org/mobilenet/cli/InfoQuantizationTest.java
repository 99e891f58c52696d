package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.cli.verify.ExportStyles;
import org.mobilenet.engine.model.Model;

class InfoQuantizationTest {
    private static String coral() {
        return CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite").toString();
    }

    @Test
    void jsonGivesTheInputsAndEveryLayersQuantization() {
        CliRun r = CliRun.of("info", coral(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject q = j.getAsJsonObject("quantization");
        assertEquals("uint8", q.getAsJsonObject("input").get("type").getAsString());
        assertEquals(0.0078125, q.getAsJsonObject("input").get("scale").getAsDouble());
        assertEquals(128, q.getAsJsonObject("input").get("zeroPoint").getAsInt());
        assertTrue(q.get("quantizedInput").getAsBoolean());
        for (var layer : j.getAsJsonArray("layers")) {
            JsonObject l = layer.getAsJsonObject().getAsJsonObject("quantization");
            assertEquals("uint8", l.getAsJsonObject("output").get("type").getAsString());
            assertFalse(l.getAsJsonObject("output").get("perChannel").getAsBoolean());
            if (l.has("weights")) {
                assertEquals("int32", l.getAsJsonObject("bias").get("type").getAsString());
            }
        }
        assertTrue(j.getAsJsonArray("layers").get(0).getAsJsonObject().getAsJsonObject("quantization").has("weights"));
    }

    @Test
    void tableShowsTheQuantizationLineAndColumns() {
        CliRun r = CliRun.of("info", coral());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("quantization   input uint8 scale 0.0078125 zero point 128; the file takes uint8"
                + " and gives uint8"), r.out());
        assertTrue(r.out().contains("Output quantization") && r.out().contains("Weight quantization"), r.out());
        assertTrue(r.out().contains("uint8 0.00390625 @ 0"), r.out()); // the softmax's 1/256
    }

    @Test
    void floatModelsShowNoQuantization(@TempDir Path dir) throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 32, 7);
        Path f = dir.resolve("f.onnx");
        Files.write(f, ExportStyles.build(m, ExportStyles.Style.PYTORCH, false).toByteArray());
        CliRun r = CliRun.of("info", f.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("quantization"), r.out());
        CliRun t = CliRun.of("info", f.toString());
        assertFalse(t.out().contains("quantization"), t.out());
    }
}
