package org.mobilenet.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.mobilenet.cli.classify.BackendFactory;
import org.mobilenet.cli.classify.Backends;
import org.mobilenet.cli.classify.BatchClassifier;
import org.mobilenet.cli.classify.ClassifyFormat;
import org.mobilenet.cli.classify.ClassifyReport;
import org.mobilenet.cli.classify.ImageInputs;
import org.mobilenet.cli.classify.ImageResult;
import org.mobilenet.cli.classify.LabelsFile;
import org.mobilenet.cli.classify.ProgressReporter;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.image.ImageOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mobilenet classify}: top-k classes (or feature vectors) for images. */
@Command(name = "classify", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Classify JPEG, PNG, BMP, GIF, WebP and TIFF images with a model (.tflite, .onnx, .safetensors).",
            "IMAGE may be a file, a directory (searched recursively) or '-' for a list of paths on standard input.",
            "Images are turned upright as their EXIF orientation tag says (--ignore-exif: as stored).",
            "Images that cannot be read, truncated or corrupt ones included, are reported on stderr and skipped;"
                    + " the exit code is then 3.",
            "Other files in a directory are skipped with one line each on stderr (not an error).",
            "Results are printed as they are ready, in input order; decoding overlaps inference on --threads cores.",
        })
public final class ClassifyCommand implements Callable<Integer> {
    /** Progress is shown on a terminal from this many images on. */
    static final int PROGRESS_MIN_IMAGES = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    InputSizeOption inputSize;

    /** Standard input for '-' (tests replace it). */
    InputStream stdin = System.in;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "The model file (required, except in the shell after 'load FILE').")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files, directories, or '-'.")
    List<String> images;

    @Option(names = {"-k", "--top-k"}, defaultValue = "5", paramLabel = "K",
            description = "Classes to print per image. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--threshold", defaultValue = "0", paramLabel = "P",
            description = "Print only classes scoring at least P. Default: ${DEFAULT-VALUE}.")
    float threshold;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Class names, one per line (one line per class of the model; for 1000 or 1001 classes the background class is handled either way; lines that start with their own index (Teachable Machine's '0 Flask') or a WordNet id (ImageNet's synset.txt) give the names without it)."
                    + " Default: the model's own labels.")
    Path labels;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "N", description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Cores the command may use: N threads decode images, and whichever is free runs the next"
                    + " batch (ONNX Runtime gets N intra-op threads). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Per-channel mean (1 or 3 values, RGB, pixel units). Default: the model's.")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel std (1 or 3 values, RGB, pixel units). Default: the model's.")
    float[] std;

    @Option(names = "--resize", paramLabel = "MODE", description = "stretch or center-crop. Default: the model's.",
            completionCandidates = Candidates.ResizeModes.class)
    String resize;

    @Option(names = "--crop-fraction", paramLabel = "F", description = "Central fraction kept by center-crop, in (0, 1]. Default: the model's, or 0.875.")
    Float cropFraction;

    @Option(names = "--max-pixels", defaultValue = "100000000", paramLabel = "N",
            description = "Refuse images with more pixels than this (checked before decoding). Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(names = "--ignore-exif", description = "Classify images as stored, ignoring their EXIF (or TIFF) orientation tag.")
    boolean ignoreExif;

    @Option(names = "--allow-truncated",
            description = "Classify what a truncated or corrupt image decoded to, with a warning on stderr, instead of failing it.")
    boolean allowTruncated;

    @Option(names = {"-q", "--quiet"},
            description = "Print a count of the files skipped in directories instead of one line per file.")
    boolean quiet;

    @Option(names = "--features", description = "Print each image's pooled feature vector.")
    boolean features;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, json, jsonl (JSON Lines: one object per image) or csv. Default: ${DEFAULT-VALUE}.")
    ClassifyFormat format;

    @Option(names = "--engine", defaultValue = "java", paramLabel = "E", description = "java or ort. Default: ${DEFAULT-VALUE}.",
            completionCandidates = Candidates.Engines.class)
    String engine;

    @Option(names = "--precision", defaultValue = "float", paramLabel = "P",
            description = {"float or int8 (a quantized model's integer path, as TFLite computes it; the image is"
                    + " resized as TFLite's legacy bilinear and rounded to the input's integers). Default: ${DEFAULT-VALUE}."})
    org.mobilenet.cli.run.Precision precision;

    @Override
    public Integer call() throws Exception {
        if (topK < 1 || batch < 1 || threads < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("--top-k, --batch, --threads and --max-pixels must be >= 1");
        }
        if (!Float.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be a number");
        }
        Backends.check(engine);
        boolean int8 = precision == org.mobilenet.cli.run.Precision.INT8;
        if (int8 && !engine.equalsIgnoreCase("java")) {
            throw new IllegalArgumentException("--precision int8 runs on the Java engine only (--engine java)");
        }
        if (int8 && features) {
            throw new IllegalArgumentException("--features is not available with --precision int8");
        }
        if (resize != null) {
            Preprocessing.Resize.parse(resize);
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        // The total is known up front only for files named on the command line; else a count is shown.
        OptionalInt known = ImageInputs.knownCount(images);
        boolean showProgress = stderrIsTerminal() && (known.isEmpty() || known.getAsInt() >= PROGRESS_MIN_IMAGES);
        ProgressReporter progress = showProgress ? ProgressReporter.bar(err, known.orElse(-1)) : ProgressReporter.NONE;
        ClassifyReport.Writer[] report = new ClassifyReport.Writer[1];
        BackendFactory[] backends = new BackendFactory[1];
        int[] counts = new int[3]; // images seen, images failed, files skipped
        ImageLoader loader = new ImageLoader(new ImageOptions(maxPixels, !ignoreExif, allowTruncated));
        BatchClassifier bc = new BatchClassifier(loader, batch, threads, topK, threshold, features);
        try (ImageInputs inputs = ImageInputs.of(images, stdin)) {
            // With several threads the first images decode while this loads the model.
            bc.run(inputs, () -> {
                Model m = inputSize.model(Session.of(spec), model);
                Preprocessing p = preprocessing(m.preprocessing());
                int classes = m.classes();
                List<String> names = m.labels();
                if (labels != null && classes > 0) {
                    names = LabelsFile.load(labels, classes);
                }
                if (names.size() != classes) {
                    names = List.of();
                }
                report[0] = new ClassifyReport(names, classes > 0, features || classes == 0).writer(out, format);
                if (int8 && !m.isQuantized()) {
                    throw new org.mobilenet.engine.model.UnsupportedModelException(
                            "--precision int8 needs a quantized model (such as a uint8 or int8 TFLite file); this one"
                                    + " is float");
                }
                backends[0] = int8 ? Backends.int8(m) : Backends.factory(engine, m, threads);
                return new BatchClassifier.Setup(new ImagePreprocessor(p, m.inputHeight(), m.inputWidth(), m.graph().input().c()), backends[0], classes);
            }, results -> {
                progress.hide();
                for (ImageResult r : results) {
                    counts[2] += reportSkipped(err, r.skipped());
                    if (r.failed()) {
                        counts[1]++;
                        err.println("mobilenet classify: " + r.error().replace('\n', ' '));
                    } else if (r.warning() != null) {
                        err.println("mobilenet classify: warning: " + r.path() + ": " + r.warning().replace('\n', ' '));
                    }
                }
                err.flush();
                report[0].add(results);
                if (out.checkError()) { // flushes; true once a write failed (a pipe's reader left, a full disk)
                    throw new OutputException(Path.of("standard output"), "could not be written (closed, or the disk"
                            + " is full); the results stop there");
                }
                counts[0] += results.size();
                if (known.isPresent() || counts[0] >= PROGRESS_MIN_IMAGES) {
                    progress.update(counts[0]);
                }
            });
            counts[2] += reportSkipped(err, inputs.remainingSkipped());
        } finally {
            progress.finish();
            if (backends[0] != null) {
                backends[0].close();
            }
        }
        if (quiet && counts[2] > 0) {
            err.println("mobilenet classify: skipped " + counts[2] + (counts[2] == 1 ? " file that is not an image"
                    : " files that are not images") + " (without --quiet each is listed)");
        }
        err.flush();
        if (counts[0] == 0) {
            throw new BadInputException(Path.of(String.join(" ", images)), "no JPEG, PNG, BMP, GIF, WebP or TIFF images found");
        }
        report[0].finish();
        out.flush();
        return counts[1] > 0 ? ExitCode.BAD_INPUT : ExitCode.OK;
    }

    /** One line per skipped file (none with --quiet); returns how many there were. */
    private int reportSkipped(PrintWriter err, List<ImageInputs.Skipped> skipped) {
        if (!quiet) {
            for (ImageInputs.Skipped s : skipped) {
                err.println("mobilenet classify: skipped " + s.path() + ": " + s.reason());
            }
        }
        return skipped.size();
    }

    /** The launcher says whether stderr is a terminal (-Dmobilenet.stderr.tty); else ask the JVM. */
    private static boolean stderrIsTerminal() {
        String tty = System.getProperty("mobilenet.stderr.tty");
        return tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
    }

    private Preprocessing preprocessing(Preprocessing p) {
        if (mean != null) {
            p = p.withMean(mean);
        }
        if (std != null) {
            p = p.withStd(std);
        }
        Preprocessing.Resize r = resize == null ? p.resize() : Preprocessing.Resize.parse(resize);
        float f;
        if (cropFraction != null) {
            f = cropFraction;
        } else if (r == Preprocessing.Resize.CENTER_CROP && p.resize() != Preprocessing.Resize.CENTER_CROP) {
            f = 0.875f;
        } else {
            f = p.cropFraction();
        }
        return p.withResize(r, f);
    }
}
