package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * An ONNX file exported for any image size (its input's height and width symbolic) through the
 * commands: info names the symbolic sides and the size it runs at, classify and verify run it at 224
 * or at {@code --input-size}, and verify checks the engine against ONNX Runtime at that size.
 */
class DynamicOnnxCommandsTest {
    @TempDir
    Path dir;

    /** The shared 0.5/160 classifier as ONNX, its input's height and width made symbolic. */
    private Path dynamicCoral() throws Exception {
        Path fixed = dir.resolve("fixed.onnx");
        CliRun c = CliRun.of("convert", CliRun.shared("models/mobilenet_v1_0.5_160_quant.tflite").toString(),
                fixed.toString());
        assertEquals(0, c.code(), c.err());
        ModelProto p = ModelProto.parseFrom(Files.readAllBytes(fixed));
        GraphProto.Builder g = p.getGraph().toBuilder();
        ValueInfoProto.Builder in = g.getInput(0).toBuilder();
        TensorShapeProto.Builder s = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        s.setDim(2, TensorShapeProto.Dimension.newBuilder().setDimParam("height").build());
        s.setDim(3, TensorShapeProto.Dimension.newBuilder().setDimParam("width").build());
        g.setInput(0, in).clearValueInfo();
        Path f = dir.resolve("any-size.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        return f;
    }

    @Test
    void aGraphForAnySizeRunsAt224OrAtTheInputSizeAndVerifiesAgainstOnnxRuntime() throws Exception {
        Path f = dynamicCoral();
        CliRun info = CliRun.of("info", "--format", "json", f.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("\"height\"") && info.out().contains("\"width\""), info.out());
        assertTrue(info.out().contains("224"), info.out());
        CliRun info160 = CliRun.of("info", "--input-size", "160", f.toString());
        assertEquals(0, info160.code(), info160.err());
        assertTrue(info160.out().contains("run at 160x160"), info160.out());
        String cat = CliRun.shared("images/cat.bmp").toString();
        CliRun c = CliRun.of("classify", "--input-size", "160", "--model", f.toString(), "--top-k", "1", cat);
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("Egyptian cat"), c.out());
        for (String size : new String[] {"160", "193"}) {
            CliRun v = CliRun.of("verify", "--input-size", size, "--count", "1", f.toString());
            assertEquals(0, v.code(), v.err() + v.out());
            assertTrue(v.out().contains("PASS"), v.out());
        }
        CliRun v224 = CliRun.of("verify", "--count", "1", "--format", "json", f.toString());
        assertEquals(0, v224.code(), v224.err() + v224.out());
        CliRun bench = CliRun.of("bench", "--input-size", "160", "--runs", "2", "--warmup", "1", "-m", f.toString());
        assertEquals(0, bench.code(), bench.err());
        // run given another size than the one taken says how to ask for it.
        Path in = dir.resolve("x.npy");
        org.mobilenet.io.npy.NpyFile.write(in, org.mobilenet.io.npy.NpyArray.ofFloats(new int[] {1, 3, 160, 160},
                new float[3 * 160 * 160]), false);
        CliRun run = CliRun.of("run", "-m", f.toString(), "--input", in.toString(), "--output",
                dir.resolve("y.npy").toString());
        assertEquals(ExitCode.BAD_INPUT, run.code(), run.err());
        assertTrue(run.err().contains("symbolic, taken as 224x224: --input-size N"), run.err());
        CliRun run160 = CliRun.of("run", "--input-size", "160", "-m", f.toString(), "--input", in.toString(),
                "--output", dir.resolve("y.npy").toString());
        assertEquals(0, run160.code(), run160.err());
    }

    @Test
    void theInputSizeIsRefusedForTheSameGraphWithItsSizeFixed() throws Exception {
        Path fixed = dir.resolve("m.onnx");
        assertEquals(0, CliRun.of("convert", CliRun.shared("models/mobilenet_v1_0.25_128_quant.tflite").toString(),
                fixed.toString()).code());
        for (String cmd : new String[] {"info", "verify"}) {
            CliRun r = CliRun.of(cmd, "--input-size", "160", fixed.toString());
            assertEquals(ExitCode.USAGE, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("this model's file gives 128x128"), r.err());
        }
    }
}
