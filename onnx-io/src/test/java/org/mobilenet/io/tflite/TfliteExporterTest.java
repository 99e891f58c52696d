package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.io.ModelFiles;

/**
 * The TFLite writer's file structure (identifier, schema version, empty buffer 0, both opcode fields,
 * PAD only where SAME and VALID do not give the pads), and float models that import back to the same
 * layers, tensors, labels and normalization.
 */
class TfliteExporterTest {
    @TempDir
    Path tmp;

    private Path write(Model m) throws Exception {
        Path f = tmp.resolve("m.tflite");
        TfliteExporter.write(m, f, true);
        return f;
    }

    private static Model seeded(Padding p) {
        return SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, p, true), 3);
    }

    @Test
    void theFileIsSchemaVersion3WithAnEmptyBufferZeroAndBothOpcodeFields() throws Exception {
        Path f = write(seeded(Padding.TF_SAME));
        byte[] bytes = Files.readAllBytes(f);
        assertEquals("TFL3", new String(bytes, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
        TfliteFile file = TfliteFile.read(f);
        assertEquals(3, file.version());
        FbTable model = new FlatBuffer(ByteBuffer.wrap(bytes)).root();
        assertNull(file.bufferBytes(0));
        FbVector codes = model.vector(1, 4);
        for (int i = 0; i < codes.length(); i++) {
            FbTable c = codes.table(i);
            assertEquals(c.i32(3, -1), c.i8(0, -1), "opcode " + i);
            assertTrue(c.i32(2, 0) >= 1, "opcode " + i + " has a version");
        }
        assertTrue(file.operators().stream().noneMatch(o -> o.code() == BuiltinOp.PAD));
    }

    @Test
    void tfSamePaddingNeedsNoPadAndImportsBackExactly() throws Exception {
        Model m = seeded(Padding.TF_SAME).foldBatchNorm();
        Model back = ModelFiles.load(write(m));
        assertEquals(m.spec(), back.spec());
        for (String name : m.tensors().keySet()) {
            assertEquals(m.tensor(name), back.tensor(name), name);
        }
    }

    @Test
    void symmetricPadsBecomePadOperatorsAndImportBack() throws Exception {
        Model m = seeded(Padding.SYMMETRIC).foldBatchNorm();
        Path f = write(m);
        TfliteFile file = TfliteFile.read(f);
        // PyTorch's pads [1, 1, 1, 1] are SAME's at stride 1 but not at stride 2: one PAD per stride-2 conv.
        long strided = m.graph().layers().stream().filter(l -> l.stride() == 2).count();
        assertEquals(strided, file.operators().stream().filter(o -> o.code() == BuiltinOp.PAD).count());
        Model back = ModelFiles.load(f);
        assertTrue(back.graph().sameLayers(m.graph()));
        for (String name : m.tensors().keySet()) {
            Tensor a = m.tensor(name);
            assertArrayEquals(a.data(), back.tensor(name).data(), name);
        }
    }

    @Test
    void labelsAndPerChannelNormalizationRoundTripThroughMetadata() throws Exception {
        List<String> labels = IntStream.range(0, 10).mapToObj(i -> "class " + i).toList();
        Preprocessing torch = Preprocessing.torchvision();
        Model m = seeded(Padding.TF_SAME).withLabels(labels).withPreprocessing(torch);
        Model back = ModelFiles.load(write(m));
        assertEquals(labels, back.labels());
        assertArrayEquals(torch.mean(), back.preprocessing().mean());
        assertArrayEquals(torch.std(), back.preprocessing().std());
        assertTrue(back.metadata().get("labels").startsWith("embedded"), back.metadata().toString());
    }

    @Test
    void aModelWithoutLabelsHasNoArchiveAndTensorflowNormalizationStays() throws Exception {
        Model m = seeded(Padding.TF_SAME);
        Model back = ModelFiles.load(write(m));
        assertTrue(back.labels().isEmpty());
        assertEquals(Preprocessing.tensorflow(), back.preprocessing());
    }

    @Test
    void aPadOfTheChannelsOrNotBeforeAConvolutionIsRefusedAsUnsupported() throws Exception {
        for (int[] p : new int[][] {{0, 0, 1, 1, 1, 1, 0, 2}, {0, 0, 1, 1, 1, 1, 0, 0}}) {
            TfliteSubgraphBuilder b = new TfliteSubgraphBuilder();
            int in = b.activation("input", new int[] {1, 8, 8, 3}, null);
            int pads = b.ints("paddings", new int[] {4, 2}, p);
            int padded = b.activation("padded", new int[] {1, 10, 10, 3 + p[7]}, null);
            b.op(BuiltinOp.PAD, 1, new int[] {in, pads}, padded, 0, null);
            int out = b.activation("pool", new int[] {1, 1, 1, 3 + p[7]}, null);
            b.op(BuiltinOp.AVERAGE_POOL_2D, 1, new int[] {padded}, out, 5,
                    new FbWriter.Table().i8(0, 1).put(1, 1).put(2, 1).put(3, 10).put(4, 10));
            Path f = tmp.resolve("pad.tflite");
            Files.write(f, b.build(in, out, "pad"));
            org.mobilenet.io.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.mobilenet.io.BadInputException.class, () -> TfliteImporter.load(f));
            assertTrue(e.getMessage().contains("not a supported TFLite MobileNet")
                    && e.getMessage().contains(p[7] != 0 ? "expected [[0, 0], [top," : "reads a PAD's output"),
                    e.getMessage());
        }
    }
}
