package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras through the commands: convert writes keras.applications' weights file with a note for each
 * thing it changes; classify, info and profile read it; --input-size gives a weights file its size.
 */
class KerasCommandsTest {
    @TempDir
    Path dir;

    private Path coralAsKeras(String name) {
        Path out = dir.resolve(name);
        CliRun r = CliRun.of("convert", CliRun.shared().resolve("models/mobilenet_v1_0.5_160_quant.tflite").toString(),
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: the model's 1001 classes begin with 'background'"), r.err());
        assertTrue(r.err().contains("--input-size 160"), r.err());
        return out;
    }

    @Test
    void convertedWeightsClassifyTheCatAtTheSizeTheKerasFileNameSays() throws Exception {
        Path h5 = coralAsKeras("mobilenet_5_0_160_tf.h5");
        CliRun c = CliRun.of("classify", "--model", h5.toString(), "--top-k", "1",
                CliRun.shared().resolve("images/cat.bmp").toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("285"), c.out());
        CliRun info = CliRun.of("info", h5.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("keras-h5") && info.out().contains("160"), info.out());
    }

    @Test
    void inputSizeGivesAWeightsFileItsSize() throws Exception {
        Path h5 = coralAsKeras("weights.h5");
        CliRun at224 = CliRun.of("info", "--format", "json", h5.toString());
        assertTrue(at224.out().contains("\"224\""), at224.out());
        CliRun at160 = CliRun.of("info", "--format", "json", "--input-size", "160", h5.toString());
        assertEquals(0, at160.code(), at160.err());
        assertTrue(at160.out().contains("\"160\""), at160.out());
        CliRun c = CliRun.of("classify", "--input-size", "160", "--model", h5.toString(), "--top-k", "1",
                CliRun.shared().resolve("images/cat.bmp").toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("285"), c.out());
        CliRun v = CliRun.of("verify", "--input-size", "160", "--count", "1", h5.toString());
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().contains("PASS"), v.out());
        CliRun tiny = CliRun.of("verify", "--input-size", "16", "--count", "1", h5.toString());
        assertEquals(ExitCode.USAGE, tiny.code(), tiny.err());
        assertTrue(tiny.err().contains("--input-size must be 32 to 4096"), tiny.err());
    }

    @Test
    void inputSizeIsRefusedForAFileThatGivesItsOwn() throws Exception {
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, CliRun.of("convert", CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite")
                .toString(), onnx.toString()).code());
        CliRun r = CliRun.of("info", "--input-size", "160", onnx.toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--input-size applies to files that do not record their input size"), r.err());
        assertTrue(Files.exists(onnx));
    }
}
