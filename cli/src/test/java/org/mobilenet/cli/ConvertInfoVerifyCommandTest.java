package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.cli.verify.ExportStyles;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.OnnxImporter;

class ConvertInfoVerifyCommandTest {
    @TempDir
    Path dir;

    private Path tf2onnxModel() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.TF2ONNX, 0.25, 128, 21);
        Path f = dir.resolve("tf.onnx");
        Files.write(f, ExportStyles.build(m, ExportStyles.Style.TF2ONNX, false).toByteArray());
        return f;
    }

    @Test
    void convertOnnxToSafetensorsAndBackKeepsTheModel() throws Exception {
        Path in = tf2onnxModel();
        Path st = dir.resolve("m.safetensors");
        Path back = dir.resolve("back.onnx");
        CliRun a = CliRun.of("convert", in.toString(), st.toString());
        assertEquals(0, a.code(), a.err());
        CliRun b = CliRun.of("convert", st.toString(), back.toString(), "--opset", "17");
        assertEquals(0, b.code(), b.err());
        Model original = ModelFiles.load(in);
        Model result = ModelFiles.load(back);
        assertEquals(original.spec(), result.spec());
        assertEquals(original.tensors(), result.tensors());
        assertEquals(17, OnnxImporter.read(back).opset());
        CliRun v = CliRun.of("verify", back.toString(), "--count", "2");
        assertEquals(0, v.code(), v.out() + v.err());
    }

    @Test
    void convertRefusesToOverwriteWithoutForce() throws Exception {
        Path in = tf2onnxModel();
        Path out = dir.resolve("exists.onnx");
        Files.writeString(out, "keep");
        CliRun r = CliRun.of("convert", in.toString(), out.toString());
        assertEquals(ExitCode.OUTPUT, r.code());
        assertEquals("keep", Files.readString(out));
        assertEquals(1, r.err().strip().lines().count(), r.err());
        CliRun forced = CliRun.of("convert", in.toString(), out.toString(), "--force", "--no-softmax");
        assertEquals(0, forced.code(), forced.err());
        assertFalse(ModelFiles.load(out).spec().softmax());
    }

    @Test
    void convertOfBadInputExitsThreeWithOneLineAndWritesNothing() throws Exception {
        byte[] junk = new byte[1000];
        new SplittableRandom(4).nextBytes(junk);
        for (String name : new String[] {"empty.onnx", "junk.onnx", "junk.safetensors"}) {
            Path in = dir.resolve(name);
            Files.write(in, name.startsWith("empty") ? new byte[0] : junk);
            Path out = dir.resolve("out-" + name + ".safetensors");
            CliRun r = CliRun.of("convert", in.toString(), out.toString());
            assertEquals(ExitCode.BAD_INPUT, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(in.toString()), r.err());
            assertFalse(Files.exists(out));
        }
        Set<String> left = Files.list(dir).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("empty.onnx", "junk.onnx", "junk.safetensors"), left);
    }

    @Test
    void convertChecksTheOpsetAndCanExposeLayerOutputs() throws Exception {
        Path in = tf2onnxModel();
        Path out = dir.resolve("layers.onnx");
        CliRun bad = CliRun.of("convert", in.toString(), out.toString(), "--opset", "9");
        assertEquals(ExitCode.USAGE, bad.code(), bad.err());
        assertFalse(Files.exists(out));
        CliRun r = CliRun.of("convert", in.toString(), out.toString(), "--layer-outputs", "--opset", "21");
        assertEquals(0, r.code(), r.err());
        var proto = org.mobilenet.io.onnx.proto.Onnx.ModelProto.parseFrom(Files.readAllBytes(out));
        Model m = ModelFiles.load(out);
        assertEquals(m.spec().layers().size(), proto.getGraph().getOutputCount());
        assertEquals(21, proto.getOpsetImport(0).getVersion());
        CliRun v = CliRun.of("verify", out.toString(), "--count", "1");
        assertEquals(0, v.code(), v.out() + v.err());
    }

    @Test
    void aQuantizedModelBelowTheQdqOpsetIsAUsageErrorNamingTheOptionsThatWriteIt() throws Exception {
        String coral = CliRun.shared("models/mobilenet_v1_0.5_160_quant.tflite").toString();
        Path out = dir.resolve("q11.onnx");
        CliRun r = CliRun.of("convert", coral, out.toString(), "--opset", "11");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--opset 11 cannot write") && r.err().contains("needs opset 13 or later")
                && r.err().contains("--dequantize"), r.err());
        assertFalse(Files.exists(out));
        CliRun f = CliRun.of("convert", coral, out.toString(), "--opset", "11", "--dequantize");
        assertEquals(0, f.code(), f.err());
    }

    @Test
    void theCommandLineNamesItsOptionsForWhatTheLibraryCallsARemedy() {
        Path f = Path.of("m.onnx");
        assertEquals(f + ": bad", Remedies.message(new org.mobilenet.io.BadInputException(f, "bad")));
        assertEquals(f + ": symbolic; --input-size N reads it at N x N", Remedies.message(
                new org.mobilenet.io.BadInputException(f, "symbolic", org.mobilenet.io.BadInputException.Remedy.INPUT_SIZE)));
        assertTrue(Remedies.message(new org.mobilenet.io.BadInputException(f, "memory",
                org.mobilenet.io.BadInputException.Remedy.MEMORY)).endsWith("or refuse such images with a lower --max-pixels"));
    }

    @Test
    void convertWritesFloat16TfliteWeightsOnlyWhereTheyApply() throws Exception {
        String coral = CliRun.shared("models/mobilenet_v1_0.5_160_quant.tflite").toString();
        Path half = dir.resolve("half.tflite");
        CliRun quantized = CliRun.of("convert", "--float16", coral, half.toString());
        assertEquals(ExitCode.USAGE, quantized.code(), quantized.err());
        assertTrue(quantized.err().contains("add --dequantize"), quantized.err());
        CliRun st = CliRun.of("convert", "--float16", "--dequantize", coral, dir.resolve("m.safetensors").toString());
        assertEquals(ExitCode.USAGE, st.code(), st.err());
        assertTrue(st.err().contains("--float16 applies to TFLite and ONNX output only"), st.err());
        assertFalse(Files.exists(half));
        CliRun ok = CliRun.of("convert", "--float16", "--dequantize", coral, half.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("float16 weights"), ok.out());
        Path full = dir.resolve("full.tflite");
        assertEquals(0, CliRun.of("convert", "--dequantize", coral, full.toString()).code());
        assertTrue(Files.size(half) < 0.6 * Files.size(full), Files.size(half) + " against " + Files.size(full));
        CliRun c = CliRun.of("classify", "-m", half.toString(), "--top-k", "1", CliRun.shared("images/cat.bmp").toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("Egyptian cat"), c.out());
    }

    @Test
    void aHalfPrecisionOnnxFileVerifiesToFloat16sPrecisionWhetherItsInputIsFloat16OrNot() throws Exception {
        String coral = CliRun.shared("models/mobilenet_v1_0.25_128_quant.tflite").toString();
        Path keep = dir.resolve("half.onnx");
        CliRun c = CliRun.of("convert", "--float16", "--dequantize", coral, keep.toString());
        assertEquals(0, c.code(), c.err());
        Path full = dir.resolve("full.onnx");
        assertEquals(0, CliRun.of("convert", "--dequantize", coral, full.toString()).code());
        assertTrue(Files.size(keep) < 0.6 * Files.size(full), Files.size(keep) + " against " + Files.size(full));
        // The same graph with a float16 input and output (ONNX Runtime is fed float16).
        Path io = dir.resolve("half-io.onnx");
        Files.write(io, org.mobilenet.io.onnx.OnnxExporter.toHalf(org.mobilenet.io.onnx.proto.Onnx.ModelProto.parseFrom(
                Files.readAllBytes(full)), false).toByteArray());
        Path layers = dir.resolve("half-layers.onnx");
        assertEquals(0, CliRun.of("convert", "--float16", "--layer-outputs", full.toString(), layers.toString()).code());
        for (Path f : new Path[] {keep, io, layers}) {
            CliRun v = CliRun.of("verify", "--count", "2", "--format", "json", f.toString());
            assertEquals(0, v.code(), f + ": " + v.err() + v.out());
            JsonObject o = JsonParser.parseString(v.out()).getAsJsonObject();
            assertEquals(1e-2, o.get("atol").getAsDouble(), f.toString());
            CliRun perLayer = CliRun.of("verify", "--count", "1", "--per-layer", f.toString());
            assertEquals(0, perLayer.code(), f + " per layer: " + perLayer.err() + perLayer.out());
            CliRun strict = CliRun.of("verify", "--count", "2", "--atol", "1e-6", f.toString());
            assertEquals(1, strict.code(), f + ": float16 is not float32's precision: " + strict.out());
            CliRun cls = CliRun.of("classify", "-m", f.toString(), "--top-k", "1", CliRun.shared("images/cat.bmp").toString());
            assertEquals(0, cls.code(), cls.err());
            assertTrue(cls.out().contains("283"), cls.out());
        }
    }

    @Test
    void convertToAnUnwritableFolderExitsFour() throws Exception {
        Path in = tf2onnxModel();
        CliRun r = CliRun.of("convert", in.toString(), dir.resolve("no/such/dir/m.onnx").toString());
        assertEquals(ExitCode.OUTPUT, r.code(), r.err());
    }

    @Test
    void infoDescribesTheFileAsJson() throws Exception {
        Path in = tf2onnxModel();
        CliRun r = CliRun.of("info", in.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        Model m = ModelFiles.load(in);
        assertEquals("onnx", o.get("format").getAsString());
        assertEquals(13, o.get("opset").getAsInt());
        assertEquals("tf2onnx test", o.get("producer").getAsString());
        assertEquals("NHWC", o.getAsJsonObject("input").get("layout").getAsString());
        assertEquals("input_1:0", o.getAsJsonObject("input").get("name").getAsString());
        assertEquals(0.25, o.get("alpha").getAsDouble());
        assertEquals(128, o.get("resolution").getAsInt());
        assertEquals(1001, o.get("classes").getAsInt());
        assertEquals(CostModel.of(m).totalMultAdds(), o.get("multAdds").getAsLong());
        assertEquals(m.spec().layers().size(), o.getAsJsonArray("layers").size());
        CliRun table = CliRun.of("info", in.toString());
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("Total Mult-Adds"), table.out());
    }

    @Test
    void infoAndVerifyNameTheirTwoFormatsWhenGivenAnother() throws Exception {
        Path in = tf2onnxModel();
        for (String cmd : new String[] {"info", "verify"}) {
            CliRun r = CliRun.of(cmd, in.toString(), "--format", "csv");
            assertEquals(ExitCode.USAGE, r.code(), r.err());
            assertTrue(r.err().contains("expected table or json but was 'csv'"), r.err());
        }
        assertEquals(0, CliRun.of("info", in.toString(), "--format", "JSON").code());
    }

    @Test
    void verifyReportsJsonInTheDocumentedSchemaAndWritesJunit() throws Exception {
        Path in = tf2onnxModel();
        Path junit = dir.resolve("report.xml");
        CliRun r = CliRun.of("verify", in.toString(), "--count", "2", "--seed", "3", "--format", "json", "--junit", junit.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String k : new String[] {"model", "inputs", "maxAbsDiff", "maxRelDiff", "cosine", "top1Agreement",
            "top5Agreement", "pass", "firstDivergentLayer"}) {
            assertTrue(o.has(k), k);
        }
        assertEquals(2, o.get("inputs").getAsInt());
        // Both kernel sets the engine runs (the cold loops a short job runs, the vector kernels a long one
        // switches to); one when they are the same (no Vector API module, or kernels forced).
        org.mobilenet.engine.kernels.Kernels cold = org.mobilenet.engine.run.KernelChoice.coldKernels();
        String fast = org.mobilenet.engine.run.KernelChoice.defaultKernels().name();
        assertEquals(cold == null ? "[\"" + fast + "\"]" : "[\"" + cold.name() + "\",\"" + fast + "\"]",
                o.get("kernels").toString());
        assertTrue(o.get("pass").getAsBoolean());
        assertTrue(o.get("firstDivergentLayer").isJsonNull());
        assertTrue(o.get("maxAbsDiff").getAsDouble() < 1e-4);
        String xml = Files.readString(junit);
        assertTrue(xml.contains("<testsuite name=\"mobilenet verify\" tests=\"1\" failures=\"0\""), xml);

        // An existing report is replaced only with --force; the model itself never.
        CliRun again = CliRun.of("verify", in.toString(), "--count", "1", "--junit", junit.toString());
        assertEquals(ExitCode.OUTPUT, again.code(), again.err());
        assertTrue(again.err().contains("already exists (use --force to overwrite)"), again.err());
        Files.writeString(junit, "old");
        CliRun forced = CliRun.of("verify", in.toString(), "--count", "1", "--junit", junit.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertTrue(Files.readString(junit).contains("<testsuite"), "replaced");
        byte[] model = Files.readAllBytes(in);
        CliRun self = CliRun.of("verify", in.toString(), "--count", "1", "--junit", in.toString(), "--force");
        assertEquals(ExitCode.OUTPUT, self.code(), self.err());
        assertTrue(self.err().contains("is the model being verified"), self.err());
        assertTrue(java.util.Arrays.equals(model, Files.readAllBytes(in)), "the model is untouched");
    }

    @Test
    void verifyOutsideToleranceExitsOneAndNamesTheLayer() throws Exception {
        Model m = ExportStyles.model(ExportStyles.Style.PYTORCH, 0.25, 128, 3);
        var t = new java.util.LinkedHashMap<>(m.tensors());
        float[] w = m.tensor("conv1.weight").data();
        for (int i = 0; i < w.length; i++) {
            w[i] *= 40;
        }
        t.put("conv1.weight", new org.mobilenet.engine.model.Tensor(m.tensor("conv1.weight").shape(), w));
        Model big = new Model(m.spec(), t, m.bnEpsilon(), m.preprocessing());
        Path f = dir.resolve("relu.onnx");
        Files.write(f, ExportStyles.build(big, ExportStyles.Style.PYTORCH, true).toByteArray());
        CliRun r = CliRun.of("verify", f.toString(), "--count", "1", "--per-layer", "--atol", "1e-9");
        assertEquals(ExitCode.CHECK_FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("First divergent layer: conv1"), r.out());
    }

    @Test
    void aRealTfliteModelConvertedToOnnxVerifiesOnPhotos() throws Exception {
        Path out = dir.resolve("real.onnx");
        CliRun c = CliRun.of("convert", CliRun.shared().resolve("models/mobilenet_v1_0.25_128_quant.tflite").toString(),
                out.toString());
        assertEquals(0, c.code(), c.err());
        Path images = CliRun.shared().resolve("images");
        CliRun r = CliRun.of("verify", out.toString(), "--images",
                images.resolve("cat.bmp") + "," + images.resolve("parrot.jpg"), "--format", "json");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, o.get("inputs").getAsInt());
        assertEquals(1.0, o.get("top1Agreement").getAsDouble());
        assertEquals(1001, ModelFiles.load(out).labels().size());
    }

    @Test
    void verifyRunsATfliteModelThroughAnInMemoryOnnxExport() {
        CliRun r = CliRun.of("verify", CliRun.shared().resolve("models/mobilenet_v1_0.5_160_quant.tflite").toString(),
                "--count", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
    }

    @Test
    void verifyOfAMissingFileExitsThree() {
        CliRun r = CliRun.of("verify", dir.resolve("none.onnx").toString());
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
