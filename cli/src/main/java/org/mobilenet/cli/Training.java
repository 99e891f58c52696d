package org.mobilenet.cli;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.tflite.TfliteImporter;
import picocli.CommandLine;

/**
 * The training run of the launcher's class-data archive; not a subcommand and not for users.
 *
 * <p>After every build the launcher runs this class once per JDK: with {@code -XX:DumpLoadedClassList},
 * whose list of classes it then dumps into a static class-data archive ({@code -Xshare:dump}), or with
 * {@code -XX:AOTCacheOutput} (JDK 25's AOT cache, {@code MOBILENET_CDS=aot}); every later command
 * starts from that archive. The archive holds what this run loaded, so it walks the paths users take:
 * the picocli command tree, a model written to ONNX and to TFLite (with labels) and read back, tiny
 * BMP, PNG, JPEG (plain, with EXIF, with an ICC profile) and TIFF images decoded and classified with
 * both engines, the engine's warm-up onto its Vector API kernels, {@code profile},
 * {@code info}, and the classes of the quantized TFLite import and of the WebP reader (no quantized
 * model or WebP file can be made here to exercise them for real). It needs nothing
 * outside the build (no {@code ../shared}: CI and users may lack it), prints nothing, and takes a couple
 * of seconds. A failing step is skipped, since a smaller archive is better than none; the test
 * {@code TrainingTest} checks that none fails, so the training keeps up with the commands.
 */
public final class Training {
    /** The longest the training waits for the network's warm-up to hand over. */
    private static final long WARM_UP_NANOS = 5_000_000_000L;

    private Training() {
    }

    public static void main(String[] args) throws IOException {
        exercise();
    }

    /** Runs the training in a temporary folder; returns the steps that failed (each with its reason). */
    public static List<String> exercise() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        // Commands that print through System.out/err directly (not through picocli's writers) stay quiet too.
        PrintStream nothing = new PrintStream(OutputStream.nullOutputStream(), true);
        System.setOut(nothing);
        System.setErr(nothing);
        Path dir = Files.createTempDirectory("mobilenet-training");
        List<String> failed = new ArrayList<>();
        try {
            run(dir, failed);
        } finally {
            System.setOut(out);
            System.setErr(err);
            deleteTree(dir);
        }
        return failed;
    }

    private static void run(Path dir, List<String> failed) {
        Steps steps = new Steps(failed);
        // The command tree and its help: every command builds it, --help renders all of it.
        steps.run(() -> cli("--help"));
        steps.run(() -> cli("--version"));
        for (String name : Main.commandLine(false).getSubcommands().keySet()) {
            steps.run(() -> cli(name, "--help"));
        }
        steps.run(() -> cli("profile"));
        steps.run(() -> cli("profile", "--alpha", "0.5", "--resolution", "160", "--format", "json"));

        // A small seeded model with TensorFlow's 1001 classes, through the ONNX writer and reader.
        Path onnx = dir.resolve("model.onnx");
        Model seeded = SeededInit.create(ModelSpec.paper().withAlpha(0.25).withResolution(64).withClasses(1001), 1);
        steps.run(() -> {
            ModelFiles.save(seeded, onnx, ModelFiles.SaveOptions.defaults());
            ModelFiles.load(onnx);
        });
        // The same model as TFLite (the format of the pretrained models users classify with), with
        // labels in its metadata: the TFLite writer and importer, the architecture match and the label
        // reading run for real, their lambdas linked. The quantized import's own classes are loaded
        // below (the classes of their packages), as no quantized model can be made here.
        Path tflite = dir.resolve("model.tflite");
        steps.run(() -> {
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < 1001; i++) {
                labels.add("class " + i);
            }
            ModelFiles.save(seeded.withLabels(labels), tflite, ModelFiles.SaveOptions.defaults());
            ModelFiles.load(tflite);
        });
        steps.run(() -> cli("info", onnx.toString()));
        steps.run(() -> cli("profile", "-m", onnx.toString()));

        // Images of each common format, decoded by ImageIO and classified (a folder, as users pass them).
        Path images = dir.resolve("images");
        steps.run(() -> {
            Files.createDirectories(images);
            BufferedImage img = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | (x + y));
                }
            }
            for (String format : new String[] {"bmp", "png", "jpg", "tif"}) {
                String writer = format.equals("jpg") ? "jpeg" : format.equals("tif") ? "tiff" : format;
                ImageIO.write(img, writer, images.resolve("img." + format).toFile());
            }
            // A camera photo: the same JPEG with an EXIF segment (orientation 6), whose reading loads the
            // reader's metadata classes (a JPEG without one skips them).
            byte[] jpeg = Files.readAllBytes(images.resolve("img.jpg"));
            byte[] exif = {(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
            Files.write(images.resolve("photo.jpg"), afterSoi(jpeg, exif));
            // A photo with its colour profile (an APP2 ICC_PROFILE segment, as phones and editors write
            // them): its reading loads the profile's conversion (JpegIcc, the JDK's colour management).
            byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
            byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
            int length = 2 + tag.length + 2 + icc.length;
            byte[] app2 = new byte[2 + length];
            app2[0] = (byte) 0xFF;
            app2[1] = (byte) 0xE2;
            app2[2] = (byte) (length >> 8);
            app2[3] = (byte) length;
            System.arraycopy(tag, 0, app2, 4, tag.length);
            app2[4 + tag.length] = 1; // segment 1 of 1
            app2[5 + tag.length] = 1;
            System.arraycopy(icc, 0, app2, 6 + tag.length, icc.length);
            Files.write(images.resolve("profiled.jpg"), afterSoi(jpeg, app2));
        });
        steps.run(() -> cli("classify", "-m", onnx.toString(), images.toString()));
        steps.run(() -> cli("classify", "-m", onnx.toString(), "--format", "json", images.resolve("img.jpg").toString()));
        steps.run(() -> cli("classify", "-m", onnx.toString(), "--format", "csv", images.resolve("img.png").toString()));
        steps.run(() -> cli("classify", "-m", onnx.toString(), "--engine", "ort", images.resolve("img.bmp").toString()));
        steps.run(() -> cli("classify", "-m", tflite.toString(), images.resolve("img.bmp").toString()));
        // A one-shot classify reads its model ahead (Session.readAhead): its classes too.
        steps.run(() -> new Session().readAhead(tflite).get());
        steps.run(() -> cli("classify", "-m", tflite.toString(), "--engine", "ort", images.resolve("img.bmp").toString()));
        // The Vector API kernels a folder of photos and verify hand over to: the network's warm-up (the
        // kernels prepared, shrunk layers run, interpreted at first: the Vector API's Java fallbacks
        // and their lambdas, the method handles they link) and a batch on the kernels it hands over.
        // The classify above has too few images to warm up; without this step all of that was loaded,
        // spun and linked at run time, on the warm-up's thread. Bounded: a JVM whose JIT never gets
        // the kernels up to speed still archives what loaded meanwhile.
        steps.run(() -> {
            try (Network net = Network.compile(seeded)) {
                net.startWarmUp();
                long end = System.nanoTime() + WARM_UP_NANOS;
                while (!net.warm() && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
                net.forward(new float[2 * net.inputSize()], 2);
            }
        });
        // The reference kernels (MOBILENET_KERNELS=scalar) on the same model.
        steps.run(() -> {
            try (Network net = Network.compile(ModelFiles.load(onnx), new ScalarKernels())) {
                net.forward(new float[net.inputSize()], 1);
            }
        });

        // The TFLite importer's classes for quantized models, and the model classes they use.
        steps.run(() -> loadPackage(TfliteImporter.class));
        steps.run(() -> loadPackage(org.mobilenet.engine.model.QuantParams.class));
        // The WebP reader (no writer exists to make a file here); named, as it comes with onnx-io.
        steps.run(() -> loadPackage(Class.forName("com.twelvemonkeys.imageio.plugins.webp.WebPImageReader")));
    }

    /** The JPEG {@code jpeg} with {@code segment} (a whole marker segment) right after its SOI marker. */
    private static byte[] afterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    /** Runs one command line in-process with its output discarded; a failing command fails the step. */
    private static void cli(String... args) {
        PrintWriter nothing = new PrintWriter(OutputStream.nullOutputStream(), true);
        CommandLine cl = Main.commandLine(false);
        cl.setOut(nothing);
        cl.setErr(nothing);
        int code = cl.execute(args);
        if (code != ExitCode.OK) {
            throw new IllegalStateException("'" + String.join(" ", args) + "' exited with " + code);
        }
    }

    /** Loads (without initializing) every class of {@code anchor}'s package from its jar or folder. */
    private static void loadPackage(Class<?> anchor) throws IOException, URISyntaxException {
        String prefix = anchor.getPackageName().replace('.', '/') + '/';
        Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.list(where.resolve(prefix))) {
                files.map(p -> prefix + p.getFileName()).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                jar.stream().map(JarEntry::getName).filter(n -> n.startsWith(prefix)).forEach(names::add);
            }
        }
        for (String n : names) {
            if (n.endsWith(".class") && n.indexOf('/', prefix.length()) < 0) {
                try {
                    Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, anchor.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // not archivable here; the command loads it when it needs it
                }
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs steps, noting the ones that fail instead of stopping: the archive then just lacks their classes. */
    private record Steps(List<String> failed) {
        void run(Step s) {
            try {
                s.run();
            } catch (Exception | LinkageError e) {
                failed.add(String.valueOf(e));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
