package org.mobilenet.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.io.BadInputException;

class NpyFileTest {
    @TempDir
    Path dir;

    @Test
    void everyDtypeRoundTripsThroughAFile() throws IOException {
        int[] shape = {2, 3, 1};
        NpyArray[] arrays = {
            NpyArray.ofInts(NpyDtype.UINT8, shape, new int[] {0, 1, 127, 128, 254, 255}),
            NpyArray.ofInts(NpyDtype.INT8, shape, new int[] {-128, -1, 0, 1, 100, 127}),
            NpyArray.ofInts(NpyDtype.INT32, shape, new int[] {Integer.MIN_VALUE, -5, 0, 7, 1 << 20, Integer.MAX_VALUE}),
            NpyArray.ofFloats(shape, new float[] {-1.5f, 0f, 1e-7f, 3.25f, Float.MAX_VALUE, -0f}),
        };
        for (NpyArray a : arrays) {
            Path f = dir.resolve(a.dtype() + ".npy");
            NpyFile.write(f, a, false);
            assertEquals(a, NpyFile.read(f), a.toString());
            // NumPy aligns the data to 64 bytes.
            assertEquals(0, (Files.size(f) - a.data().length) % 64);
        }
        assertArrayEquals(new int[] {0, 1, 127, 128, 254, 255}, NpyFile.read(dir.resolve("UINT8.npy")).ints());
        assertThrows(IOException.class, () -> NpyFile.write(dir.resolve("UINT8.npy"), arrays[0], false));
    }

    @Test
    void readsVersion2AndFloat64AndOneDimensionalShapes() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-2);
        Path f = write(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data.array());
        NpyArray a = NpyFile.read(f);
        assertEquals(NpyDtype.FLOAT64, a.dtype());
        assertArrayEquals(new int[] {2}, a.shape());
        assertArrayEquals(new float[] {0.5f, -2f}, a.floats());
        Path g = write(1, "{\"shape\": (1, 2), \"descr\": \"|u1\", \"fortran_order\": False}", new byte[] {3, (byte) 200});
        assertArrayEquals(new int[] {3, 200}, NpyFile.read(g).ints());
    }

    @Test
    void fortranOrderAndOtherDtypesAreUnsupportedNotMalformed() throws IOException {
        Path f = write(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }", new byte[4]);
        assertMessage(f, "unsupported .npy array: Fortran order");
        Path g = write(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new byte[4]);
        assertMessage(g, "unsupported .npy dtype '<f2'");
        Path h = write(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertMessage(h, "unsupported .npy dtype '>f4'");
    }

    @Test
    void hostileHeadersAreMalformedAndNothingIsAllocatedForAShapeTheFileDoesNotHold() throws IOException {
        assertMessage(write(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (100000, 100000, 1000), }",
                new byte[8]), "is too large");
        assertMessage(write(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1000, 1000), }", new byte[8]),
                "needs 1000000 bytes of data, the file has 8");
        assertMessage(write(1, "{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }",
                new byte[1]), "malformed .npy header");
        assertMessage(write(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (-1,), }", new byte[1]),
                "malformed .npy header");
        assertMessage(write(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'extra': 1}", new byte[1]),
                "malformed .npy header");
        assertMessage(write(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'descr': '|u1'}", new byte[1]),
                "malformed .npy header");
        Path notNpy = dir.resolve("x.npy");
        Files.write(notNpy, "PK\3\4 not a npy".getBytes(StandardCharsets.US_ASCII));
        assertMessage(notNpy, "expected the magic");
        // A header length beyond the file's end.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xFF, (byte) 0xFF, '{'});
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, b.toByteArray());
        assertMessage(cut, "does not fit the file's 11 bytes");
        assertMessage(write(9, "{}", new byte[0]), "unsupported .npy format version 9.0");
    }

    private void assertMessage(Path f, String part) {
        BadInputException e = assertThrows(BadInputException.class, () -> NpyFile.read(f));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private int count;

    private Path write(int major, String header, byte[] data) throws IOException {
        byte[] h = (header + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(data);
        Path f = dir.resolve("f" + count++ + ".npy");
        Files.write(f, java.util.Arrays.copyOf(b.array(), b.position()));
        return f;
    }
}
