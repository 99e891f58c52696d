package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataType;

/**
 * Hostile files through every subcommand that reads them, in-process: each must exit 3 with exactly
 * one stderr line naming the file, write no output (nor leave a temp file next to it), and allocate
 * no more than the file justifies (checked with the thread's allocation counter, so a reader that
 * allocates what a header merely claims fails here instead of exhausting the heap).
 */
class HostileInputTest {
    /** What one refused command may allocate beyond 64 bytes per byte of its input. */
    private static final long ALLOWED_BASE_BYTES = 64L << 20;

    @TempDir
    static Path dir;

    private static final Map<String, Path> MODELS = new LinkedHashMap<>();
    private static final Map<String, Path> IMAGES = new LinkedHashMap<>();
    private static Path goodImage;
    private static Path realModel;

    @BeforeAll
    static void buildFixtures() throws Exception {
        realModel = CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite");
        assertTrue(Files.isRegularFile(realModel), "shared data missing: " + realModel + " (set -Dmobilenet.shared)");
        byte[] tflite = Files.readAllBytes(realModel);
        ModelProto tiny = HostileFiles.tinyOnnx();
        byte[] onnx = tiny.toByteArray();
        Path st = dir.resolve("valid.safetensors");
        Path validOnnx = HostileFiles.write(dir, "valid.onnx", onnx);
        assertEquals(0, CliRun.of("convert", validOnnx.toString(), st.toString()).code());
        byte[] safetensors = Files.readAllBytes(st);

        for (String ext : new String[] {"onnx", "tflite", "safetensors"}) {
            byte[] valid = ext.equals("onnx") ? onnx : ext.equals("tflite") ? tflite : safetensors;
            model("empty." + ext, new byte[0]);
            model("truncated." + ext, HostileFiles.truncated(valid));
            model("random." + ext, HostileFiles.random(ext.hashCode(), 4096));
        }
        model("root-offset-outside.tflite", HostileFiles.tfliteRootOutside(tflite));
        model("vtable-offset-outside.tflite", HostileFiles.tfliteVtableOutside(tflite));
        model("huge-buffer.tflite", HostileFiles.tfliteHugeBuffer(tflite));

        model("huge-dims-float.onnx", HostileFiles.hugeDims(tiny, DataType.FLOAT).toByteArray());
        model("huge-dims-float16.onnx", HostileFiles.hugeDims(tiny, DataType.FLOAT16).toByteArray());
        model("huge-dims-double.onnx", HostileFiles.hugeDims(tiny, DataType.DOUBLE).toByteArray());
        model("huge-dims-float-data.onnx", HostileFiles.hugeDimsTyped(tiny).toByteArray());
        Path outside = Files.write(dir.resolve("models/outside.bin"), new byte[4 * 8 * 27]);
        model("dotdot/external-dotdot.onnx", HostileFiles.external(tiny, "../outside.bin").toByteArray());
        model("absolute/external-absolute.onnx", HostileFiles.external(tiny, outside.toString()).toByteArray());
        Path link = Files.createDirectories(dir.resolve("models/symlink")).resolve("weights.bin");
        Files.createSymbolicLink(link, outside);
        model("symlink/external-symlink.onnx", HostileFiles.external(tiny, "weights.bin").toByteArray());
        Path linkedDir = Files.createDirectories(dir.resolve("models/symlink-dir")).resolve("escape");
        Files.createSymbolicLink(linkedDir, dir.resolve("models"));
        model("symlink-dir/external-symlink-dir.onnx", HostileFiles.external(tiny, "escape/outside.bin").toByteArray());

        model("single-add.onnx", HostileFiles.singleAdd().toByteArray());
        model("residual-block.onnx", HostileFiles.residualBlock().toByteArray());
        model("identity-cycle.onnx", HostileFiles.identityCycle().toByteArray());
        model("conv-cycle.onnx", HostileFiles.convCycle(tiny).toByteArray());
        model("foreign-op.onnx", HostileFiles.foreignOp(tiny, "Mish").toByteArray());

        model("huge-header-length.safetensors", HostileFiles.safetensorsHugeHeaderLength());
        model("huge-tensor.safetensors", HostileFiles.safetensorsHugeTensor());
        // A sparse file really holding the 2.4 GB its one tensor claims: more than a Java array can hold.
        String h = "{\"conv1.weight\":{\"dtype\":\"F32\",\"shape\":[600000000],\"data_offsets\":[0,2400000000]}}";
        Path sparse = model("sparse-2.4GB.safetensors", HostileFiles.safetensors(h.length(), h, 0));
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(8 + h.length() + 2_400_000_000L);
        }

        goodImage = HostileFiles.write(dir, "images/good.png", HostileFiles.encode(HostileFiles.picture(24, 16), "png"));
        image("not-an-image.jpg", "this is a text file, not a JPEG\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        image("empty.png", new byte[0]);
        image("random.bmp", HostileFiles.random(9, 2048));
        image("bomb.png", HostileFiles.pngDeclaring(100_000, 100_000));
        image("bomb.bmp", HostileFiles.bmpDeclaring(100_000, 100_000));
        image("bomb.gif", HostileFiles.gifDeclaring(65_535, 65_535));
        image("bomb.jpg", HostileFiles.jpegDeclaring(65_000, 65_000));
        image("huge-palette.bmp", HostileFiles.bmpHugePalette());
        image("truncated.png", HostileFiles.truncated(HostileFiles.encode(HostileFiles.picture(64, 64), "png")));
    }

    private static Path model(String name, byte[] bytes) throws IOException {
        Path f = HostileFiles.write(dir, "models/" + name, bytes);
        MODELS.put(name, f);
        return f;
    }

    private static void image(String name, byte[] bytes) throws IOException {
        IMAGES.put(name, HostileFiles.write(dir, "images/" + name, bytes));
    }

    /** The commands that read a model file {@code f}, writing any output into {@code out}. */
    private static List<String[]> commands(Path f, Path out) {
        String m = f.toString();
        List<String[]> c = new ArrayList<>(List.of(
                new String[] {"info", m},
                new String[] {"info", "--format", "json", m},
                new String[] {"convert", m, out.resolve("converted.safetensors").toString()},
                new String[] {"convert", m, out.resolve("converted.onnx").toString()},
                new String[] {"classify", "-m", m, goodImage.toString()},
                new String[] {"shrink", "-m", m, "--dry-run"},
                new String[] {"shrink", "-m", m, "--alpha", "0.0078125", "-o", out.resolve("shrunk.onnx").toString()}));
        c.add(new String[] {"verify", m, "--count", "1", "--junit", out.resolve("junit.xml").toString()});
        return c;
    }

    @TestFactory
    Stream<DynamicTest> hostileModelsExitThreeWithOneLineAndWriteNothing() {
        return MODELS.entrySet().stream().flatMap(e -> {
            Path out = dir.resolve("out").resolve(e.getKey().replace('/', '_'));
            return commands(e.getValue(), out).stream().map(args -> dynamicTest(e.getKey() + ": " + args[0]
                    + (args[0].equals("info") || args[0].equals("convert") ? " " + args[args.length - 1]
                            .replaceAll(".*[./]", "") : ""), () -> {
                Files.createDirectories(out);
                assertRefused(e.getValue(), args);
                try (Stream<Path> left = Files.list(out)) {
                    assertEquals(List.of(), left.collect(Collectors.toList()), "files left behind");
                }
            }));
        });
    }

    @TestFactory
    Stream<DynamicTest> hostileImagesExitThreeWithOneLine() {
        return IMAGES.entrySet().stream().map(e -> dynamicTest(e.getKey(),
                () -> assertRefused(e.getValue(), "classify", "-m", realModel.toString(), e.getValue().toString())));
    }

    @Test
    void graphsThatRunInACircleAreRefusedInsteadOfWalkedForever() {
        for (String name : new String[] {"identity-cycle.onnx", "conv-cycle.onnx"}) {
            CliRun r = CliRun.of("info", MODELS.get(name).toString());
            assertEquals(ExitCode.BAD_INPUT, r.code(), r.err());
            assertTrue(r.err().contains("acyclic"), r.err());
        }
    }

    @Test
    void aZipBombInPngMetadataIsNotInflated() throws Exception {
        Path bomb = HostileFiles.write(dir, "images/text-bomb.png", HostileFiles.pngTextBomb());
        long before = allocatedBytes();
        CliRun r = CliRun.of("classify", "-m", realModel.toString(), bomb.toString());
        long used = allocatedBytes() - before;
        assertEquals(0, r.code(), r.err());
        assertBoundedAllocation(bomb, used, "classify");
    }

    @Test
    void pixelLimitOptionRefusesImagesAboveIt() throws Exception {
        // good.png is 24 x 16 = 384 pixels.
        assertRefused(goodImage, "classify", "-m", realModel.toString(), "--max-pixels", "383", goodImage.toString());
        CliRun ok = CliRun.of("classify", "-m", realModel.toString(), "--max-pixels", "384", goodImage.toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void labelFilesOtherThan1000Or1001LinesAreRefused() throws Exception {
        for (int n : new int[] {0, 1, 999, 1002, 2000}) {
            Path labels = HostileFiles.write(dir, "labels/labels-" + n + ".txt", lines(n));
            assertRefused(labels, "classify", "-m", realModel.toString(), "--labels", labels.toString(),
                    goodImage.toString());
        }
        for (int n : new int[] {1000, 1001}) {
            Path labels = HostileFiles.write(dir, "labels/labels-" + n + ".txt", lines(n));
            CliRun r = CliRun.of("classify", "-m", realModel.toString(), "--labels", labels.toString(), "--format",
                    "csv", "--top-k", "1", goodImage.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("class ") || r.out().contains("background"), "labels not used: " + r.out());
        }
    }

    private static byte[] lines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("class ").append(i).append('\n');
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs the command and checks exit 3, one stderr line naming {@code file}, and a bounded allocation. */
    private static void assertRefused(Path file, String... args) throws IOException {
        long before = allocatedBytes();
        CliRun r = CliRun.of(args);
        long used = allocatedBytes() - before;
        String what = String.join(" ", args);
        assertBoundedAllocation(file, used, args);
        assertEquals(ExitCode.BAD_INPUT, r.code(), what + " -> " + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), what + " -> " + r.err());
        assertTrue(lines.get(0).contains(file.toString()), what + " -> " + r.err());
        assertTrue(!r.err().contains("\tat ") && !r.err().contains("Exception:") && !r.err().contains("Caused by"),
                what + " -> " + r.err());
        assertBoundedAllocation(file, used, args);
    }

    private static void assertBoundedAllocation(Path file, long used, String... args) throws IOException {
        long allowed = 64 * Math.min(Files.size(file), 1L << 20) + ALLOWED_BASE_BYTES
                + (args[0].equals("classify") ? 64 * Files.size(realModel) : 0);
        assertTrue(used < allowed, String.join(" ", args) + " allocated " + used + " bytes (allowed " + allowed + ")");
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
