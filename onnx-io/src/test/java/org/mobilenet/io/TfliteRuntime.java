package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyFile;

/**
 * The real TFLite runtime for tests: {@code testdata/node/tflite-run.js} under Node (tfjs-tflite's
 * WebAssembly TFLite with XNNPACK), one process for a whole list of jobs. Node and the packages are
 * installed by the build ({@code testdata/node/ensure}); a test that needs them fails, never skips,
 * when they are missing.
 */
public final class TfliteRuntime {
    /** One model run on one batch. */
    public record Job(Path model, NpyArray input) {
    }

    private TfliteRuntime() {
    }

    /** The repository root (surefire passes it as mobilenet.root). */
    public static Path root() {
        return Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize();
    }

    /** Runs every job in one Node process; returns the outputs in order. */
    public static List<NpyArray> run(List<Job> jobs, Path work) throws IOException, InterruptedException {
        Path script = root().resolve("testdata/node/tflite-run.js");
        if (!Files.isDirectory(root().resolve("testdata/node/node_modules/@tensorflow/tfjs-tflite"))) {
            fail("the TFLite runtime is not installed: run testdata/node/ensure (the build does, before onnx-io's tests)");
        }
        StringBuilder lines = new StringBuilder();
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Path in = work.resolve("in" + i + ".npy");
            Path out = work.resolve("out" + i + ".npy");
            NpyFile.write(in, jobs.get(i).input(), true);
            lines.append(jobs.get(i).model().toAbsolutePath()).append('\t').append(in).append('\t').append(out)
                    .append('\n');
            outs.add(out);
        }
        Path log = work.resolve("node.log");
        Process p;
        try {
            p = new ProcessBuilder("node", script.toString()).redirectError(log.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            fail("cannot start node (Node.js 20 is needed for the TFLite runtime tests): " + e.getMessage());
            throw e;
        }
        p.getOutputStream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("the TFLite runtime did not finish within 10 minutes");
        }
        if (p.exitValue() != 0) {
            fail("the TFLite runtime failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
        List<NpyArray> result = new ArrayList<>();
        for (Path out : outs) {
            result.add(NpyFile.read(out));
        }
        return result;
    }
}
