package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reading of a FlatBuffer (little-endian) held in memory. Every read checks its
 * position and size against the real buffer size first, so offsets and lengths taken from the file
 * can never read outside it, and a vector length is checked against the bytes that remain before
 * anything is allocated for it. Failures throw {@link FlatBufferException}.
 *
 * <p>Layout recap: the buffer starts with a uoffset (uint32) to the root table; a table starts with
 * an soffset (int32) back to its vtable; a vtable is {@code uint16 vtableBytes, uint16 tableBytes,
 * uint16 fieldOffset[n]} with 0 meaning "absent"; reference fields hold a uoffset relative to the
 * field's own position; vectors and strings start with a uint32 element count.
 */
final class FlatBuffer {
    private final ByteBuffer buf;
    private final int size;

    FlatBuffer(ByteBuffer bytes) {
        this.buf = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.size = buf.limit();
    }

    int size() {
        return size;
    }

    /** The root table. */
    FbTable root() {
        if (size < 8) {
            throw new FlatBufferException.Malformed("is " + size + " bytes long, too short for a FlatBuffer (at least 8)");
        }
        return table(deref(0));
    }

    /** The 4-byte file identifier after the root offset (e.g. "TFL3"). */
    String identifier() {
        check(4, 4);
        byte[] id = new byte[4];
        buf.get(4, id);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    void check(long pos, long len) {
        if (pos < 0 || len < 0 || pos + len > size) {
            throw new FlatBufferException.Malformed("reference to bytes " + pos + ".." + (pos + len) + " outside the file ("
                    + size + " bytes)");
        }
    }

    int u8(long pos) {
        check(pos, 1);
        return buf.get((int) pos) & 0xFF;
    }

    int u16(long pos) {
        check(pos, 2);
        return buf.getShort((int) pos) & 0xFFFF;
    }

    int i32(long pos) {
        check(pos, 4);
        return buf.getInt((int) pos);
    }

    long u32(long pos) {
        return i32(pos) & 0xFFFFFFFFL;
    }

    long i64(long pos) {
        check(pos, 8);
        return buf.getLong((int) pos);
    }

    float f32(long pos) {
        check(pos, 4);
        return buf.getFloat((int) pos);
    }

    /** Follows the uoffset stored at {@code pos}; the target must lie inside the buffer. */
    long deref(long pos) {
        long target = pos + u32(pos);
        check(target, 1);
        return target;
    }

    FbTable table(long pos) {
        check(pos, 4);
        long vt = pos - i32(pos);
        check(vt, 4);
        int vtBytes = u16(vt);
        int tableBytes = u16(vt + 2);
        if (vtBytes < 4 || (vtBytes & 1) != 0) {
            throw new FlatBufferException.Malformed("vtable at " + vt + " has an invalid size " + vtBytes);
        }
        check(vt, vtBytes);
        check(pos, Math.max(tableBytes, 4));
        return new FbTable(this, pos, vt, vtBytes, tableBytes);
    }

    /** The vector whose uint32 length is at {@code pos}, with elements of {@code elemBytes} each. */
    FbVector vector(long pos, int elemBytes) {
        long len = u32(pos);
        long remaining = size - (pos + 4);
        if (len * elemBytes > remaining) {
            throw new FlatBufferException.Malformed("vector at " + pos + " claims " + len + " elements of " + elemBytes
                    + " bytes, but only " + remaining + " bytes follow");
        }
        return new FbVector(this, pos + 4, (int) len, elemBytes);
    }

    String string(long pos) {
        FbVector v = vector(pos, 1);
        check(v.start(), v.length() + 1L);
        byte[] b = new byte[v.length()];
        buf.get((int) v.start(), b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A read-only little-endian view of {@code len} bytes at {@code pos}, after a bounds check. */
    ByteBuffer slice(long pos, long len) {
        check(pos, len);
        return buf.slice((int) pos, (int) len).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }
}
