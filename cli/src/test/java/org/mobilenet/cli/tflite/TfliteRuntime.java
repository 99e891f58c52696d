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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;
import org.mobilenet.io.npy.NpyFile;

/**
 * The real TFLite runtime (tfjs-tflite's WebAssembly TFLite with XNNPACK, one thread) run under
 * Node by {@code testdata/node/tflite-run.js} (the runner onnx-io's tests use too): the cli tests'
 * independent reference for the files the TFLite export writes. Inputs and outputs are the raw
 * little-endian bytes of one image's tensor each; all the inputs of a call go to the runtime as one
 * .npy batch.
 */
public final class TfliteRuntime {
    private TfliteRuntime() {
    }

    /** The repository root (surefire passes it as mobilenet.root). */
    static Path root() {
        return Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * Runs {@code model} on each input (the raw bytes of its input tensor, of {@code dtype}); the raw
     * bytes of the output tensor for each.
     */
    public static List<byte[]> run(Path model, NpyDtype dtype, List<byte[]> inputs, Path work)
            throws IOException, InterruptedException {
        Path script = root().resolve("testdata/node/tflite-run.js");
        assertTrue(Files.isDirectory(root().resolve("testdata/node/node_modules/@tensorflow/tfjs-tflite")),
                "the TFLite runtime is not installed: run bash testdata/node/ensure");
        int per = inputs.get(0).length;
        byte[] all = new byte[per * inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(per, inputs.get(i).length, "input " + i + " has another size than input 0");
            System.arraycopy(inputs.get(i), 0, all, i * per, per);
        }
        Path in = Files.createTempFile(work, "tflite-in", ".npy");
        Path out = Files.createTempFile(work, "tflite-out", ".npy");
        NpyFile.write(in, new NpyArray(dtype, new int[] {all.length / dtype.bytes()}, all), true);
        Path log = work.resolve("tflite-run.log");
        Process p = new ProcessBuilder("node", script.toString()).redirectError(log.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write((model.toAbsolutePath() + "\t" + in + "\t" + out + "\n")
                .getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the TFLite runtime did not finish within 10 minutes");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "the TFLite runtime failed on " + model + ":\n" + text);
        byte[] result = NpyFile.read(out).data();
        int each = result.length / inputs.size();
        List<byte[]> outs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            outs.add(Arrays.copyOfRange(result, i * each, (i + 1) * each));
        }
        return outs;
    }

    /** Runs a float32 model on one float input; its float output. */
    public static float[] runFloats(Path model, float[] input, Path work) throws IOException, InterruptedException {
        ByteBuffer b = ByteBuffer.allocate(4 * input.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : input) {
            b.putFloat(x);
        }
        byte[] out = run(model, NpyDtype.FLOAT32, List.of(b.array()), work).get(0);
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[out.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = o.getFloat(4 * i);
        }
        return v;
    }
}
