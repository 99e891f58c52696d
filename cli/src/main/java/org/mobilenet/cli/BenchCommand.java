package org.mobilenet.cli;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobilenet.cli.ort.OrtBenchSession;
import org.mobilenet.cli.ort.OrtSettings;
import org.mobilenet.io.json.Json;
import org.mobilenet.cli.format.OutputFormat;
import org.mobilenet.cli.format.TextTable;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.KernelChoice;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import org.mobilenet.io.ModelFormats;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.OnnxFile;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mobilenet bench}: latency of the engine and of ONNX Runtime on the same model and the
 * same seeded input batch, measured interleaved in one process so both see the same machine load.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Measure forward-pass latency of the engine and of ONNX Runtime on the same model and inputs.",
            "The two take turns of --block timed runs in one process, each turn opened by one untimed run, so both "
                    + "see the same machine load. On a shared machine compare the ratio, not absolute times.",
            "It measures the steady state: first each runtime warms up, interleaved, until its timings stop improving "
                    + "(or for exactly --warmup runs), and the output says how many runs and seconds that took.",
            "ONNX Runtime runs on the CPU with intra-op threads = --threads, inter-op threads = 1, sequential "
                    + "execution, optimization level ALL_OPT and the input in a reused direct native-order "
                    + "FloatBuffer; its pool threads spin during a run (--ort-spinning) and stop spinning when "
                    + "it returns (--ort-stop-spinning).",
        })
public final class BenchCommand implements Callable<Integer> {
    /** Without --runs: timed runs per runtime fill this many seconds (both runtimes together)... */
    static final int MEASURE_SECONDS = 1;
    /** ...and are at least this many. */
    static final int MIN_RUNS = 50;
    /** Without --runs, --cold starts this many processes per runtime. */
    static final int COLD_RUNS = 5;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "Model file (any format 'mobilenet' reads). Without it: the architecture given by "
                    + "--arch/--alpha/--resolution (v1 or v2, any H x W) with seeded weights.")
    Path model;

    @Mixin
    ArchitectureOptions arch;

    @Mixin
    InputSizeOption inputSize;

    @Option(names = "--max-ratio", paramLabel = "X",
            description = "Exit with code 1 when the engine's median latency is more than X times ONNX Runtime's "
                    + "(a CI performance check).")
    Double maxRatio;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Threads for the engine and for ONNX Runtime's intra-op pool (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--runs", paramLabel = "R",
            description = "Timed runs per runtime (default: as many as fill " + MEASURE_SECONDS + " s, at least "
                    + MIN_RUNS + "). With --cold: processes per runtime (default: " + COLD_RUNS + ").")
    Integer runs;

    @Option(names = "--warmup", paramLabel = "W",
            description = "Exactly W untimed runs per runtime first. Default: adaptive: each runtime runs until its "
                    + "timings stop improving (" + Warmup.PATIENCE + " windows of at least "
                    + Warmup.WINDOW_NANOS / 1_000_000 + " ms in a row whose median is not more than "
                    + "3%% below the last improving one), for at least --warmup-min and at most --warmup-max seconds.")
    Integer warmup;

    @Option(names = "--warmup-min", defaultValue = "2", paramLabel = "S",
            description = "Adaptive warm-up lasts at least S seconds: the JIT compiles late on a loaded machine "
                    + "(default: ${DEFAULT-VALUE}).")
    double warmupMin;

    @Option(names = "--warmup-max", defaultValue = "60", paramLabel = "S",
            description = "Adaptive warm-up stops after S seconds, warm or not (default: ${DEFAULT-VALUE}).")
    double warmupMax;

    @Option(names = "--ort-spinning", defaultValue = "true", arity = "1", paramLabel = "BOOL",
            description = "session.intra_op.allow_spinning for ONNX Runtime (default: ${DEFAULT-VALUE}, ORT's own default).")
    boolean spinning;

    @Option(names = "--block", defaultValue = "5", paramLabel = "N",
            description = "Timed runs per turn: the runtimes take turns of N runs, each turn after one untimed "
                    + "run, so the worker threads the other runtime left spinning are idle again (default: ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--ort-stop-spinning", defaultValue = "true", arity = "1", paramLabel = "BOOL",
            description = "session.force_spinning_stop for ONNX Runtime: its pool threads stop spinning when a run "
                    + "returns, instead of spinning on into the engine's turn (default: ${DEFAULT-VALUE}).")
    boolean stopSpinning;

    @Option(names = "--cold",
            description = "Measure from a cold start instead: start each runtime in a fresh JVM (the same java, JVM "
                    + "options and class path as this one), --runs processes per runtime, engine and ONNX Runtime "
                    + "alternating, and report the median time to the first result (from starting the process: JVM "
                    + "start-up, model load and compilation or session creation, first forward pass) and of each of "
                    + "the first " + ColdBench.PASSES + " forward passes.")
    boolean cold;

    @Option(names = "--precision", defaultValue = "float", paramLabel = "P",
            description = "float, or int8: a quantized model's integer path (measured alone, without ONNX Runtime;"
                    + " not with --cold). Default: ${DEFAULT-VALUE}.")
    org.mobilenet.cli.run.Precision precision;

    @Option(names = "--no-ort", description = "Measure only the engine.")
    boolean noOrt;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, csv, json or markdown (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || batch < 1 || (runs != null && runs < 1) || (warmup != null && warmup < 0) || block < 1) {
            throw new IllegalArgumentException("--threads, --batch, --runs and --block must be >= 1 and --warmup >= 0");
        }
        if (cold) {
            for (String o : new String[] {"--warmup", "--warmup-min", "--warmup-max", "--block"}) {
                if (spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new IllegalArgumentException(o + " does not apply to --cold (each process runs " + ColdBench.PASSES
                            + " passes from a cold start)");
                }
            }
        }
        if (!(warmupMin >= 0) || !(warmupMax >= warmupMin) || warmupMax > 1e6) {
            throw new IllegalArgumentException("--warmup-min must be >= 0 and --warmup-max at least --warmup-min (and sane)");
        }
        if (maxRatio != null && (noOrt || !(maxRatio > 0))) {
            throw new IllegalArgumentException("--max-ratio needs ONNX Runtime (not --no-ort) and a value > 0");
        }
        Path file = model;
        if (file != null && arch.anyGiven(spec)) {
            throw new IllegalArgumentException("give either --model or --arch/--alpha/--resolution/--classes/--variant");
        }
        if (file == null && !arch.anyGiven(spec)) {
            file = Session.of(spec).modelFile().orElse(null); // in the shell: the loaded model
        }
        Model m;
        String name;
        if (file != null) {
            m = inputSize.model(Session.of(spec), file);
            name = file.getFileName().toString();
        } else {
            Architecture s = arch.single();
            m = SeededInit.create(s, 1);
            name = "seeded " + m.describe();
        }
        int h = m.inputHeight();
        int w = m.inputWidth();
        if ((long) batch * h * w * m.graph().input().c() > Integer.MAX_VALUE / 4 || (long) batch * m.outputSize() > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("--batch " + batch + " is too large for " + h + "x" + w + " inputs");
        }
        boolean int8 = precision == org.mobilenet.cli.run.Precision.INT8;
        if (int8 && cold) {
            throw new IllegalArgumentException("--precision int8 is measured in steady state only (not with --cold)");
        }
        if (int8 && !m.isQuantized()) {
            throw new org.mobilenet.engine.model.UnsupportedModelException(
                    "--precision int8 needs a quantized model (such as a uint8 or int8 TFLite file); " + name + " is float");
        }
        if (cold) {
            return cold(file, m, name);
        }
        if (int8) {
            noOrt = true;
        }
        byte[] onnx = noOrt ? null : file != null && ModelFormats.of(file) == ModelFormats.ONNX ? onnxBytes(file) : exported(m);
        float[] images = BenchInput.images(batch, h, w, m.graph().input().c());
        try (Network net = Network.compile(m, KernelChoice.defaultKernels(), threads);
             OrtBenchSession ort = noOrt ? null : openOrt(file, onnx, ortImages(file, m, images), h, w)) {
            float[] out = new float[batch * net.outputSize()];
            Double maxDiff = null;
            if (ort != null) {
                float[] want = ort.run();
                net.forward(images, batch, out);
                maxDiff = maxAbsDiff(out, want);
            }
            org.mobilenet.engine.quant.QuantizedNetwork qnet = int8
                    ? org.mobilenet.engine.quant.QuantizedNetwork.compile(m) : null;
            int[] qimages = int8 ? org.mobilenet.cli.classify.Int8Backend.quantize(m, qnet, images) : null;
            Warmup.Pass engine = int8 ? () -> qnet.forward(qimages, batch) : () -> net.forward(images, batch, out);
            engineName = int8 ? "int8" : net.kernels().name();
            Warmup.Pass[] passes = ort == null ? new Warmup.Pass[] {engine} : new Warmup.Pass[] {engine, ort::runTimed};
            Warmup.Result[] warm = warmup != null ? Warmup.fixed(passes, warmup)
                    : Warmup.adaptive(passes, (long) (warmupMin * 1e9), (long) (warmupMax * 1e9));
            long[] engineNs = new long[runs != null ? runs : 256];
            long[] ortNs = new long[engineNs.length];
            long measureStart = System.nanoTime();
            long measureNanos = MEASURE_SECONDS * 1_000_000_000L;
            int done = 0;
            // Turns of `block` timed runs each, engine and ORT alternating (ORT first every other
            // round), every turn opened by one untimed run: both see the same machine load over the
            // measurement, and neither is timed while the other's spinning pool threads still hold a core.
            for (int round = 0; runs != null ? done < runs : done < MIN_RUNS || System.nanoTime() - measureStart < measureNanos;
                    round++) {
                int n = runs != null ? Math.min(block, runs - done) : block;
                if (done + n > engineNs.length) {
                    engineNs = Arrays.copyOf(engineNs, Math.max(done + n, engineNs.length * 2));
                    ortNs = Arrays.copyOf(ortNs, engineNs.length);
                }
                if (ort != null && round % 2 == 1) {
                    ortTurn(ort, ortNs, done, n);
                }
                engine.run();
                for (int i = done; i < done + n; i++) {
                    long t0 = System.nanoTime();
                    engine.run();
                    engineNs[i] = System.nanoTime() - t0;
                }
                if (ort != null && round % 2 == 0) {
                    ortTurn(ort, ortNs, done, n);
                }
                done += n;
            }
            LatencyStats e = LatencyStats.of(Arrays.copyOf(engineNs, done), batch);
            LatencyStats o = ort == null ? null : LatencyStats.of(Arrays.copyOf(ortNs, done), batch);
            print(name, net, done, warm, e, o, maxDiff);
            return o == null ? ExitCode.OK : ratioCheck(e.medianMs() / o.medianMs(), "median latency");
        }
    }

    /** {@code --max-ratio}: exit 1, saying why, when the engine took more than that many times ORT's {@code what}. */
    private int ratioCheck(double ratio, String what) {
        if (maxRatio == null || ratio <= maxRatio) {
            return ExitCode.OK;
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "mobilenet bench: the engine took %.3f times ONNX Runtime's %s,"
                + " more than --max-ratio %s%n", ratio, what, maxRatio);
        spec.commandLine().getErr().flush();
        return ExitCode.CHECK_FAILED;
    }

    /** {@code --cold}: fresh JVMs, engine and ORT alternating, {@code --runs} of each. */
    private int cold(Path file, Model m, String name) throws Exception {
        int processes = runs != null ? runs : COLD_RUNS;
        Path dir = Files.createTempDirectory("mobilenet-bench-cold-");
        try {
            Path engineFile = file;
            Path ortFile = file;
            if (file == null || (!noOrt && ModelFormats.of(file) != ModelFormats.ONNX)) {
                Path exported = dir.resolve("model.onnx");
                Files.write(exported, exported(m));
                ortFile = exported;
                engineFile = file == null ? exported : file;
            }
            List<String> jvmOptions = ColdBench.jvmOptions();
            List<String> java = ColdBench.javaCommand(jvmOptions);
            List<ColdBench.Run> engineRuns = new ArrayList<>();
            List<ColdBench.Run> ortRuns = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                for (int k = 0; k < 2; k++) {
                    boolean engineTurn = (k == 0) == (i % 2 == 0);
                    if (engineTurn) {
                        engineRuns.add(ColdBench.run(java, childArgs("engine", engineFile, m), dir));
                    } else if (!noOrt) {
                        try {
                            ortRuns.add(ColdBench.run(java, childArgs("ort", ortFile, m), dir));
                        } catch (IllegalStateException e) {
                            if (file == null) {
                                throw e;
                            }
                            throw new BadInputException(file, "ONNX Runtime cannot run it: " + e.getMessage());
                        }
                    }
                }
            }
            ColdBench.Summary e = ColdBench.Summary.of(engineRuns);
            ColdBench.Summary o = noOrt ? null : ColdBench.Summary.of(ortRuns);
            String kernels = engineRuns.get(engineRuns.size() - 1).kernels();
            printCold(name, kernels, processes, jvmOptions, e, o);
            return o == null ? ExitCode.OK : ratioCheck(e.firstResultMs() / o.firstResultMs(), "median time to first result");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private List<String> childArgs(String runtime, Path modelFile, Model m) {
        String r = new Resolution(m.inputHeight(), m.inputWidth()).id();
        return List.of("runtime=" + runtime, "model=" + modelFile.toAbsolutePath(), "resolution=" + r, "threads=" + threads,
                "batch=" + batch, "passes=" + ColdBench.PASSES, "spinning=" + spinning, "stopSpinning=" + stopSpinning,
                "channels=" + m.graph().input().c(), "inputSize=" + inputSize.size());
    }

    private void printCold(String name, String kernels, int processes, List<String> jvmOptions, ColdBench.Summary e,
            ColdBench.Summary o) {
        PrintWriter out = spec.commandLine().getOut();
        Double ratio = o == null ? null : e.firstResultMs() / o.firstResultMs();
        if (format == OutputFormat.JSON) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", name);
            j.put("threads", threads);
            j.put("batch", batch);
            j.put("runs", processes);
            j.put("kernels", kernels);
            j.put("java", Runtime.version().toString());
            j.put("mode", "cold");
            j.put("passes", ColdBench.PASSES);
            j.put("jvmOptions", jvmOptions);
            j.put("engine", coldMap(e));
            if (o != null) {
                Map<String, Object> om = coldMap(o);
                ortSettings().describe(om);
                j.put("ort", om);
                j.put("ratio", ratio);
            }
            out.println(Json.pretty(j));
        } else {
            List<String> header = new ArrayList<>(List.of("Measure", "engine (" + kernels + ")"));
            if (o != null) {
                header.add("onnxruntime");
                header.add("Ratio engine/ORT");
            }
            TextTable t = new TextTable(header.toArray(String[]::new)).rightAlign(o != null ? new int[] {1, 2, 3} : new int[] {1});
            coldRow(t, "first result (ms)", e.firstResultMs(), o == null ? null : o.firstResultMs());
            coldRow(t, "JVM start to main (ms)", e.startupMs(), o == null ? null : o.startupMs());
            coldRow(t, "load and prepare (ms)", e.loadMs(), o == null ? null : o.loadMs());
            for (int k = 0; k < e.passesMs().length; k++) {
                coldRow(t, "pass " + (k + 1) + " (ms)", e.passesMs()[k], o == null || k >= o.passesMs().length ? null : o.passesMs()[k]);
            }
            if (format == OutputFormat.CSV) {
                out.print(t.csv());
            } else {
                out.printf(Locale.ROOT, "%s, batch %d, %d thread%s, cold: medians of %d fresh JVM%s per runtime%s, Java %s%n", name,
                        batch, threads, threads == 1 ? "" : "s", processes, processes == 1 ? "" : "s",
                        o == null ? "" : ", engine and ORT alternating", Runtime.version());
                out.print(t.render(format));
                if (o != null) {
                    out.printf(Locale.ROOT, "Ratio engine/ORT (median time to first result): %.3f%n", ratio);
                }
            }
        }
        out.flush();
    }

    private static Map<String, Object> coldMap(ColdBench.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("firstResultMs", s.firstResultMs());
        m.put("startupMs", s.startupMs());
        m.put("loadMs", s.loadMs());
        m.put("passesMs", Arrays.stream(s.passesMs()).boxed().toList());
        m.put("firstResultMsEach", Arrays.stream(s.firstResultMsEach()).boxed().toList());
        return m;
    }

    private static void coldRow(TextTable t, String what, double engine, Double ort) {
        if (ort == null) {
            t.add(what, f(engine));
        } else {
            t.add(what, f(engine), f(ort), String.format(Locale.ROOT, "%.3f", engine / ort));
        }
    }

    private static void ortTurn(OrtBenchSession ort, long[] ns, int from, int n) throws OrtException {
        ort.runTimed();
        for (int i = from; i < from + n; i++) {
            long t0 = System.nanoTime();
            ort.runTimed();
            ns[i] = System.nanoTime() - t0;
        }
    }

    private static byte[] exported(Model m) {
        return OnnxExporter.toProto(m, OnnxExportOptions.defaults()).toByteArray();
    }

    /**
     * What ONNX Runtime is fed: the engine's inputs, or for an ONNX file that preprocesses its input in
     * its graph (run as it is) the file's own input they came from ({@link Model#fileInput}).
     */
    private static float[] ortImages(Path file, Model m, float[] images) {
        boolean own = file != null && ModelFormats.of(file) == ModelFormats.ONNX;
        return own && m.metadata().containsKey(Model.PIXEL_INPUT_KEY)
                ? m.fileInput(images) : images;
    }

    /** An ONNX file's bytes as ONNX Runtime can load them from memory: external data inlined. */
    private static byte[] onnxBytes(Path file) throws IOException {
        ModelProto proto = OnnxFile.read(file);
        return (OnnxFile.hasExternalData(proto) ? OnnxFile.inlineExternalData(file, proto) : proto).toByteArray();
    }

    /** ONNX Runtime's session; a model file it cannot load is bad input naming that file. */
    private OrtBenchSession openOrt(Path file, byte[] onnx, float[] images, int h, int w) throws OrtException,
            BadInputException {
        try {
            return new OrtBenchSession(onnx, ortSettings(), images, batch, h, w);
        } catch (OrtException | IllegalArgumentException e) {
            if (file == null) {
                throw e;
            }
            throw new BadInputException(file, "ONNX Runtime cannot run it: " + e.getMessage());
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("engine gives " + a.length + " outputs, ONNX Runtime " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** The engine's kernels as the report names them ("int8" for the integer path). */
    private String engineName;

    private void print(String name, Network net, int runsDone, Warmup.Result[] warm, LatencyStats e, LatencyStats o,
            Double maxDiff) {
        PrintWriter out = spec.commandLine().getOut();
        Double ratio = o == null ? null : e.medianMs() / o.medianMs();
        int warmRuns = 0;
        double warmSeconds = 0;
        for (Warmup.Result w : warm) {
            warmRuns = Math.max(warmRuns, w.runs());
            warmSeconds = Math.max(warmSeconds, w.seconds());
        }
        if (format == OutputFormat.JSON) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", name);
            j.put("threads", threads);
            j.put("batch", batch);
            j.put("runs", runsDone);
            j.put("warmup", warmRuns);
            j.put("block", block);
            j.put("kernels", engineName);
            j.put("java", Runtime.version().toString());
            j.put("mode", "steady");
            j.put("warmupMode", warmup == null ? "adaptive" : "fixed");
            j.put("warmupSeconds", warmSeconds);
            j.put("engine", withWarmup(e.toMap(), warm[0]));
            if (o != null) {
                Map<String, Object> om = withWarmup(o.toMap(), warm[1]);
                ortSettings().describe(om);
                j.put("ort", om);
                j.put("ratio", ratio);
                j.put("maxAbsDiff", maxDiff);
            }
            out.println(Json.pretty(j));
        } else {
            TextTable t = new TextTable("Runtime", "Min (ms)", "Median (ms)", "P90 (ms)", "Images/s", "Warm-up runs", "Warm-up (s)")
                    .rightAlign(1, 2, 3, 4, 5, 6);
            t.add(row("engine (" + engineName + ")", e, warm[0]));
            if (o != null) {
                t.add(row("onnxruntime", o, warm[1]));
            }
            if (format == OutputFormat.CSV) {
                out.print(t.csv());
            } else {
                String after = warmup == null ? "an adaptive warm-up" : warmup + " warm-up";
                out.printf(Locale.ROOT, "%s, batch %d, %d thread%s, %d runs%s after %s, Java %s%n", name, batch,
                        threads, threads == 1 ? "" : "s", runsDone, o == null ? "" : " each", after, Runtime.version());
                out.print(t.render(format));
                if (o != null) {
                    out.printf(Locale.ROOT, "Ratio engine/ORT (median): %.3f; outputs differ by at most %.2e%n", ratio, maxDiff);
                }
                for (int i = 0; i < warm.length; i++) {
                    if (!warm[i].settled()) {
                        out.printf(Locale.ROOT, "Note: %s was still getting faster when the warm-up stopped after %.1f s "
                                + "(--warmup-max); its times may include JIT compilation.%n", i == 0 ? "the engine" : "ONNX Runtime",
                                warm[i].seconds());
                    }
                }
            }
        }
        out.flush();
    }

    private static Map<String, Object> withWarmup(Map<String, Object> m, Warmup.Result w) {
        m.put("warmupRuns", w.runs());
        m.put("warmupSeconds", w.seconds());
        m.put("warmedUp", w.settled());
        return m;
    }

    private static Object[] row(String who, LatencyStats s, Warmup.Result w) {
        return List.<Object>of(who, f(s.minMs()), f(s.medianMs()), f(s.p90Ms()), String.format(Locale.ROOT, "%.1f", s.imagesPerSecond()),
                w.runs(), String.format(Locale.ROOT, "%.2f", w.seconds())).toArray();
    }

    private static String f(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** ONNX Runtime's session settings: the steady run's, the cold children's and both JSON reports'. */
    private OrtSettings ortSettings() {
        return new OrtSettings(threads, spinning, stopSpinning);
    }
}
