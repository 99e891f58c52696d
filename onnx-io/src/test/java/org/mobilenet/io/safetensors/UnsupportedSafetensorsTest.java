package org.mobilenet.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.ModelMetadata;

/** A well-formed safetensors file of a model this build does not run is refused by what it is, never as malformed. */
class UnsupportedSafetensorsTest {
    @TempDir
    Path dir;

    private final Model graph = SeededInit.create(
            new LayerGraph("v2", new MobileNetV2Spec(0.35, Resolution.square(32), 4, false).graph().input(),
                    new MobileNetV2Spec(0.35, Resolution.square(32), 4, false).graph().layers()), 6);

    /** The graph's safetensors with its metadata changed by {@code edit}, loaded: the refusal. */
    /** An edit of the first {@code from} in the layers metadata to {@code to}. */
    private static UnaryOperator<Map<String, String>> layersEdited(String from, String to) {
        return md -> {
            md.put(ModelMetadata.LAYERS, md.get(ModelMetadata.LAYERS).replaceFirst(from, to));
            return md;
        };
    }

    private BadInputException refused(UnaryOperator<Map<String, String>> edit) throws Exception {
        Map<String, String> md = new LinkedHashMap<>(ModelMetadata.describe(graph, null));
        md.put(ModelMetadata.LAYERS, ModelMetadata.layers(graph.graph()));
        Path f = dir.resolve("m.safetensors");
        new SafetensorsFile(graph.tensors(), edit.apply(md)).write(f, true);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().startsWith(f + ": is not a supported MobileNet: "), e.getMessage());
        assertFalse(e.getMessage().contains("malformed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void theUneditedFileLoads() throws Exception {
        Map<String, String> md = new LinkedHashMap<>(ModelMetadata.describe(graph, null));
        md.put(ModelMetadata.LAYERS, ModelMetadata.layers(graph.graph()));
        Path f = dir.resolve("ok.safetensors");
        new SafetensorsFile(graph.tensors(), md).write(f, true);
        assertEquals(graph.graph().layers().size(), ModelFiles.load(f).graph().layers().size());
    }

    @Test
    void aMobileNetV3BlockWritesAndReadsBackWithTheSameOutputs() throws Exception {
        org.mobilenet.engine.model.Model m = org.mobilenet.engine.model.SeededInit.create(
                org.mobilenet.io.onnx.OnnxV3LayersTest.v3Block(), 21).foldBatchNorm();
        java.nio.file.Path f = java.nio.file.Files.createTempFile("v3", ".safetensors");
        try {
            SafetensorsModels.write(m, f, true);
            org.mobilenet.engine.model.Model back = org.mobilenet.io.ModelFiles.load(f);
            assertTrue(m.graph().sameLayers(back.graph()), back.graph().layers().toString());
            float[] x = new float[org.mobilenet.io.onnx.OnnxV3LayersTest.H * org.mobilenet.io.onnx.OnnxV3LayersTest.W * 3];
            java.util.Arrays.fill(x, 0.3f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(org.mobilenet.engine.run.Network.compile(m).forward(x, 1),
                    org.mobilenet.engine.run.Network.compile(back).forward(x, 1), 1e-6f);
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    @Test
    void anUnknownActivationIsNamedWithTheSupportedOnes() throws Exception {
        BadInputException e = refused(layersEdited("\"activation\":\"relu6\"", "\"activation\":\"gelu\""));
        assertTrue(e.getMessage().endsWith("layer 'conv1' uses activation 'gelu', which the engine does not run"
                + " (supported: none, relu, relu6, hard_swish, hard_sigmoid)"), e.getMessage());
    }

    @Test
    void anLstmLayerIsRefusedByItsKind() throws Exception {
        BadInputException e = refused(layersEdited("\"kind\":\"conv\"", "\"kind\":\"lstm\""));
        assertTrue(e.getMessage().contains("layer 'conv1' is lstm, a layer kind the engine does not run (supported: "
                + "conv, conv_dw"), e.getMessage());
    }

    @Test
    void archV3WithoutItsLayersIsRefusedSayingSo() throws Exception {
        BadInputException e = refused(md -> {
            md.put(ModelMetadata.ARCH, "v3");
            md.remove(ModelMetadata.LAYERS);
            return md;
        });
        assertTrue(e.getMessage().endsWith("its metadata says arch 'v3' but lists no layers; a MobileNet v3 is read"
                + " from its 'layers' entry"), e.getMessage());
        BadInputException other = refused(md -> {
            md.put(ModelMetadata.ARCH, "resnet50");
            return md;
        });
        assertTrue(other.getMessage().endsWith("its metadata says arch 'resnet50', which is not supported (expected v1,"
                + " v2 or v3)"), other.getMessage());
    }

    @Test
    void aStateDictUnderTorchvisionsOrTimmsNamesIsNotSupportedNamingTheNaming() throws Exception {
        for (String name : new String[] {"features.0.0.weight", "conv_stem.weight"}) {
            Path f = dir.resolve("foreign.safetensors");
            new SafetensorsFile(Map.of(name, new org.mobilenet.engine.model.Tensor(new int[] {8, 3, 3, 3}, new float[216])),
                    Map.of()).write(f, true);
            BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
            assertTrue(e.getMessage().contains("is not supported: its tensors are named as "
                    + (name.startsWith("features") ? "torchvision's" : "timm's")), e.getMessage());
            assertFalse(e.getMessage().contains("dtype"), e.getMessage());
        }
    }

    @Test
    void pyTorchsBatchNormStepCountersAreSkipped() throws Exception {
        Model v1 = SeededInit.create(new org.mobilenet.engine.arch.ModelSpec(0.25, 32, 4,
                org.mobilenet.engine.arch.Variant.SEPARABLE, org.mobilenet.engine.arch.Padding.SYMMETRIC, true), 3);
        Path f = dir.resolve("sd.safetensors");
        new SafetensorsFile(v1.tensors(), Map.of()).write(f, true);
        // Add an int64 'conv1_bn.num_batches_tracked' entry (as every PyTorch state_dict has) after the data.
        byte[] b = java.nio.file.Files.readAllBytes(f);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) bb.getLong(0);
        String header = new String(b, 8, headerLen, java.nio.charset.StandardCharsets.UTF_8).strip();
        long dataLen = b.length - 8L - headerLen;
        String entry = ",\"conv1_bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":["
                + dataLen + "," + (dataLen + 8) + "]}";
        byte[] h = (header.substring(0, header.length() - 1) + entry + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.write(b, 8 + headerLen, (int) dataLen);
        out.writeBytes(new byte[] {42, 0, 0, 0, 0, 0, 0, 0});
        java.nio.file.Files.write(f, out.toByteArray());
        Model m = ModelFiles.load(f);
        assertEquals(v1.tensors().keySet(), m.tensors().keySet());
    }
}
