package org.mobilenet.io.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.tflite.TfliteTestModels;
import org.mobilenet.io.onnx.OnnxExporter;

/**
 * Seeded mutation fuzzing of every reader (see {@link Mutator} and {@link FuzzCampaign}): each
 * mutated file loads or is refused with a one-line BadInputException, never anything else, and no
 * load allocates more than its input justifies. The iteration counts below are CI's; raise them with
 * {@code -Dmobilenet.fuzz.iterations=N} and vary {@code -Dmobilenet.fuzz.seed=S} for longer campaigns.
 */
class ReaderFuzzTest {
    /** The smallest MobileNet the readers accept: every layer 8 channels wide, 32x32 input, 10 classes. */
    private static final double TINY_ALPHA = 8.0 / 1024;
    private static final long MB = 1 << 20;

    @TempDir
    Path tmp;

    private static Model tiny(Variant variant, Padding padding, long seed) {
        return SeededInit.create(new ModelSpec(TINY_ALPHA, 32, 10, variant, padding, true), seed);
    }

    private List<byte[]> tinyModels(String extension) throws Exception {
        List<byte[]> out = new ArrayList<>();
        Model[] models = {tiny(Variant.SHALLOW, Padding.SYMMETRIC, 1), tiny(Variant.SEPARABLE, Padding.TF_SAME, 2)};
        for (int i = 0; i < models.length; i++) {
            Path f = tmp.resolve("seed" + i + "." + extension);
            ModelFiles.save(models[i], f, new ModelFiles.SaveOptions(OnnxExportOptions.defaults(), true));
            out.add(Files.readAllBytes(f));
        }
        return out;
    }

    private static void report(String reader, FuzzCampaign.Result r) {
        System.out.println("fuzz " + reader + ": " + r);
        if (r.iterations() >= 100) {
            assertTrue(r.refused() > 0, reader + ": no mutation was refused, the harness is not reaching the reader");
        }
    }

    @Test
    void mutatedOnnxModelsLoadOrAreRefused() throws Exception {
        FuzzCampaign c = new FuzzCampaign("onnx", tmp, "onnx", ModelFiles::load, 64, 16 * MB);
        report("onnx", c.run(tinyModels("onnx"), FuzzCampaign.iterations(1000), FuzzCampaign.seed()));
    }

    @Test
    void mutatedSafetensorsModelsLoadOrAreRefused() throws Exception {
        FuzzCampaign c = new FuzzCampaign("safetensors", tmp, "safetensors", ModelFiles::load, 64, 16 * MB);
        report("safetensors", c.run(tinyModels("safetensors"), FuzzCampaign.iterations(1000), FuzzCampaign.seed()));
    }

    @Test
    void mutatedTfliteModelsLoadOrAreRefused() throws Exception {
        byte[] real = Files.readAllBytes(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        FuzzCampaign c = new FuzzCampaign("tflite", tmp, "tflite", ModelFiles::load, 64, 16 * MB);
        report("tflite", c.run(List.of(real), FuzzCampaign.iterations(1000), FuzzCampaign.seed()));
    }

    /**
     * A small MobileNet v2 written in code (residual ADDs, linear projections; float32 and int8), so
     * the mutations reach the graph mapping of adds as well as the reader.
     */
    @Test
    void mutatedTfliteV2ModelsLoadOrAreRefused() throws Exception {
        Model v2 = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 10, true), 3).foldBatchNorm();
        FuzzCampaign c = new FuzzCampaign("tflite-v2", tmp, "tflite", ModelFiles::load, 64, 16 * MB);
        report("tflite-v2", c.run(List.of(TfliteTestModels.write(v2, false), TfliteTestModels.write(v2, true)),
                FuzzCampaign.iterations(1000), FuzzCampaign.seed()));
    }

    /**
     * A small MobileNet v2 and a generic graph (v2 with symmetric pads, no softmax) as ONNX
     * and safetensors, so the mutations reach the residual Add matching and the safetensors
     * {@code layers} metadata.
     */
    @Test
    void mutatedV2OnnxAndSafetensorsModelsLoadOrAreRefused() throws Exception {
        Model v2 = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 10, true), 3);
        LayerGraph g = v2.graph();
        List<LayerSpec> layers = new ArrayList<>();
        for (LayerSpec l : g.layers()) {
            if (l.kind() == LayerKind.SOFTMAX) {
                continue;
            }
            layers.add(l.kernel() == 3 && l.kind() != LayerKind.AVG_POOL ? new LayerSpec(l.name(), l.kind(), 3,
                    l.stride(), Padding.SYMMETRIC.pads(l.in().h(), l.in().w(), 3, l.stride()), l.in(), l.out(),
                    l.activation(), l.addend()) : l);
        }
        Model generic = SeededInit.create(new LayerGraph("v2", g.input(), layers), 4);
        for (String ext : new String[] {"onnx", "safetensors"}) {
            List<byte[]> seeds = new ArrayList<>();
            for (Model m : new Model[] {v2, generic}) {
                Path f = tmp.resolve("v2seed." + ext);
                ModelFiles.save(m, f, new ModelFiles.SaveOptions(OnnxExportOptions.defaults(), true));
                seeds.add(Files.readAllBytes(f));
            }
            FuzzCampaign c = new FuzzCampaign(ext + "-v2", tmp, ext, ModelFiles::load, 64, 16 * MB);
            report(ext + "-v2", c.run(seeds, FuzzCampaign.iterations(500), FuzzCampaign.seed()));
        }
    }

    @Test
    void mutatedImagesLoadOrAreRefused() throws Exception {
        long maxPixels = 1 << 20;
        ImageLoader loader = new ImageLoader(maxPixels);
        // Decoders may hold a few copies of the pixels (raster, RGB array) and their own buffers.
        FuzzCampaign c = new FuzzCampaign("image", tmp, "img", loader::load, 64, 32 * maxPixels + 16 * MB);
        report("image", c.run(smallImages(), FuzzCampaign.iterations(1000), FuzzCampaign.seed()));
    }

    /**
     * A 24x16 picture with gradients and noise as PNG, BMP, GIF, JPEG and TIFF, and the two 64x48 WebP
     * files of testdata/images (lossy VP8 and lossless VP8L: no Java writer exists).
     */
    static List<byte[]> smallImages() throws Exception {
        BufferedImage img = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, (x * 10) << 16 | (y * 15) << 8 | rnd.nextInt(256));
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (String format : new String[] {"png", "bmp", "gif", "jpeg", "tiff"}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(img, format, b), "no ImageIO writer for " + format);
            out.add(b.toByteArray());
        }
        Path testdata = Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize()
                .resolve("testdata/images");
        for (String webp : new String[] {"cat_corner_lossy.webp", "cat_corner_lossless.webp"}) {
            out.add(Files.readAllBytes(testdata.resolve(webp)));
        }
        return out;
    }
}
