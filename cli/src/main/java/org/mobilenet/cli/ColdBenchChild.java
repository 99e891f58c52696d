package org.mobilenet.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.cli.ort.OrtBenchSession;
import org.mobilenet.cli.ort.OrtSettings;
import org.mobilenet.io.json.Json;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;

/**
 * The process {@code bench --cold} starts for each measurement: not a command users run. It loads one
 * model into one runtime as a user's program would (the engine: read the file and compile a
 * {@link Network}; ONNX Runtime: a session of the ONNX file and its input tensor), runs the
 * forward pass {@code passes} times, and prints one line of JSON on stdout:
 * {@code {"runtime", "mainAtMicros", "firstResultAtMicros", "loadMs", "passesMs": [...], "kernels"}}.
 * The two instants are wall-clock microseconds since the epoch, so the parent can subtract the
 * moment it started the process; {@code loadMs} runs from {@code main} until the runtime is ready
 * for its first pass. On failure: one line on stderr and exit code 1.
 *
 * <p>Arguments, as {@code key=value}: {@code runtime=engine|ort model=FILE resolution=R|HxW threads=N
 * batch=B passes=P spinning=BOOL stopSpinning=BOOL channels=C inputSize=N} (spinning for ONNX Runtime;
 * channels 3 unless given: 1 for a gray model; inputSize the --input-size, 0 or absent for none).
 */
public final class ColdBenchChild {
    private ColdBenchChild() {
    }

    public static void main(String[] args) {
        Instant mainAt = Instant.now();
        try {
            System.out.println(Json.write(measure(mainAt, parse(args)))); // one line
            System.out.flush();
            System.exit(0);
        } catch (Throwable e) {
            System.err.println("mobilenet bench --cold: " + e);
            System.err.flush();
            System.exit(1);
        }
    }

    private static Map<String, Object> measure(Instant mainAt, Map<String, String> a) throws Exception {
        long t0 = System.nanoTime();
        String runtime = a.get("runtime");
        Path model = Path.of(a.get("model"));
        Resolution r = Resolution.parse(a.get("resolution"));
        int threads = Integer.parseInt(a.get("threads"));
        int batch = Integer.parseInt(a.get("batch"));
        int passes = Integer.parseInt(a.get("passes"));
        float[] images = BenchInput.images(batch, r.h(), r.w(), Integer.parseInt(a.getOrDefault("channels", "3")));
        long[] ns = new long[passes];
        Instant first;
        String kernels = null;
        long loaded;
        if (runtime.equals("engine")) {
            int size = Integer.parseInt(a.getOrDefault("inputSize", "0")); // --input-size, 0 when not given
            Model m = size > 0 ? ModelFiles.load(model, null, size) : ModelFiles.load(model);
            if (m.inputHeight() != r.h() || m.inputWidth() != r.w()) {
                throw new IllegalArgumentException("model input " + m.inputHeight() + "x" + m.inputWidth() + ", expected " + r);
            }
            // The default compile, as a program using the engine gets it: cold kernels first (see Network).
            try (Network net = Network.compile(m, threads)) {
                float[] out = new float[batch * net.outputSize()];
                loaded = System.nanoTime();
                long t = loaded;
                net.forward(images, batch, out);
                ns[0] = System.nanoTime() - t;
                first = Instant.now();
                for (int i = 1; i < passes; i++) {
                    t = System.nanoTime();
                    net.forward(images, batch, out);
                    ns[i] = System.nanoTime() - t;
                }
                kernels = net.kernels().name();
            }
        } else if (runtime.equals("ort")) {
            OrtSettings settings = new OrtSettings(threads, Boolean.parseBoolean(a.get("spinning")),
                    Boolean.parseBoolean(a.get("stopSpinning")));
            try (OrtBenchSession ort = OrtBenchSession.open(model, settings, images, batch, r.h(), r.w())) {
                loaded = System.nanoTime();
                long t = loaded;
                ort.runTimed();
                ns[0] = System.nanoTime() - t;
                first = Instant.now();
                for (int i = 1; i < passes; i++) {
                    t = System.nanoTime();
                    ort.runTimed();
                    ns[i] = System.nanoTime() - t;
                }
            }
        } else {
            throw new IllegalArgumentException("runtime must be engine or ort, got " + runtime);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("runtime", runtime);
        j.put("mainAtMicros", micros(mainAt));
        j.put("firstResultAtMicros", micros(first));
        j.put("loadMs", (loaded - t0) / 1e6);
        List<Double> ms = new ArrayList<>();
        for (long n : ns) {
            ms.add(n / 1e6);
        }
        j.put("passesMs", ms);
        if (kernels != null) {
            j.put("kernels", kernels);
        }
        return j;
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got " + s);
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        for (String k : List.of("runtime", "model", "resolution", "threads", "batch", "passes")) {
            if (!a.containsKey(k)) {
                throw new IllegalArgumentException("missing " + k + "=");
            }
        }
        return a;
    }
}
