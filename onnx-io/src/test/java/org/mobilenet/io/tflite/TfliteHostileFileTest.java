package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.SharedData;

/**
 * Files built by damaging a real model's bytes in code: every one must end in a
 * {@link BadInputException}, without reading outside the file or allocating what it claims.
 */
class TfliteHostileFileTest {
    private static byte[] real;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readRealModel() throws Exception {
        real = Files.readAllBytes(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
    }

    private Path write(byte[] bytes) throws Exception {
        Path f = tmp.resolve("hostile.tflite");
        Files.write(f, bytes);
        return f;
    }

    private BadInputException refused(byte[] bytes) throws Exception {
        return refused(bytes, "damaged model");
    }

    private BadInputException refused(byte[] bytes, String what) throws Exception {
        Path f = write(bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f), what);
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    /** Little-endian view for navigating the FlatBuffer in the test. */
    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Absolute position of the object referenced by field {@code field} of the table at {@code table}. */
    private static int ref(byte[] b, int table, int field) {
        ByteBuffer bb = le(b);
        int vt = table - bb.getInt(table);
        int off = bb.getShort(vt + 4 + 2 * field) & 0xFFFF;
        assertTrue(off != 0, "field " + field + " present");
        int pos = table + off;
        return pos + bb.getInt(pos);
    }

    /** Position of the table that element {@code i} of the vector at {@code vec} references. */
    private static int element(byte[] b, int vec, int i) {
        int pos = vec + 4 + 4 * i;
        return pos + le(b).getInt(pos);
    }

    private static int root(byte[] b) {
        return le(b).getInt(0);
    }

    @Test
    void aFileListingNoBuffersWhoseTensorsUseTheEmptyBufferZeroIsWellFormed() throws Exception {
        // Buffer 0 is the schema's "no data"; a converter may write no buffers at all. Such a file is not
        // a MobileNet (a [1, 3] input) and is refused for that, not called malformed.
        FbWriter.Table tensor = new FbWriter.Table().put(0, new FbWriter.Ints(new int[] {1, 3})).i8(1, 0).put(2, 0)
                .put(3, new FbWriter.Str("x"));
        FbWriter.Table subgraph = new FbWriter.Table().put(0, new FbWriter.Tables(java.util.List.of(tensor)))
                .put(1, new FbWriter.Ints(new int[] {0})).put(2, new FbWriter.Ints(new int[] {0}))
                .put(3, new FbWriter.Tables(java.util.List.of()));
        FbWriter.Table model = new FbWriter.Table().put(0, 3).put(1, new FbWriter.Tables(java.util.List.of()))
                .put(2, new FbWriter.Tables(java.util.List.of(subgraph))).put(4, new FbWriter.Tables(java.util.List.of()));
        Path f = tmp.resolve("no-buffers.tflite");
        Files.write(f, FbWriter.write(model, "TFL3"));
        BadInputException e = assertThrows(BadInputException.class, () -> TfliteImporter.load(f));
        assertTrue(e.getMessage().contains("not a supported TFLite MobileNet") && !e.getMessage().contains("malformed"),
                e.getMessage());
        assertTrue(e.getMessage().contains("found tensor 0 'x' [1, 3]"), e.getMessage());
    }

    @Test
    void aReferenceOutsideTheFileIsCalledMalformedNotUnsupported() throws Exception {
        byte[] b = real.clone();
        int subgraph = element(b, ref(b, root(b), 2), 0);
        int op = element(b, ref(b, subgraph, 3), 0);
        ByteBuffer bb = le(b);
        int vt = op - bb.getInt(op);
        int field = op + (bb.getShort(vt + 4 + 2 * 1) & 0xFFFF); // the operator's inputs
        bb.putInt(field, 0x7000_0000);
        BadInputException e = refused(b, "inputs far outside the file");
        assertTrue(e.getMessage().contains("malformed TFLite file"), e.getMessage());
        assertTrue(e.getMessage().contains("outside the file"), e.getMessage());
    }

    @Test
    void aDamagedOrCutEmbeddedLabelFileIsRefusedNotSilentlyDropped() throws Exception {
        byte[] name = "tiger cat\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = 0; i + name.length <= real.length && at < 0; i++) {
            if (java.util.Arrays.equals(real, i, i + name.length, name, 0, name.length)) {
                at = i;
            }
        }
        assertTrue(at > 0, "the model's embedded labels are stored as text");
        byte[] merged = real.clone();
        merged[at + name.length - 1] = ' '; // two labels on one line: every label after it shifts by one
        BadInputException e = refused(merged, "a label line lost");
        assertTrue(e.getMessage().contains("embedded label file") && e.getMessage().contains("is damaged"), e.getMessage());

        byte[] cut = java.util.Arrays.copyOf(real, real.length - 200); // the archive's directory is at its end
        e = refused(cut, "the archive cut short");
        assertTrue(e.getMessage().contains("cannot be read (cut short or damaged)"), e.getMessage());

        assertEquals(1001, TfliteImporter.load(write(real)).labels().size(), "the intact file's labels");
    }

    @Test
    void emptyFileIsRefused() throws Exception {
        refused(new byte[0]);
    }

    @Test
    void truncatedFilesAreRefused() throws Exception {
        for (int len : new int[] {1, 4, 7, 8, 64, 1000, real.length / 4, real.length / 2}) {
            refused(Arrays.copyOf(real, len));
        }
    }

    @Test
    void randomBytesAreRefused() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[16 + rnd.nextInt(70_000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) rnd.nextInt(256);
            }
            if (i % 2 == 0) {
                System.arraycopy("TFL3".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 4, 4);
            }
            refused(b);
        }
    }

    @Test
    void rootOffsetOutsideTheFileIsRefused() throws Exception {
        for (int off : new int[] {real.length, real.length - 2, 0x7FFFFFF0, -8}) {
            byte[] b = real.clone();
            le(b).putInt(0, off);
            refused(b);
        }
    }

    @Test
    void vtableOffsetOutsideTheFileIsRefused() throws Exception {
        byte[] b = real.clone();
        le(b).putInt(root(b), -0x40000000);
        refused(b);
    }

    @Test
    void vectorLengthsClaimingGigabytesAreRefused() throws Exception {
        int model = root(real);
        int subgraphs = ref(real, model, 2);
        int tensors = ref(real, element(real, subgraphs, 0), 0);
        int buffers = ref(real, model, 4);
        // The data vector of the first 4-d tensor's buffer (the stem's weights).
        int dataVec = -1;
        int count = le(real).getInt(tensors);
        for (int i = 0; i < count && dataVec < 0; i++) {
            int t = element(real, tensors, i);
            if (le(real).getInt(ref(real, t, 0)) == 4) {
                int vt = t - le(real).getInt(t);
                int bufferIndex = le(real).getInt(t + (le(real).getShort(vt + 4 + 2 * 2) & 0xFFFF));
                int buf = element(real, buffers, bufferIndex);
                int bvt = buf - le(real).getInt(buf);
                if ((le(real).getShort(bvt) & 0xFFFF) > 4 && (le(real).getShort(bvt + 4) & 0xFFFF) != 0
                        && le(real).getInt(ref(real, buf, 0)) > 0) {
                    dataVec = ref(real, buf, 0);
                }
            }
        }
        assertTrue(dataVec > 0, "a weight buffer with data");
        String[] names = {"subgraphs", "tensors", "buffers", "weight data"};
        int[] vecs = {subgraphs, tensors, buffers, dataVec};
        for (int v = 0; v < vecs.length; v++) {
            for (int len : new int[] {0x40000000, 0x7FFFFFFF, -1}) {
                byte[] b = real.clone();
                le(b).putInt(vecs[v], len);
                refused(b, names[v] + " length " + len);
            }
        }
    }

    @Test
    void tensorShapeClaimingHugeDimensionsIsRefused() throws Exception {
        int tensors = ref(real, element(real, ref(real, root(real), 2), 0), 0);
        int count = le(real).getInt(tensors);
        for (int i = 0; i < count; i++) {
            int shape = ref(real, element(real, tensors, i), 0);
            if (le(real).getInt(shape) == 4) {
                for (int dim : new int[] {0x7FFFFFFF, 1 << 20, -5}) {
                    byte[] b = real.clone();
                    le(b).putInt(shape + 4, dim);
                    refused(b);
                }
                return;
            }
        }
        fail("no 4-d tensor found");
    }

    @Test
    void tensorIndicesOutsideTheGraphAreRefused() throws Exception {
        int subgraph = element(real, ref(real, root(real), 2), 0);
        int inputs = ref(real, subgraph, 1);
        for (int idx : new int[] {1_000_000, -7}) {
            byte[] b = real.clone();
            le(b).putInt(inputs + 4, idx);
            refused(b);
        }
    }

    @Test
    void moreOperatorsThanTheFileCanHoldAreRefusedBeforeTheyAreRead() throws Exception {
        int subgraph = element(real, ref(real, root(real), 2), 0);
        int operators = ref(real, subgraph, 3);
        long max = TfliteFile.maxOperators(real.length);
        assertTrue(max >= 66, "the bound leaves room for MobileNet v2's 66 operators even in a small file");
        for (long count : new long[] {max + 1, real.length / 4 - 2, Integer.MAX_VALUE}) {
            byte[] b = real.clone();
            le(b).putInt(operators, (int) count);
            BadInputException e = refused(b, "operator count " + count);
            assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        }
        // A vector of 3000 operators that really are in the file, each an empty table (about 12
        // bytes), claims more than the file's size allows for real ones: refused before any is read.
        java.util.List<FbWriter.Table> empty = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            empty.add(new FbWriter.Table().put(0, i));
        }
        FbWriter.Table tiny = new FbWriter.Table().put(0, new FbWriter.Tables(java.util.List.of()))
                .put(1, new FbWriter.Ints(new int[0])).put(2, new FbWriter.Ints(new int[0]))
                .put(3, new FbWriter.Tables(empty));
        FbWriter.Table model = new FbWriter.Table().put(0, 3)
                .put(1, new FbWriter.Tables(java.util.List.of(new FbWriter.Table().i8(0, 3).put(3, 3))))
                .put(2, new FbWriter.Tables(java.util.List.of(tiny)))
                .put(4, new FbWriter.Tables(java.util.List.of(new FbWriter.Table())));
        byte[] b = FbWriter.write(model, "TFL3");
        assertTrue(3000 > TfliteFile.maxOperators(b.length), b.length + " bytes");
        BadInputException e = refused(b, "3000 tiny operators");
        assertTrue(e.getMessage().contains("has 3000 operators, more than a file of " + b.length + " bytes can hold"),
                e.getMessage());
    }

    @Test
    void manyOperatorsSharingOneLargeWeightTensorAreRefusedWithoutDecodingItForEach() throws Exception {
        // A 1x1 stem to 64 channels, then 200 1x1 convs that all name the same 64x64 weight tensor:
        // without a bound the import would dequantize 16 KiB per operator from a 60 KiB file.
        java.util.List<FbWriter.Table> tensors = new java.util.ArrayList<>();
        java.util.List<FbWriter.Table> buffers = new java.util.ArrayList<>();
        java.util.List<FbWriter.Table> ops = new java.util.ArrayList<>();
        buffers.add(new FbWriter.Table());
        java.util.function.BiFunction<int[], float[], Integer> tensor = (shape, data) -> {
            int buffer = 0;
            if (data != null) {
                ByteBuffer bb = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : data) {
                    bb.putFloat(v);
                }
                buffers.add(new FbWriter.Table().put(0, new FbWriter.Bytes(bb.array())));
                buffer = buffers.size() - 1;
            }
            tensors.add(new FbWriter.Table().put(0, new FbWriter.Ints(shape)).i8(1, 0).put(2, buffer)
                    .put(3, new FbWriter.Str("t" + tensors.size())));
            return tensors.size() - 1;
        };
        int input = tensor.apply(new int[] {1, 32, 32, 3}, null);
        int stem = tensor.apply(new int[] {64, 1, 1, 3}, new float[64 * 3]);
        int shared = tensor.apply(new int[] {64, 1, 1, 64}, new float[64 * 64]);
        int cur = input;
        for (int i = 0; i <= 200; i++) {
            int out = tensor.apply(new int[] {1, 32, 32, 64}, null);
            ops.add(new FbWriter.Table().put(0, 0).put(1, new FbWriter.Ints(new int[] {cur, i == 0 ? stem : shared, -1}))
                    .put(2, new FbWriter.Ints(new int[] {out})).i8(3, 1)
                    .put(4, new FbWriter.Table().i8(0, 0).put(1, 1).put(2, 1).i8(3, 3)));
            cur = out;
        }
        FbWriter.Table subgraph = new FbWriter.Table().put(0, new FbWriter.Tables(tensors))
                .put(1, new FbWriter.Ints(new int[] {input})).put(2, new FbWriter.Ints(new int[] {cur}))
                .put(3, new FbWriter.Tables(ops));
        FbWriter.Table model = new FbWriter.Table().put(0, 3)
                .put(1, new FbWriter.Tables(java.util.List.of(new FbWriter.Table().i8(0, 3).put(3, 3).put(2, 1))))
                .put(2, new FbWriter.Tables(java.util.List.of(subgraph))).put(4, new FbWriter.Tables(buffers));
        byte[] b = FbWriter.write(model, "TFL3");
        assertTrue(64L * 64 * 4 * 200 > 20L * b.length, "the shared tensor would be decoded far beyond the file size");
        BadInputException e = refused(b, "shared weights");
        assertTrue(e.getMessage().contains("shared between operators"), e.getMessage());
        assertTrue(e.getMessage().contains("not a supported TFLite MobileNet"), e.getMessage());
    }

    @Test
    void aResidualAddOfATensorNoEarlierOperatorWroteIsRefused() throws Exception {
        byte[] v2 = Files.readAllBytes(SharedData.model("mobilenet_v2_1.0_224_quant.tflite"));
        int subgraph = element(v2, ref(v2, root(v2), 2), 0);
        int operators = ref(v2, subgraph, 3);
        int add = element(v2, operators, 9); // the first ADD
        int inputs = ref(v2, add, 1);
        int graphOutput = le(v2).getInt(ref(v2, subgraph, 2) + 4);
        for (int i = 0; i < 2; i++) {
            byte[] b = v2.clone();
            le(b).putInt(inputs + 4 + 4 * i, graphOutput); // written only by the last operator
            BadInputException e = refused(b, "add of a later tensor, input " + i);
            assertTrue(e.getMessage().contains("not a supported TFLite MobileNet"), e.getMessage());
            assertTrue(e.getMessage().contains(i == 0 ? "does not add to the chain's current tensor"
                    : "adds tensor " + graphOutput + ", which no earlier operator wrote"), e.getMessage());
        }
    }

    @Test
    void randomlyDamagedModelsLoadOrAreRefusedButNeverCrash() throws Exception {
        SplittableRandom rnd = new SplittableRandom(2024);
        int structureEnd = Math.min(real.length, 4096);
        for (int i = 0; i < 120; i++) {
            byte[] b = real.clone();
            int edits = 1 + rnd.nextInt(8);
            for (int e = 0; e < edits; e++) {
                int pos = i % 2 == 0 ? rnd.nextInt(structureEnd) : rnd.nextInt(b.length);
                b[pos] = (byte) rnd.nextInt(256);
            }
            Path f = write(b);
            try {
                TfliteImporter.load(f);
            } catch (BadInputException expected) {
                assertTrue(!expected.getMessage().contains("\n"));
            } catch (RuntimeException | Error unexpected) {
                throw new AssertionError("damaged model " + i + " crashed the reader", unexpected);
            }
        }
    }
}
