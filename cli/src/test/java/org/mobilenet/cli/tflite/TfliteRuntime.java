package org.mobilenet.cli.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real TFLite runtime (tfjs-tflite's WebAssembly TFLite with XNNPACK, one thread) run under
 * Node by {@code testdata/node/tflite-raw.js}: the tests' independent reference for the files the
 * TFLite export writes. Inputs and outputs are the raw bytes of the model's tensors.
 */
public final class TfliteRuntime {
    private TfliteRuntime() {
    }

    /** The repository root (surefire passes it as mobilenet.root). */
    static Path root() {
        return Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize();
    }

    /** Runs {@code model} on each input (raw bytes of its input tensor); the first output's bytes for each. */
    public static List<byte[]> run(Path model, List<byte[]> inputs, Path work) throws IOException, InterruptedException {
        Path script = root().resolve("testdata/node/tflite-raw.js");
        assertTrue(Files.isRegularFile(root().resolve(
                "testdata/node/node_modules/@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc_simd.wasm")),
                "the TFLite runtime is not installed: run bash testdata/node/ensure");
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), model.toString()));
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Path in = work.resolve("tflite-in-" + i + ".bin");
            Path out = work.resolve("tflite-out-" + i + ".bin");
            Files.write(in, inputs.get(i));
            cmd.add(in.toString());
            cmd.add(out.toString());
            outs.add(out);
        }
        Path log = work.resolve("tflite-raw.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the TFLite runtime did not finish within 10 minutes");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "the TFLite runtime failed on " + model + ":\n" + text);
        List<byte[]> result = new ArrayList<>();
        for (Path o : outs) {
            result.add(Files.readAllBytes(o));
        }
        return result;
    }

    /** Runs a float32 model on one float input; its float output. */
    public static float[] runFloats(Path model, float[] input, Path work) throws IOException, InterruptedException {
        ByteBuffer b = ByteBuffer.allocate(4 * input.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : input) {
            b.putFloat(x);
        }
        byte[] out = run(model, List.of(b.array()), work).get(0);
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[out.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = o.getFloat(4 * i);
        }
        return v;
    }
}
