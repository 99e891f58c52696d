package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.io.tflite.FbWriter.Bytes;
import org.mobilenet.io.tflite.FbWriter.Floats;
import org.mobilenet.io.tflite.FbWriter.Ints;
import org.mobilenet.io.tflite.FbWriter.Longs;
import org.mobilenet.io.tflite.FbWriter.Str;
import org.mobilenet.io.tflite.FbWriter.Table;
import org.mobilenet.io.tflite.FbWriter.Tables;

/**
 * The FlatBuffers writer against the project's bounds-checked reader: every kind of field reads back
 * as written, wherever odd-sized strings and byte vectors before it leave the write position, and
 * every byte vector's data starts 16-byte aligned.
 */
class FbWriterTest {
    @Test
    void everyFieldReadsBackAndByteDataIsSixteenByteAligned() {
        List<Table> children = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            byte[] data = new byte[i * 3 + 1];
            for (int k = 0; k < data.length; k++) {
                data[k] = (byte) (k * 7 + i);
            }
            children.add(new Table().put(0, new Str("x".repeat(i))).put(1, new Bytes(data)).i8(2, i)
                    .put(3, (long) i << 40).put(4, new Longs(new long[] {i, -i})));
        }
        Table root = new Table().put(0, 3).put(1, new Floats(new float[] {1.5f, -2f})).put(2, new Tables(children))
                .put(3, new Str("root")).put(4, new Ints(new int[] {7, 8, 9})).put(5, 2.5f).put(6, true);
        byte[] bytes = FbWriter.write(root, "TEST");
        FlatBuffer fb = new FlatBuffer(ByteBuffer.wrap(bytes));
        assertEquals("TEST", fb.identifier());
        FbTable r = fb.root();
        assertEquals(3, r.i32(0, 0));
        assertArrayEquals(new float[] {1.5f, -2f}, r.vector(1, 4).floats());
        assertEquals("root", r.string(3));
        assertArrayEquals(new int[] {7, 8, 9}, r.vector(4, 4).ints());
        assertEquals(2.5f, r.f32(5, 0f));
        assertEquals(1, r.i8(6, 0));
        FbVector kids = r.vector(2, 4);
        assertEquals(7, kids.length());
        for (int i = 0; i < 7; i++) {
            FbTable c = kids.table(i);
            assertEquals("x".repeat(i), c.string(0));
            FbVector data = c.vector(1, 1);
            assertEquals(0, data.start() % FbWriter.DATA_ALIGNMENT, "child " + i + "'s data at " + data.start());
            ByteBuffer d = data.bytes();
            for (int k = 0; k < i * 3 + 1; k++) {
                assertEquals((byte) (k * 7 + i), d.get(k), "child " + i + " byte " + k);
            }
            assertEquals(i, c.i8(2, -1));
            assertEquals((long) i << 40, c.i64(3, 0));
            assertArrayEquals(new long[] {i, -i}, c.vector(4, 8).longs());
        }
    }
}
