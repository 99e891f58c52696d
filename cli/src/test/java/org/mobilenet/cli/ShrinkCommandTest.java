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
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;

class ShrinkCommandTest {
    private static final Path SOURCE = CliRun.shared().resolve("models/mobilenet_v1_0.75_192_quant.tflite");

    @TempDir
    Path dir;

    @Test
    void shrinkingToHalfWidthMatchesProfileExactly() throws Exception {
        Path out = dir.resolve("half.onnx");
        CliRun r = CliRun.of("shrink", "-m", SOURCE.toString(), "--alpha", "0.5", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Model m = ModelFiles.load(out);
        assertEquals(0.5, m.spec().alpha());
        CostReport want = CostModel.of(ModelSpec.paper().withAlpha(0.5).withResolution(192).withClasses(1001));
        assertEquals(want.totalMultAdds(), CostModel.of(m).totalMultAdds());
        assertEquals(want.totalParams(), CostModel.of(m).totalParams());

        CliRun verify = CliRun.of("verify", out.toString(), "--format", "json");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertTrue(JsonParser.parseString(verify.out()).getAsJsonObject().get("pass").getAsBoolean());
    }

    @Test
    void lowerResolutionChangesMultAddsByTheCostModelsRatioAndKeepsParams() {
        CliRun r = CliRun.of("shrink", "-m", SOURCE.toString(), "--resolution", "128", "--dry-run", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        ModelSpec at192 = ModelSpec.paper().withAlpha(0.75).withResolution(192).withClasses(1001);
        double want = (double) CostModel.of(at192.withResolution(128)).totalMultAdds() / CostModel.of(at192).totalMultAdds();
        assertEquals(want, o.get("multAddsRatio").getAsDouble(), 1e-12);
        assertEquals(1.0, o.get("paramsRatio").getAsDouble());
        assertEquals(o.getAsJsonObject("before").get("params"), o.getAsJsonObject("after").get("params"));
        assertTrue(o.get("output").isJsonNull());
    }

    @Test
    void calibrationImagesChangeTheShrunkModelsBiases() throws Exception {
        Path plain = dir.resolve("plain.safetensors");
        Path calibrated = dir.resolve("calibrated.safetensors");
        String images = CliRun.shared().resolve("images").toString();
        assertEquals(0, CliRun.of("shrink", "-m", SOURCE.toString(), "--alpha", "0.7", "-o", plain.toString()).code());
        CliRun r = CliRun.of("shrink", "-m", SOURCE.toString(), "--alpha", "0.7", "-o", calibrated.toString(),
                "--calibration-images", images);
        assertEquals(0, r.code(), r.err());
        Model a = ModelFiles.load(plain);
        Model b = ModelFiles.load(calibrated);
        assertEquals(a.tensor("blocks.0.pw.weight"), b.tensor("blocks.0.pw.weight"), "the same channels are kept");
        assertFalse(a.tensor("blocks.0.pw.bias").equals(b.tensor("blocks.0.pw.bias")), "the biases are corrected");
        assertEquals(a.tensor("conv1.bias"), b.tensor("conv1.bias"), "the stem loses no input channels");
    }

    @Test
    void growingIsAUsageErrorAndWritesNothing() {
        Path out = dir.resolve("big.onnx");
        CliRun r = CliRun.of("shrink", "-m", SOURCE.toString(), "--alpha", "1.0", "-o", out.toString());
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("larger than the source"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void existingOutputIsKeptWithoutForce() throws Exception {
        Path out = dir.resolve("exists.onnx");
        Files.writeString(out, "keep me");
        CliRun r = CliRun.of("shrink", "-m", SOURCE.toString(), "--alpha", "0.5", "-o", out.toString());
        assertEquals(ExitCode.OUTPUT, r.code(), r.err());
        assertEquals("keep me", Files.readString(out));
    }

    @Test
    void missingModelIsBadInput() {
        CliRun r = CliRun.of("shrink", "-m", dir.resolve("nope.tflite").toString(), "--dry-run");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("nope.tflite"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void theCoralV2ShrinksToTheMultAddsOfProfileAndLoadsInOnnxRuntime() throws Exception {
        Path v2 = CliRun.shared().resolve("models/mobilenet_v2_1.0_224_quant.tflite");
        Path out = dir.resolve("v2-075.onnx");
        CliRun r = CliRun.of("shrink", "-m", v2.toString(), "--alpha", "0.75", "-o", out.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        CliRun p = CliRun.of("profile", "--arch", "v2", "--alpha", "0.75", "--classes", "1001", "--format", "json");
        assertEquals(0, p.code(), p.err());
        long want = JsonParser.parseString(p.out()).getAsJsonObject().getAsJsonObject("total").get("multAdds").getAsLong();
        assertEquals(want, JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("after").get("multAdds")
                .getAsLong());
        Model m = ModelFiles.load(out);
        assertEquals(want, CostModel.of(m).totalMultAdds());
        assertEquals("MobileNet v2 (alpha 0.75, 224x224, 1001 classes)", m.describe());
        CliRun verify = CliRun.of("verify", out.toString(), "--count", "1");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        // A seeded v2 exported first (safetensors) shrinks the same way.
        Path seeded = dir.resolve("seeded.safetensors");
        ModelFiles.save(org.mobilenet.engine.model.SeededInit.create(new org.mobilenet.engine.arch.MobileNetV2Spec(1.0,
                org.mobilenet.engine.arch.Resolution.square(224), 1001, true), 5), seeded,
                ModelFiles.SaveOptions.defaults());
        Path out2 = dir.resolve("seeded-075.onnx");
        assertEquals(0, CliRun.of("shrink", "-m", seeded.toString(), "--alpha", "0.75", "-o", out2.toString()).code());
        assertEquals(want, CostModel.of(ModelFiles.load(out2)).totalMultAdds());
        CliRun verifySeeded = CliRun.of("verify", out2.toString(), "--count", "1");
        assertEquals(0, verifySeeded.code(), verifySeeded.out() + verifySeeded.err());
    }

    @Test
    void archNamesTheSourcesFamilyAndTheOtherIsRefusedWritingNothing() {
        Path out = dir.resolve("v2.onnx");
        CliRun r = CliRun.of("shrink", "--arch", "v2", "-m", SOURCE.toString(), "--alpha", "0.5", "-o", out.toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--arch v2, but the source is MobileNet v1 (alpha 0.75"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out));
        CliRun v1 = CliRun.of("shrink", "--arch", "v1", "-m", SOURCE.toString(), "--alpha", "0.5", "--dry-run");
        assertEquals(0, v1.code(), v1.err());
        String coral = CliRun.shared().resolve("models/mobilenet_v2_1.0_224_quant.tflite").toString();
        CliRun v2 = CliRun.of("shrink", "--arch", "v2", "-m", coral, "--alpha", "0.5", "--dry-run", "--format", "json");
        assertEquals(0, v2.code(), v2.err());
        assertEquals("v2", JsonParser.parseString(v2.out()).getAsJsonObject().getAsJsonObject("target").get("arch")
                .getAsString());
    }

    @Test
    void aNonSquareResolutionShrinksToThatHeightAndWidth() throws Exception {
        Path out = dir.resolve("wide.onnx");
        CliRun r = CliRun.of("shrink", "-m", SOURCE.toString(), "--alpha", "0.5", "--resolution", "128x160", "-o",
                out.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(128, o.getAsJsonObject("target").get("height").getAsInt());
        assertEquals(160, o.getAsJsonObject("target").get("width").getAsInt());
        // alpha^2 times the ratio of pixels: (0.5 / 0.75)^2 (128 * 160) / (192 * 192).
        assertEquals(4.0 / 9 * 128 * 160 / (192.0 * 192), o.get("predictedMultAddsRatio").getAsDouble(), 1e-12);
        Model m = ModelFiles.load(out);
        assertEquals(128, m.inputHeight());
        assertEquals(160, m.inputWidth());
        CliRun p = CliRun.of("profile", "--alpha", "0.5", "--resolution", "128x160", "--classes", "1001", "--format",
                "json");
        assertEquals(0, p.code(), p.err());
        assertEquals(JsonParser.parseString(p.out()).getAsJsonObject().getAsJsonObject("total").get("multAdds")
                .getAsLong(), CostModel.of(m).totalMultAdds());
        CliRun verify = CliRun.of("verify", out.toString(), "--count", "1");
        assertEquals(0, verify.code(), verify.out() + verify.err());
    }

    @Test
    void aV2ShrinksToANonSquareResolution() {
        String coral = CliRun.shared().resolve("models/mobilenet_v2_1.0_224_quant.tflite").toString();
        CliRun r = CliRun.of("shrink", "-m", coral, "--alpha", "0.75", "--resolution", "160x224", "--dry-run",
                "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        CliRun p = CliRun.of("profile", "--arch", "v2", "--alpha", "0.75", "--resolution", "160x224", "--classes",
                "1001", "--format", "json");
        assertEquals(0, p.code(), p.err());
        assertEquals(JsonParser.parseString(p.out()).getAsJsonObject().getAsJsonObject("total").get("multAdds"),
                o.getAsJsonObject("after").get("multAdds"));
    }
}
