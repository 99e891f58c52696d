package org.mobilenet.io.tflite;

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
    void operatorVectorLongerThanAnyMobileNetIsRefused() throws Exception {
        int subgraph = element(real, ref(real, root(real), 2), 0);
        int operators = ref(real, subgraph, 3);
        byte[] b = real.clone();
        le(b).putInt(operators, TfliteFile.MAX_OPERATORS + 1);
        BadInputException e = refused(b, "operator count");
        assertTrue(e.getMessage().contains((TfliteFile.MAX_OPERATORS + 1) + " operators"), e.getMessage());
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
