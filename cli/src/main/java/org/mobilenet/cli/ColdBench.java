package org.mobilenet.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mobilenet.engine.run.KernelChoice;
import org.mobilenet.io.json.Json;

/**
 * {@code bench --cold}: starts {@link ColdBenchChild} in fresh JVMs, the same {@code java} with the same
 * JVM options and class path as this one, and collects what each measured. Time to first result is
 * measured from just before the parent starts the process to the child's first result (both on the
 * wall clock), so it includes the JVM's start-up, class loading, the model's load and compilation
 * (ONNX Runtime: its native library and session) and the first forward pass.
 */
final class ColdBench {
    /** Forward passes each child runs and reports. */
    static final int PASSES = 10;
    /** A child that takes longer than this is killed (a hung process must not hang bench). */
    static final long TIMEOUT_SECONDS = 600;

    private ColdBench() {
    }

    /** One child's measurements, in milliseconds. */
    record Run(double startupMs, double loadMs, double firstResultMs, double[] passesMs, String kernels) {
    }

    /** The JVM options of this JVM that a child gets too (debug agents left out; the Vector API added if present here). */
    static List<String> jvmOptions() {
        List<String> out = new ArrayList<>();
        boolean vector = false;
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp") || a.equals("-Xdebug")) {
                continue;
            }
            vector |= a.startsWith("--add-modules") && a.contains("jdk.incubator.vector");
            out.add(a);
        }
        if (!vector && KernelChoice.vectorApiPresent()) {
            out.add("--add-modules=jdk.incubator.vector");
        }
        return out;
    }

    /** {@code java OPTIONS -cp CLASSPATH ColdBenchChild}: the start of every child's command line. */
    static List<String> javaCommand(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ColdBenchChild.class.getName());
        return cmd;
    }

    /** Runs one child to its end in {@code dir} (for its output files) and returns its measurements. */
    static Run run(List<String> javaCommand, List<String> childArgs, Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(childArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // Their options are among this JVM's input arguments already; the child must not get them twice.
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Path out = Files.createTempFile(dir, "child-", ".out");
        Path err = Files.createTempFile(dir, "child-", ".err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Instant spawned = Instant.now();
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a bench --cold process took more than " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
            }
        } finally {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String line = stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (p.exitValue() != 0 || line == null) {
            String stderr = Files.readString(err, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("WARNING: ") && !l.isBlank())
                    .collect(Collectors.joining("; "));
            throw new IllegalStateException("a bench --cold process failed (exit " + p.exitValue() + "): "
                    + (stderr.isEmpty() ? "no output" : stderr));
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        Map<?, ?> j;
        try {
            j = (Map<?, ?>) Json.parse(line);
        } catch (Json.JsonException | ClassCastException e) {
            throw new IllegalStateException("a bench --cold process printed a line that is not a JSON object: "
                    + e.getMessage(), e);
        }
        long spawnedMicros = ColdBenchChild.micros(spawned);
        List<?> passes = (List<?>) j.get("passesMs");
        double[] ms = new double[passes.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = number(passes.get(i));
        }
        return new Run((number(j.get("mainAtMicros")) - spawnedMicros) / 1e3, number(j.get("loadMs")),
                (number(j.get("firstResultAtMicros")) - spawnedMicros) / 1e3, ms,
                j.get("kernels") instanceof String k ? k : null);
    }

    /** A number of the child's JSON line (integers parse as Long, the rest as Double). */
    private static double number(Object v) {
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("a bench --cold process printed " + v + " where a number belongs");
        }
        return n.doubleValue();
    }

    /** Medians over runs of one runtime. */
    record Summary(double firstResultMs, double startupMs, double loadMs, double[] passesMs, double[] firstResultMsEach) {

        static Summary of(List<Run> runs) {
            double[] first = runs.stream().mapToDouble(Run::firstResultMs).toArray();
            int passes = runs.stream().mapToInt(r -> r.passesMs().length).min().orElse(0);
            double[] pass = new double[passes];
            for (int k = 0; k < passes; k++) {
                final int i = k;
                pass[k] = median(runs.stream().mapToDouble(r -> r.passesMs()[i]).toArray());
            }
            return new Summary(median(first), median(runs.stream().mapToDouble(Run::startupMs).toArray()),
                    median(runs.stream().mapToDouble(Run::loadMs).toArray()), pass, first);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
