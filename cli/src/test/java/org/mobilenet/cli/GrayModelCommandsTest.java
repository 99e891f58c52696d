package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyFile;
import org.mobilenet.io.tflite.TfliteExporter;

/**
 * A model that takes gray images through the commands: classify turns a colour photo into its luma
 * for it (both engines alike), verify checks it against ONNX Runtime, run takes [N, H, W, 1], bench
 * feeds it one channel.
 */
class GrayModelCommandsTest {
    @TempDir
    Path tmp;

    private Path grayModel() throws Exception {
        LayerGraph rgb = new ModelSpec(0.25, 64, 4, Variant.SEPARABLE, Padding.TF_SAME, true).graph();
        Shape in = new Shape(64, 64, 1);
        List<LayerSpec> layers = new ArrayList<>(rgb.layers());
        LayerSpec stem = layers.get(0);
        layers.set(0, new LayerSpec(stem.name(), stem.kind(), stem.kernel(), stem.stride(), stem.pads(), in, stem.out(),
                stem.activation(), null));
        Model m = SeededInit.create(new LayerGraph(rgb.family(), in, layers), 5).foldBatchNorm();
        Path f = tmp.resolve("gray.tflite");
        TfliteExporter.write(m, f, false);
        return f;
    }

    @Test
    void aGrayModelClassifiesVerifiesRunsAndBenches() throws Exception {
        Path f = grayModel();
        String cat = CliRun.shared("images/cat.bmp").toString();
        CliRun java = CliRun.of("classify", "--format", "json", "-m", f.toString(), cat);
        assertEquals(ExitCode.OK, java.code(), java.err());
        CliRun ort = CliRun.of("classify", "--engine", "ort", "--format", "json", "-m", f.toString(), cat);
        assertEquals(ExitCode.OK, ort.code(), ort.err());
        JsonObject a = JsonParser.parseString(java.out()).getAsJsonArray().get(0).getAsJsonObject();
        JsonObject b = JsonParser.parseString(ort.out()).getAsJsonArray().get(0).getAsJsonObject();
        for (int i = 0; i < 4; i++) {
            JsonObject ra = a.getAsJsonArray("results").get(i).getAsJsonObject();
            JsonObject rb = b.getAsJsonArray("results").get(i).getAsJsonObject();
            assertEquals(rb.get("index"), ra.get("index"));
            assertEquals(rb.get("score").getAsDouble(), ra.get("score").getAsDouble(), 1e-4);
        }
        CliRun v = CliRun.of("verify", "--count", "2", f.toString());
        assertEquals(ExitCode.OK, v.code(), v.err() + v.out());
        CliRun vi = CliRun.of("verify", "--images", cat, f.toString());
        assertEquals(ExitCode.OK, vi.code(), vi.err() + vi.out());
        Path in = tmp.resolve("in.npy");
        NpyFile.write(in, NpyArray.ofFloats(new int[] {2, 64, 64, 1}, new float[2 * 64 * 64]), false);
        Path out = tmp.resolve("out.npy");
        CliRun r = CliRun.of("run", "-m", f.toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertArrayEquals(new int[] {2, 4}, NpyFile.read(out).shape());
        CliRun bench = CliRun.of("bench", "-m", f.toString(), "--runs", "3", "--warmup", "1");
        assertEquals(ExitCode.OK, bench.code(), bench.err());
        assertTrue(bench.out().contains("outputs differ by at most"), bench.out());
    }
}
