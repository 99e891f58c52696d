package org.mobilenet.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static void assertSameTensors(Model m, Model back) {
        assertEquals(m.tensors().keySet(), back.tensors().keySet());
        for (Map.Entry<String, Tensor> e : m.tensors().entrySet()) {
            assertEquals(e.getValue(), back.tensor(e.getKey()), e.getKey());
        }
    }

    @Test
    void aV2RoundTripsAsItsSpecWithUnfoldedBatchNorms() throws Exception {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, new Resolution(96, 128), 7, true);
        Model m = SeededInit.create(spec, 5).withLabels(List.of("a", "b", "c", "d", "e", "f", "g"));
        Path f = dir.resolve("v2.safetensors");
        ModelFiles.save(m, f, ModelFiles.SaveOptions.defaults());
        Model back = ModelFiles.load(f);
        assertEquals(spec, back.architecture());
        assertSameTensors(m, back);
        assertEquals(m.labels(), back.labels());
        assertEquals(m.preprocessing(), back.preprocessing());
    }

    @Test
    void aGenericGraphRoundTripsWithItsLayersInTheMetadata() throws Exception {
        LayerGraph v2 = new MobileNetV2Spec(0.35, Resolution.square(64), 4, false).graph();
        List<LayerSpec> layers = new java.util.ArrayList<>();
        for (LayerSpec l : v2.layers()) {
            layers.add(l.kernel() == 3 && l.kind() != LayerKind.AVG_POOL ? new LayerSpec(l.name(), l.kind(), 3,
                    l.stride(), Padding.SYMMETRIC.pads(l.in().h(), l.in().w(), 3, l.stride()), l.in(), l.out(),
                    l.activation(), l.addend()) : l);
        }
        LayerGraph g = new LayerGraph("v2", v2.input(), layers);
        Model m = SeededInit.create(g, 6);
        Path f = dir.resolve("graph.safetensors");
        ModelFiles.save(m, f, ModelFiles.SaveOptions.defaults());
        Model back = ModelFiles.load(f);
        assertEquals(g, back.architecture());
        assertSameTensors(m, back);
    }

    @Test
    void malformedLayersMetadataIsBadInput() throws Exception {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 4, false), 6);
        for (String layers : new String[] {"[", "{}", "[]", "[{\"name\":\"x\"}]",
            "[{\"name\":\"c\",\"kind\":\"conv\",\"kernel\":3,\"stride\":2,\"pads\":[0,0,1,1],\"channels\":1e9,\"activation\":\"relu\"}]",
            "[{\"name\":\"c\",\"kind\":\"add\",\"kernel\":1,\"stride\":1,\"pads\":[0,0,0,0],\"channels\":3,\"activation\":\"none\",\"addend\":\"c\"}]"}) {
            Map<String, String> md = new java.util.LinkedHashMap<>(org.mobilenet.io.ModelMetadata.describe(m, null));
            md.put("layers", layers);
            Path f = dir.resolve("bad.safetensors");
            new SafetensorsFile(m.tensors(), md).write(f, true);
            BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f), layers);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void roundTripIsBitExactWithArchitecturePreprocessingLabelsAndMetadata() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.5, 96, 3, Variant.SHALLOW, Padding.SYMMETRIC, false), 8)
                .withLabels(List.of("cat", "dog \"quoted\"", "ünïcode\ttab"))
                .withPreprocessing(Preprocessing.torchvision())
                .withMetadata(Map.of("source", "test"));
        Path f = dir.resolve("m.safetensors");
        ModelFiles.save(m, f, ModelFiles.SaveOptions.defaults());
        Model back = ModelFiles.load(f);
        assertEquals(m.spec(), back.spec());
        assertEquals(m.tensors().keySet().stream().toList(), back.tensors().keySet().stream().toList());
        for (Map.Entry<String, Tensor> e : m.tensors().entrySet()) {
            float[] a = e.getValue().data();
            float[] b = back.tensor(e.getKey()).data();
            assertArrayEquals(e.getValue().shape(), back.tensor(e.getKey()).shape());
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), e.getKey());
            }
        }
        assertEquals(m.bnEpsilon(), back.bnEpsilon());
        assertEquals(m.preprocessing(), back.preprocessing());
        assertEquals(m.labels(), back.labels());
        assertEquals(m.metadata(), back.metadata());
        long header = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, header % 8);
    }

    @Test
    void existingFileIsNotReplacedWithoutOverwriteAndNoTempFileIsLeft() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 1);
        Path f = dir.resolve("m.safetensors");
        Files.writeString(f, "keep");
        assertThrows(FileAlreadyExistsException.class, () -> ModelFiles.save(m, f, ModelFiles.SaveOptions.defaults()));
        assertEquals("keep", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void bareStateDictIsReadWithInferredArchitecture() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.75, 224, 1000, Variant.SEPARABLE, Padding.SYMMETRIC, true), 1);
        Path f = dir.resolve("bare.safetensors");
        new SafetensorsFile(m.tensors(), Map.of()).write(f, false);
        assertEquals(m.spec(), ModelFiles.load(f).spec());
    }

    @Test
    void aBareStateDictTakesAnInputSizeAndAFileWithTheToolsMetadataRefusesOne() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.25, 160, 10, Variant.SEPARABLE, Padding.SYMMETRIC, true), 1);
        Path bare = dir.resolve("bare.safetensors");
        new SafetensorsFile(m.tensors(), Map.of()).write(bare, false);
        Model read = ModelFiles.load(bare);
        assertEquals(224, read.inputHeight());
        assertEquals(m.spec(), ModelFiles.atInputSize(read, bare, 160).spec());
        Path own = dir.resolve("own.safetensors");
        ModelFiles.save(m, own, ModelFiles.SaveOptions.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.atInputSize(ModelFiles.load(own), own, 224));
        assertTrue(e.getMessage().contains("gives 160x160"), e.getMessage());
    }

    @Test
    void halfAndBfloat16TensorsAreRead() throws Exception {
        String header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        ByteBuffer data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x3fc0);
        Path f = write("half.safetensors", header, data.array());
        SafetensorsFile s = SafetensorsFile.read(f);
        assertArrayEquals(new float[] {1f, -2f}, s.tensors().get("a").data());
        assertArrayEquals(new float[] {1.5f}, s.tensors().get("b").data());
    }

    @Test
    void headerLongerThanTheFileIsRefusedBeforeAllocating() throws Exception {
        byte[] b = new byte[64];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE / 2);
        Path f = dir.resolve("long.safetensors");
        Files.write(f, b);
        assertRefused(f, "does not fit a file of 64 bytes");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrInconsistentAreRefused() throws Exception {
        byte[] data = new byte[16];
        assertRefused(write("range.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", data),
                "data_offsets");
        assertRefused(write("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", data), "overlap");
        assertRefused(write("shape.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data),
                "needs 12 bytes");
        assertRefused(write("dtype.safetensors", "{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", data),
                "expected F32, F16 or BF16");
        assertRefused(write("json.safetensors", "{\"a\":", data), "not valid JSON");
        assertRefused(write("empty.safetensors", "", new byte[0]), "");
    }

    @Test
    void tensorsThatDoNotMakeAMobileNetAreRefused() throws Exception {
        Path f = write("other.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
    }

    private void assertRefused(Path f, String words) {
        BadInputException e = assertThrows(BadInputException.class, () -> SafetensorsFile.read(f));
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    private Path write(String name, String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve(name);
        Files.write(f, header.isEmpty() ? new byte[0] : b.array());
        return f;
    }
}
