package org.mobilenet.cli.verify;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.eval.Agreement;
import org.mobilenet.engine.eval.TopK;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.run.KernelChoice;
import org.mobilenet.engine.run.Network;
import org.mobilenet.cli.ort.Layouts;
import org.mobilenet.cli.ort.OrtRunner;
import org.mobilenet.cli.ort.OrtSettings;
import org.mobilenet.io.image.DecodedImage;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.image.ImageOptions;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelFormat;
import org.mobilenet.io.ModelFormats;
import org.mobilenet.io.onnx.Layout;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;
import org.mobilenet.io.onnx.OnnxFile;
import org.mobilenet.io.onnx.OnnxImport;
import org.mobilenet.io.onnx.OnnxImporter;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

/**
 * Runs an ONNX model in ONNX Runtime (the reference) and, imported, in the engine on the same
 * inputs, and compares the outputs (and optionally every layer's output).
 */
public final class Verifier {
    /**
     * What to compare.
     *
     * @param count    seeded random inputs (ignored when images are given)
     * @param seed     their seed
     * @param atol     absolute tolerance
     * @param rtol     relative tolerance: pass when |engine - ort| <= atol + rtol |ort| everywhere
     * @param perLayer also compare every layer's output
     * @param images   image files to preprocess as inputs instead of random ones (may be empty)
     * @param ignoreExif read image files as stored, without applying their EXIF orientation
     * @param atolSteps for a quantized model: the largest output difference allowed, in quantization steps
     * @param atolHalf  the absolute tolerance for an ONNX graph that computes in float16 (ONNX Runtime runs
     *                  it in half precision, the engine in float32)
     */
    public record Options(int count, long seed, double atol, double rtol, boolean perLayer, List<Path> images,
            boolean ignoreExif, double atolSteps, double atolHalf) {
        /** The default tolerance for a float16 graph: float16 keeps about three decimal digits. */
        public static final double HALF_ATOL = 1e-2;

        public Options {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be >= 1, got " + count);
            }
            if (!(atol >= 0) || !(rtol >= 0) || !(atolSteps >= 0) || !(atolHalf >= 0)) {
                throw new IllegalArgumentException("tolerances must be >= 0");
            }
            images = images == null ? List.of() : List.copyOf(images);
        }

        /** Options with a float16 graph's tolerance at least {@link #HALF_ATOL}. */
        public Options(int count, long seed, double atol, double rtol, boolean perLayer, List<Path> images,
                boolean ignoreExif, double atolSteps) {
            this(count, seed, atol, rtol, perLayer, images, ignoreExif, atolSteps, Math.max(atol, HALF_ATOL));
        }

        /** Options with EXIF orientation applied and the default tolerance of one quantization step. */
        public Options(int count, long seed, double atol, double rtol, boolean perLayer, List<Path> images) {
            this(count, seed, atol, rtol, perLayer, images, false, 1);
        }

        /** The absolute tolerance for {@code model}: {@link #atolHalf} for a float16 ONNX graph, else {@link #atol}. */
        public double atolFor(Model model) {
            return "true".equals(model.metadata().get(org.mobilenet.io.onnx.OnnxImport.FLOAT16)) ? atolHalf : atol;
        }
    }

    private Verifier() {
    }

    /**
     * Verifies a model file. An .onnx file runs as it is in ONNX Runtime; another format (.tflite,
     * .safetensors) is exported to ONNX in memory first, which checks the engine against ONNX Runtime
     * on the same weights.
     */
    public static VerifyReport verify(Path file, Options o) throws IOException, OrtException {
        return verify(file, o, 0);
    }

    /**
     * {@link #verify(Path, Options)} at an input of {@code inputSize} squared ({@code --input-size}, for a
     * file that does not record its input size: {@link ModelFiles#atInputSize}); 0 for the file's size.
     */
    public static VerifyReport verify(Path file, Options o, int inputSize) throws IOException, OrtException {
        ModelFormat format = ModelFormats.of(file);
        ModelProto proto;
        if (format == null || format == ModelFormats.ONNX) {
            proto = OnnxFile.read(file);
        } else {
            Model loaded = inputSize > 0 ? ModelFiles.load(file, format, inputSize) : ModelFiles.load(file, format);
            proto = OnnxExporter.toProto(loaded, OnnxExportOptions.defaults());
        }
        boolean onnx = format == null || format == ModelFormats.ONNX;
        OnnxImport imp = OnnxImporter.importModel(file, proto,
                onnx && inputSize > 0 ? ModelFiles.requireInputSize(inputSize) : OnnxImporter.DEFAULT_SIZE);
        if (onnx && inputSize > 0) {
            // A graph with a symbolic height and width, imported at the size (ONNX Runtime runs the graph
            // as it is, at whatever size the input has); refused for a graph that fixes them.
            OnnxImporter.sizeFor(imp.model(), inputSize);
        }
        Model model = imp.model();
        if (model.isQuantized()) {
            return verifyQuantized(file, proto, imp, o);
        }
        int n = o.images().isEmpty() ? o.count() : o.images().size();
        float[] input = inputs(model, o, n);
        // Every kernel set the engine runs: the cold kernels, which a short job (one image) runs, and
        // the fast ones a long job switches to, when they differ. The fast ones' network warms up on
        // another thread from the start (the JIT compiling its kernels on shrunk layers) while this
        // thread runs the cold kernels and ONNX Runtime; its pass comes last, as a long job's passes
        // run once it has switched. Their first pass at full size used to wait here for each kernel's
        // compilation, partly interpreted: half of a cold verify's time.
        Kernels cold = KernelChoice.coldKernels();
        Kernels fast = KernelChoice.defaultKernels();
        List<EngineRun> runs = new ArrayList<>();
        try (Network warming = cold == null ? null : Network.compile(model)) {
            if (warming != null) {
                warming.noWarmUpAfterPass();
                warming.startWarmUp();
            }
            try (Network net = Network.compile(model)) {
                net.noWarmUpAfterPass(); // one pass: as a command classifying one image compiles it
                runs.add(EngineRun.of(cold == null ? fast.name() : cold.name(), net, input, n, o.perLayer()));
            }
            Map<String, float[]> ort = runOrt(file, proto, imp, model, input, n, o.perLayer());
            if (warming != null) {
                runs.add(fastRun(model, warming, fast, input, n, o.perLayer()));
            }
            return report(file, imp, model, ort, runs, n, o);
        }
    }

    /**
     * ONNX Runtime's outputs on the same input: the model's output, and with {@code perLayer} every layer's
     * value the import names.
     */
    private static Map<String, float[]> runOrt(Path file, ModelProto proto, OnnxImport imp, Model model, float[] input,
            int n, boolean perLayer) throws IOException {
        List<String> outputs = new ArrayList<>();
        outputs.add(imp.outputName());
        ModelProto runProto = proto;
        if (perLayer) {
            for (String v : imp.layerValues().values()) {
                if (!outputs.contains(v)) {
                    outputs.add(v);
                }
            }
            runProto = OnnxExporter.withOutputs(OnnxFile.inlineExternalData(file, proto), outputs);
        } else if (OnnxFile.hasExternalData(proto)) {
            runProto = OnnxFile.inlineExternalData(file, proto);
        }
        try {
            // A file that preprocesses its input in its graph takes its own input (Model.fileInput).
            float[] fed = model.metadata().containsKey(Model.PIXEL_INPUT_KEY) ? model.fileInput(input) : input;
            return runOrt(runProto.toByteArray(), imp, fed, n, model.inputHeight(), model.inputWidth(), outputs);
        } catch (OrtException e) {
            throw new org.mobilenet.io.BadInputException(file, "ONNX Runtime cannot run this model: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
    }

    /**
     * The longest {@link #fastRun} waits for the warm-up: it takes about half a second on two loaded
     * cores; a JVM whose JIT never compiles the kernels (C2 off) would otherwise wait for the warm-up
     * to give up, 20 s.
     */
    static final java.time.Duration WARM_UP_WAIT = java.time.Duration.ofSeconds(5);

    /**
     * The pass on the fast kernels: on the network that warmed up meanwhile, or, when its warm-up gave up
     * or is not done within {@link #WARM_UP_WAIT}, on a network compiled with them, whose first pass then
     * waits for the JIT (slow, the same arithmetic).
     */
    private static EngineRun fastRun(Model model, Network warming, Kernels fast, float[] input, int n,
            boolean perLayer) {
        try {
            warming.awaitWarmUp(WARM_UP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // not waited for: the fallback below gives the same values
        }
        if (warming.kernels().name().equals(fast.name())) {
            return EngineRun.of(fast.name(), warming, input, n, perLayer);
        }
        try (Network net = Network.compile(model, fast)) {
            return EngineRun.of(fast.name(), net, input, n, perLayer);
        }
    }

    /** The report of the float path from ONNX Runtime's outputs and the engine's runs. */
    private static VerifyReport report(Path file, OnnxImport imp, Model model, Map<String, float[]> ort,
            List<EngineRun> runs, int n, Options o) {
        float[] ref = ort.get(imp.outputName());
        DiffStats out = null;
        double top1 = 1;
        double top5 = 1;
        for (EngineRun run : runs) {
            DiffStats d = DiffStats.of(ref, run.output(), o.atolFor(model), o.rtol());
            out = out == null || worse(d, out) ? d : out;
            double[] agree = agreement(ref, run.output(), n, model.outputSize());
            top1 = Math.min(top1, agree[0]);
            top5 = Math.min(top5, agree[1]);
        }
        List<VerifyReport.LayerDiff> layers = new ArrayList<>();
        VerifyReport.LayerDiff first = null;
        if (o.perLayer()) {
            for (LayerSpec l : model.graph().layers()) {
                String value = imp.layerValues().get(l.name());
                DiffStats worst = null;
                for (EngineRun run : runs) {
                    float[] e = run.layers().get(l.name());
                    if (value != null && e != null) {
                        DiffStats d = DiffStats.ofLayer(ort.get(value), e, o.atolFor(model), o.rtol());
                        worst = worst == null || worse(d, worst) ? d : worst;
                    }
                }
                if (worst == null) {
                    continue;
                }
                VerifyReport.LayerDiff d = new VerifyReport.LayerDiff(l.name(), worst);
                layers.add(d);
                if (first == null && !d.diff().within()) {
                    first = d;
                }
            }
        }
        return new VerifyReport(file.toString(), n, out, top1, top5, out.within(), layers, first, 0,
                runs.stream().map(EngineRun::kernels).toList(), 0, o.atolFor(model) == o.atol() ? 0 : o.atolFor(model),
                "true".equals(model.metadata().get(org.mobilenet.io.onnx.OnnxImport.DYNAMIC_QUANTIZATION)));
    }

    /**
     * Whether {@code a} is further outside (or less inside) the tolerance than {@code b}: the report
     * gives the figures of the kernel set furthest outside it.
     */
    static boolean worse(DiffStats a, DiffStats b) {
        return a.worstExcess() > b.worstExcess()
                || a.worstExcess() == b.worstExcess() && a.maxAbsDiff() > b.maxAbsDiff();
    }

    /** One pass of the engine: its kernels' name, the output and (when asked) every layer's output in NCHW. */
    private record EngineRun(String kernels, float[] output, Map<String, float[]> layers) {
        static EngineRun of(String kernels, Network net, float[] input, int n, boolean perLayer) {
            Map<String, float[]> layers = new LinkedHashMap<>();
            float[] out = net.forward(input, n, perLayer ? (layer, values, b) -> layers.put(layer.name(),
                    layer.kind() == LayerKind.CONV || layer.kind() == LayerKind.DEPTHWISE
                            || layer.kind() == LayerKind.POINTWISE || layer.kind() == LayerKind.ADD
                            || layer.kind() == LayerKind.SCALE // (maps, held NHWC by the engine)
                            ? Layouts.toNchw(values, b, layer.out().h(), layer.out().w(), layer.out().c())
                            : java.util.Arrays.copyOf(values, (int) (b * layer.out().size()))) : null);
            return new EngineRun(kernels, out, layers);
        }
    }

    /** Top-1 and top-5 agreement of the engine with the reference over {@code n} outputs of {@code classes}. */
    private static double[] agreement(float[] ref, float[] engine, int n, int classes) {
        if (classes >= 5) {
            Agreement a = Agreement.of(ref, engine, n, classes);
            return new double[] {a.top1Rate(), a.top5Rate()};
        }
        int t1 = 0;
        for (int b = 0; b < n; b++) {
            if (TopK.of(ref, b * classes, classes, 1)[0] == TopK.of(engine, b * classes, classes, 1)[0]) {
                t1++;
            }
        }
        return new double[] {t1 / (double) n, 1};
    }

    /** n preprocessed NHWC inputs: the images given, or seeded random ones; refused when too many for one array. */
    private static float[] inputs(Model model, Options o, int n) throws IOException {
        int h = model.inputHeight();
        int w = model.inputWidth();
        if ((long) n * h * w * model.graph().input().c() > Integer.MAX_VALUE / 4 || (long) n * model.outputSize() > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(n + " inputs are too many for " + h + "x" + w + " images in one run");
        }
        return o.images().isEmpty() ? randomInput(model.preprocessing(), h * w, model.graph().input().c(), n, o.seed())
                : imageInput(model, o.images(), o.ignoreExif());
    }

    /**
     * A quantized model (a QDQ ONNX file): the engine's integer path against ONNX Runtime on the same
     * quantized inputs (the preprocessed inputs quantized with the model's input quantization; ORT gets
     * them dequantized, which its first QuantizeLinear turns back into the same integers). Differences
     * are measured in output quantization steps: pass when none exceeds {@code atolSteps}.
     * Per-layer comparison is not available on this path.
     */
    private static VerifyReport verifyQuantized(Path file, ModelProto proto, OnnxImport imp, Options o)
            throws IOException, OrtException {
        if (o.perLayer()) {
            throw new IllegalArgumentException("--per-layer compares float layers; " + file + " is quantized and is"
                    + " compared on its integer path by its output only (convert it with --dequantize to compare"
                    + " layers)");
        }
        Model model = imp.model();
        QuantizedNetwork net = QuantizedNetwork.compile(model);
        int h = model.inputHeight();
        int w = model.inputWidth();
        int n = o.images().isEmpty() ? o.count() : o.images().size();
        float[] input = inputs(model, o, n);
        QuantParams in = net.input();
        int[] q = new int[input.length];
        for (int i = 0; i < input.length; i++) {
            q[i] = in.quantize(input[i]);
            input[i] = in.dequantize(q[i], 0);
        }
        // The integer path's plain loops (a short job's) and its Vector API kernels (a long job's), when
        // present; the latter after ONNX Runtime, which gives the JIT that much longer to compile them
        // on the warm-up thread the network's compile started.
        Map<String, float[]> engines = new LinkedHashMap<>();
        engines.put("loops", net.dequantize(net.forward(q, n, QuantizedNetwork.Kernels.LOOPS)));
        ModelProto runProto = OnnxFile.hasExternalData(proto) ? OnnxFile.inlineExternalData(file, proto) : proto;
        Map<String, float[]> ort;
        try {
            ort = runOrt(runProto.toByteArray(), imp, input, n, h, w, List.of(imp.outputName()));
        } catch (OrtException e) {
            throw new org.mobilenet.io.BadInputException(file, "ONNX Runtime cannot run this model: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        if (KernelChoice.vectorApiPresent()) {
            engines.put("vector", net.dequantize(net.forward(q, n, QuantizedNetwork.Kernels.VECTOR)));
        }
        float[] ref = ort.get(imp.outputName());
        double scale = net.output().scale();
        double allowed = o.atolSteps();
        List<LayerSpec> ls = model.graph().layers();
        if (ls.size() > 1 && ls.get(ls.size() - 1).kind() == LayerKind.SIGMOID) {
            // A sigmoid head passes a difference of one step in its input (which the tolerance allows, and
            // the two runtimes' roundings give) on as up to a quarter of that step: allowed at its output
            // too. A softmax spreads it over the classes and normalizes; its output keeps the tolerance.
            double logit = model.quantization().orElseThrow().output(ls.get(ls.size() - 2).name()).scale();
            allowed = o.atolSteps() * (1 + 0.25 * logit / scale);
        }
        // Both sides hold multiples of the step; the slack only absorbs float rounding of those multiples.
        DiffStats out = null;
        double top1 = 1;
        double top5 = 1;
        for (float[] engine : engines.values()) {
            DiffStats d = DiffStats.of(ref, engine, (allowed + 1e-3) * scale, 0);
            out = out == null || worse(d, out) ? d : out;
            double[] agree = agreement(ref, engine, n, model.outputSize());
            top1 = Math.min(top1, agree[0]);
            top5 = Math.min(top5, agree[1]);
        }
        return new VerifyReport(file.toString(), n, out, top1, top5, out.within(), List.of(), null, scale,
                List.copyOf(engines.keySet()), allowed == o.atolSteps() ? 0 : allowed, 0, false);
    }

    /** Runs ORT in batches the model's input accepts (a fixed batch dim of 1 means one image at a time). */
    private static Map<String, float[]> runOrt(byte[] bytes, OnnxImport imp, float[] nhwc, int n, int h, int w,
            List<String> outputs) throws OrtException {
        String batchDim = imp.inputDims().get(0);
        int chunk = batchDim.equals("1") ? 1 : n;
        int c = imp.model().graph().input().c();
        int per = h * w * c;
        Map<String, List<float[]>> parts = new LinkedHashMap<>();
        try (OrtRunner ort = new OrtRunner(bytes, OrtSettings.singleThread())) {
            for (int start = 0; start < n; start += chunk) {
                int b = Math.min(chunk, n - start);
                float[] x = java.util.Arrays.copyOfRange(nhwc, start * per, (start + b) * per);
                long[] shape;
                if (imp.inputLayout() == Layout.NCHW) {
                    x = Layouts.toNchw(x, b, h, w, c);
                    shape = new long[] {b, c, h, w};
                } else {
                    shape = new long[] {b, h, w, c};
                }
                for (Map.Entry<String, float[]> e : ort.run(imp.inputName(), x, shape, outputs).entrySet()) {
                    parts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                }
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<float[]>> e : parts.entrySet()) {
            int len = e.getValue().stream().mapToInt(a -> a.length).sum();
            float[] all = new float[len];
            int p = 0;
            for (float[] a : e.getValue()) {
                System.arraycopy(a, 0, all, p, a.length);
                p += a.length;
            }
            out.put(e.getKey(), all);
        }
        return out;
    }

    /**
     * Seeded inputs as preprocessing would make them from uniform random pixels of {@code channels} (3, or 1
     * for gray). Returns {@code [n, H, W, C]}.
     */
    static float[] randomInput(Preprocessing p, int pixels, int channels, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] mean = p.mean();
        float[] std = p.std();
        float[] x = new float[n * pixels * channels];
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            x[i] = (float) ((rnd.nextDouble() * 255 - mean[c]) / std[c]);
        }
        return x;
    }

    private static float[] imageInput(Model model, List<Path> images, boolean ignoreExif) throws IOException {
        ImagePreprocessor pre = ImagePreprocessor.of(model);
        ImageLoader loader = new ImageLoader(ImageOptions.defaults().withApplyExif(!ignoreExif));
        float[] x = new float[images.size() * pre.inputSize()];
        for (int i = 0; i < images.size(); i++) {
            DecodedImage img = loader.decode(images.get(i), pre::grid); // only the pixels the resize reads
            pre.apply(img.image(), img.grid(), x, i * pre.inputSize());
        }
        return x;
    }
}
