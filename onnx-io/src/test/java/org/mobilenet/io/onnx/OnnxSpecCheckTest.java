package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;

/**
 * Every ONNX export style passes the ONNX project's own checker (Debian's python3-onnx, an
 * independent reader: {@code onnx.checker.check_model} with {@code full_check} and strict shape
 * inference), not only ONNX Runtime, which tolerates some departures from the spec. Debian's onnx
 * (1.12) knows opsets up to 17, so the styles are written at 11, 13 and 17 (QDQ from 13, where
 * per-channel quantization starts). The checker is required: .ci/run installs it.
 */
class OnnxSpecCheckTest {
    @TempDir
    Path dir;

    /** Each file checked, then its shapes inferred in strict mode; one line "OK name" or "FAIL name: why". */
    private static final String CHECK = String.join("\n",
            "import sys, onnx",
            "from onnx import checker, shape_inference",
            "for f in sys.argv[1:]:",
            "    try:",
            "        m = onnx.load(f)",
            "        checker.check_model(m, full_check=True)",
            "        shape_inference.infer_shapes(m, check_type=True, strict_mode=True)",
            "        print('OK ' + f)",
            "    except Exception as e:",
            "        print('FAIL ' + f + ': ' + str(e).replace('\\n', ' '))",
            "");

    /** Debian's interpreter first: a python3 earlier on the PATH (pyenv, a venv) may lack the package. */
    private static String python() {
        String p = System.getProperty("mobilenet.python");
        if (p != null && !p.isBlank()) {
            return p;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * The checker's verdict line for each file, in order ("OK path" or "FAIL path: why"); its other
     * output (warnings on stderr) is not counted. Fails when the checker is missing, hangs or errs.
     */
    private List<String> check(List<Path> files) throws IOException, InterruptedException {
        Path script = dir.resolve("check.py");
        Files.writeString(script, CHECK);
        List<String> cmd = new ArrayList<>(List.of(python(), script.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Path out = dir.resolve("checker.out");
        Path err = dir.resolve("checker.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the ONNX checker did not finish in 180 s");
        }
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        if (errors.contains("No module named 'onnx'")) {
            fail("the ONNX checker is missing: install Debian's python3-onnx (.ci/run does), or point"
                    + " -Dmobilenet.python at a python3 that has the onnx package: " + errors);
        }
        assertEquals(0, p.exitValue(), errors);
        List<String> verdicts = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("OK ") || l.startsWith("FAIL ")).toList();
        assertEquals(files.size(), verdicts.size(), "one verdict per file: " + verdicts + "\n" + errors);
        for (int i = 0; i < files.size(); i++) {
            String v = verdicts.get(i);
            assertTrue(v.startsWith("OK " + files.get(i)) || v.startsWith("FAIL " + files.get(i)), v);
        }
        return verdicts;
    }

    private Path save(Model m, String name, OnnxExportOptions options, boolean half) throws IOException {
        Path f = dir.resolve(name + ".onnx");
        ModelFiles.save(m, f, new ModelFiles.SaveOptions(options, false, half));
        return f;
    }

    @Test
    void everyExportStylePassesTheOnnxCheckerWithStrictShapeInference() throws Exception {
        List<Path> files = new ArrayList<>();
        OnnxExportOptions base = OnnxExportOptions.defaults();
        for (String name : new String[] {"mobilenet_v1_0.5_160_quant", "mobilenet_v2_1.0_224_quant"}) {
            Model quantized = ModelFiles.load(SharedData.model(name + ".tflite"));
            Model real = quantized.dequantized();
            for (int opset : new int[] {11, 13, 17}) {
                files.add(save(real, name + "-float-" + opset, base.withOpset(opset), false));
                if (opset >= 13) {
                    files.add(save(quantized, name + "-qdq-" + opset, base.withOpset(opset), false));
                }
            }
            files.add(save(real, name + "-half", base, true));
            files.add(save(real, name + "-logits-layers", base.withSoftmax(false).withLayerOutputs(true), false));
        }
        // Seeded graphs the shared files do not have: the conv and shallow variants with asymmetric
        // (TF "same") pads, and a non-square v2 body with a two-layer dense head.
        for (Variant v : new Variant[] {Variant.CONV, Variant.SHALLOW}) {
            Model m = SeededInit.create(new ModelSpec(0.25, 96, 10, v, Padding.TF_SAME, false), 5);
            files.add(save(m, "v1-" + v.id(), base.withOpset(11), false));
        }
        LayerGraph body = new MobileNetV2Spec(0.35, new Resolution(64, 96), 0, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        Shape pooled = layers.get(layers.size() - 1).out();
        layers.add(new LayerSpec("dense", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 100), Activation.RELU, null));
        layers.add(new LayerSpec("head", LayerKind.FC, 1, 1, Pads.NONE, new Shape(1, 1, 100), new Shape(1, 1, 3),
                Activation.NONE, null));
        Model dense = SeededInit.create(new LayerGraph("v2", body.input(), layers), 3);
        files.add(save(dense, "v2-dense-head-13", base, false));
        files.add(save(dense, "v2-dense-head-17", base.withOpset(17), false));

        for (String verdict : check(files)) {
            assertTrue(verdict.startsWith("OK "), verdict);
        }
    }

    @Test
    void theCheckerRefusesAWrongAttributeTypeAndAShapeOnlyStrictInferenceCatches() throws Exception {
        // The checks are real: a Conv's group given as a string fails the checker, and an output declared
        // with a size the graph does not produce fails the strict shape inference (the plain checker
        // passes it), so the verdicts above mean both ran.
        Model m = SeededInit.create(new ModelSpec(0.25, 32, 10, Variant.SEPARABLE, Padding.SYMMETRIC, false), 1);
        var typed = OnnxExporter.toProto(m, OnnxExportOptions.defaults()).toBuilder();
        var graph = typed.getGraphBuilder();
        boolean replaced = false;
        for (int i = 0; i < graph.getNodeCount() && !replaced; i++) {
            var node = graph.getNodeBuilder(i);
            for (int a = 0; a < node.getAttributeCount(); a++) {
                if (node.getOpType().equals("Conv") && node.getAttribute(a).getName().equals("group")) {
                    node.setAttribute(a, AttributeProto.newBuilder().setName("group")
                            .setType(AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString.copyFromUtf8("2")));
                    replaced = true;
                    break;
                }
            }
        }
        assertTrue(replaced, "the export has a Conv with a group attribute");
        Path wrongType = dir.resolve("wrong-type.onnx");
        Files.write(wrongType, typed.build().toByteArray());

        var shaped = OnnxExporter.toProto(m, OnnxExportOptions.defaults()).toBuilder();
        var output = shaped.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        int last = output.getDimCount() - 1;
        assertEquals(10, output.getDim(last).getDimValue(), "the output's class dimension");
        output.getDimBuilder(last).setDimValue(11);
        Path wrongShape = dir.resolve("wrong-shape.onnx");
        Files.write(wrongShape, shaped.build().toByteArray());

        List<String> verdicts = check(List.of(wrongType, wrongShape));
        assertTrue(verdicts.get(0).startsWith("FAIL ") && verdicts.get(0).toLowerCase(java.util.Locale.ROOT).contains("type"),
                verdicts.get(0));
        assertTrue(verdicts.get(1).startsWith("FAIL "), verdicts.get(1));
    }
}
