package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.safetensors.SafetensorsModels;

/**
 * The must-show: a MobileNet v1 body with a two-layer Dense head (Teachable-Machine style:
 * global pooling, Dense(100, relu), Dense(3), softmax) and a v1 at 160x224 (H x W) each convert to
 * ONNX and pass verify; the dense head as torch (Gemm + Relu) and Keras (MatMul + Add + Relu) write it
 * imports; a labels file has one line per class whatever the class count.
 */
class CustomHeadAndShapeTest {
    @TempDir
    Path tmp;

    /** A v1 body (alpha 0.25, 96x96) + pool + Dense(100, relu) + Dense(3) + softmax. */
    static LayerGraph denseHeadGraph() {
        LayerGraph body = new ModelSpec(0.25, 96, 0, Variant.SEPARABLE, Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        Shape pooled = layers.get(layers.size() - 1).out();
        Shape hidden = new Shape(1, 1, 100);
        Shape logits = new Shape(1, 1, 3);
        layers.add(new LayerSpec("head.0", LayerKind.FC, 1, 1, Pads.NONE, pooled, hidden, Activation.RELU, null));
        layers.add(new LayerSpec("head.1", LayerKind.FC, 1, 1, Pads.NONE, hidden, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits, Activation.NONE, null));
        return new LayerGraph(ModelSpec.FAMILY, body.input(), layers);
    }

    @Test
    void bothEnginesClassifyAndGiveFeaturesForTfliteGraphsWithADenseOrASigmoidHead() throws Exception {
        // A graph the TFLite import does not recognize names its layers layers.0, layers.1, ...: the ORT
        // backend asked its export for a value named 'pool' and failed on every such file.
        LayerGraph dense = denseHeadGraph();
        List<LayerSpec> layers = new ArrayList<>(dense.layers().subList(0, dense.layers().size() - 1));
        Shape logits = layers.get(layers.size() - 1).out();
        layers.add(new LayerSpec("sigmoid", LayerKind.SIGMOID, 1, 1, Pads.NONE, logits, logits, Activation.NONE, null));
        LayerGraph sigmoid = new LayerGraph(ModelSpec.FAMILY, dense.input(), layers);
        String cat = CliRun.shared("images/cat.bmp").toString();
        for (LayerGraph g : List.of(dense, sigmoid)) {
            Path f = tmp.resolve("head.tflite");
            org.mobilenet.io.tflite.TfliteExporter.write(SeededInit.create(g, 3), f, true);
            CliRun ort = CliRun.of("classify", "--engine", "ort", "--features", "--format", "json", "-m", f.toString(), cat);
            assertEquals(ExitCode.OK, ort.code(), ort.err());
            CliRun java = CliRun.of("classify", "--features", "--format", "json", "-m", f.toString(), cat);
            assertEquals(ExitCode.OK, java.code(), java.err());
            JsonObject a = JsonParser.parseString(ort.out()).getAsJsonArray().get(0).getAsJsonObject();
            JsonObject b = JsonParser.parseString(java.out()).getAsJsonArray().get(0).getAsJsonObject();
            assertEquals(b.getAsJsonArray("features").size(), a.getAsJsonArray("features").size());
            assertEquals(b.getAsJsonArray("results").get(0).getAsJsonObject().get("index"),
                    a.getAsJsonArray("results").get(0).getAsJsonObject().get("index"));
            for (int i = 0; i < b.getAsJsonArray("features").size(); i++) {
                assertEquals(b.getAsJsonArray("features").get(i).getAsDouble(),
                        a.getAsJsonArray("features").get(i).getAsDouble(), 1e-3, "feature " + i);
            }
        }
    }

    @Test
    void aDenseHeadConvertsToOnnxAndPassesVerify() throws Exception {
        Model m = SeededInit.create(denseHeadGraph(), 7);
        Path st = tmp.resolve("tm.safetensors");
        SafetensorsModels.write(m, st, false);
        Path onnx = tmp.resolve("tm.onnx");
        CliRun c = CliRun.of("convert", st.toString(), onnx.toString());
        assertEquals(ExitCode.OK, c.code(), c.out() + c.err());
        CliRun v = CliRun.of("verify", onnx.toString(), "--count", "2", "--format", "json");
        assertEquals(ExitCode.OK, v.code(), v.out() + v.err());
        JsonObject o = JsonParser.parseString(v.out()).getAsJsonObject();
        assertTrue(o.get("pass").getAsBoolean(), v.out());
        CliRun info = CliRun.of("info", onnx.toString(), "--format", "json");
        assertEquals(ExitCode.OK, info.code(), info.err());
        assertEquals(3, JsonParser.parseString(info.out()).getAsJsonObject().get("classes").getAsInt(), info.out());
        CliRun vs = CliRun.of("verify", st.toString(), "--count", "2");
        assertEquals(ExitCode.OK, vs.code(), vs.out() + vs.err());
    }

    @Test
    void aLabelsFileHasOneLinePerClassWhateverTheCount() throws Exception {
        Model m = SeededInit.create(denseHeadGraph(), 7);
        Path st = tmp.resolve("tm.safetensors");
        SafetensorsModels.write(m, st, false);
        Path labels = tmp.resolve("labels.txt");
        java.nio.file.Files.writeString(labels, "rock\npaper\nscissors\n");
        String img = CliRun.shared().resolve("images/cat.bmp").toString();
        CliRun r = CliRun.of("classify", "-m", st.toString(), "--labels", labels.toString(), "--format", "json",
                "--top-k", "3", img);
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("\"scissors\""), r.out());
        assertTrue(r.out().contains("\"rock\""), r.out());
        java.nio.file.Files.writeString(labels, "rock\npaper\n");
        CliRun bad = CliRun.of("classify", "-m", st.toString(), "--labels", labels.toString(), img);
        assertEquals(ExitCode.BAD_INPUT, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("expected 3 labels") && bad.err().contains("found 2"), bad.err());
    }

    @Test
    void aV1At160x224ConvertsVerifiesAndClassifies() throws Exception {
        ModelSpec spec = new ModelSpec(0.25, new org.mobilenet.engine.arch.Resolution(160, 224), 5, Variant.SEPARABLE,
                Padding.TF_SAME, true);
        Model m = SeededInit.create(spec, 3);
        Path st = tmp.resolve("wide.safetensors");
        SafetensorsModels.write(m, st, false);
        Path onnx = tmp.resolve("wide.onnx");
        CliRun c = CliRun.of("convert", st.toString(), onnx.toString());
        assertEquals(ExitCode.OK, c.code(), c.out() + c.err());
        try (ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
                ai.onnxruntime.OrtSession s = env.createSession(onnx.toString(), new ai.onnxruntime.OrtSession.SessionOptions())) {
            long[] dims = ((ai.onnxruntime.TensorInfo) s.getInputInfo().get("input").getInfo()).getShape();
            assertEquals(160, dims[2]);
            assertEquals(224, dims[3]);
        }
        String img = CliRun.shared().resolve("images/cat.bmp").toString();
        for (String f : new String[] {onnx.toString(), st.toString()}) {
            CliRun v = CliRun.of("verify", f, "--count", "2", "--format", "json");
            assertEquals(ExitCode.OK, v.code(), v.out() + v.err());
            assertTrue(JsonParser.parseString(v.out()).getAsJsonObject().get("pass").getAsBoolean(), v.out());
            CliRun vi = CliRun.of("verify", f, "--images", img);
            assertEquals(ExitCode.OK, vi.code(), vi.out() + vi.err());
        }
        for (String f : new String[] {onnx.toString(), st.toString()}) {
            CliRun info = CliRun.of("info", f, "--format", "json");
            assertEquals(ExitCode.OK, info.code(), info.err());
            assertEquals("160x224", JsonParser.parseString(info.out()).getAsJsonObject().get("resolution").getAsString(),
                    info.out());
        }
        // bench times both runtimes on the model's H x W (--cold too: BenchCommandTest).
        CliRun bench = CliRun.of("bench", "-m", st.toString(), "--runs", "1", "--warmup", "1", "--format", "json");
        assertEquals(ExitCode.OK, bench.code(), bench.out() + bench.err());
        assertTrue(JsonParser.parseString(bench.out()).getAsJsonObject().has("ort"), bench.out());
        for (String resize : new String[] {"stretch", "center-crop"}) {
            CliRun e = CliRun.of("classify", "-m", st.toString(), "--resize", resize, "--format", "json", "--top-k", "1", img);
            assertEquals(ExitCode.OK, e.code(), e.err());
            CliRun o = CliRun.of("classify", "-m", st.toString(), "--engine", "ort", "--resize", resize, "--format",
                    "json", "--top-k", "1", img);
            assertEquals(ExitCode.OK, o.code(), o.err());
            int top = JsonParser.parseString(e.out()).getAsJsonArray().get(0).getAsJsonObject().getAsJsonArray("results")
                    .get(0).getAsJsonObject().get("index").getAsInt();
            int topOrt = JsonParser.parseString(o.out()).getAsJsonArray().get(0).getAsJsonObject()
                    .getAsJsonArray("results").get(0).getAsJsonObject().get("index").getAsInt();
            assertEquals(top, topOrt, resize);
        }
    }

    @Test
    void denseHeadsAsTorchAndKerasWriteThemImportAndPassVerify() throws Exception {
        Model m = SeededInit.create(denseHeadGraph(), 9);
        for (org.mobilenet.cli.verify.ExportStyles.Style style : new org.mobilenet.cli.verify.ExportStyles.Style[] {
                org.mobilenet.cli.verify.ExportStyles.Style.PYTORCH, org.mobilenet.cli.verify.ExportStyles.Style.KERAS}) {
            Path f = tmp.resolve(style + ".onnx");
            java.nio.file.Files.write(f, org.mobilenet.cli.verify.ExportStyles.build(m, style, false).toByteArray());
            CliRun v = CliRun.of("verify", f.toString(), "--count", "2", "--per-layer");
            assertEquals(ExitCode.OK, v.code(), style + ": " + v.out() + v.err());
            assertTrue(v.out().contains("fc.0") && v.out().contains("fc.1"), v.out());
            CliRun info = CliRun.of("info", f.toString(), "--format", "json");
            assertEquals(ExitCode.OK, info.code(), info.err());
            assertEquals(3, JsonParser.parseString(info.out()).getAsJsonObject().get("classes").getAsInt(), info.out());
        }
    }

    @Test
    void theFilesOwnLabelsNameTheClassesOfADenseHead() throws Exception {
        Model seeded = SeededInit.create(denseHeadGraph(), 7);
        Model m = new Model(seeded.architecture(), seeded.tensors(), seeded.bnEpsilon(), seeded.preprocessing(),
                List.of("rock", "paper", "scissors"), java.util.Map.of());
        Path st = tmp.resolve("labelled.safetensors");
        SafetensorsModels.write(m, st, false);
        Path onnx = tmp.resolve("labelled.onnx");
        assertEquals(ExitCode.OK, CliRun.of("convert", st.toString(), onnx.toString()).code());
        String img = CliRun.shared().resolve("images/cat.bmp").toString();
        for (String f : new String[] {st.toString(), onnx.toString()}) {
            CliRun r = CliRun.of("classify", "-m", f, "--format", "json", "--top-k", "3", img);
            assertEquals(ExitCode.OK, r.code(), r.err());
            assertTrue(r.out().contains("\"paper\""), f + ": " + r.out());
        }
    }
}
