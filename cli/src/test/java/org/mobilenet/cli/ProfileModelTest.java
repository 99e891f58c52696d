package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code profile --model FILE}: the architecture comes from a real model file. */
class ProfileModelTest {

    static Path quantTflite() {
        Path p = CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite");
        assertTrue(Files.isRegularFile(p), "shared model missing: " + p + " (set -Dmobilenet.shared)");
        return p;
    }

    @Test
    void modelFileGivesTheArchitecture() {
        CliRun r = CliRun.of("profile", "--model", quantTflite().toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject model = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("model");
        assertEquals(0.25, model.get("alpha").getAsDouble());
        assertEquals(128, model.get("resolution").getAsInt());
        assertEquals(1001, model.get("classes").getAsInt());
    }

    @Test
    void modelAndArchitectureOptionsTogetherAreAUsageError() {
        CliRun r = CliRun.of("profile", "--model", quantTflite().toString(), "--alpha", "0.5");
        assertEquals(ExitCode.USAGE, r.code());
        assertEquals("mobilenet profile: give either --model or --alpha/--resolution/--classes/--variant\n",
                r.err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void unreadableModelIsBadInput(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.tflite");
        Files.write(junk, new byte[] {1, 2, 3});
        CliRun r = CliRun.of("profile", "--model", junk.toString());
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().startsWith("mobilenet profile: " + junk), r.err());
        assertEquals(1, r.err().split("\\R").length, r.err());
    }
}
