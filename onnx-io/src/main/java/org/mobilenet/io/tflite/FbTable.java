package org.mobilenet.io.tflite;

/**
 * One FlatBuffers table: typed access to its fields by field index (the order of declaration in
 * the schema, 0-based). Absent fields give the schema default; every access is bounds-checked.
 */
final class FbTable {
    /** A table with no fields: every read gives the schema default (an operator without options). */
    static final FbTable EMPTY = new FbTable(null, 0, 0, 0, 0);

    private final FlatBuffer fb;
    private final long pos;
    private final long vtable;
    private final int vtableBytes;
    private final int tableBytes;

    FbTable(FlatBuffer fb, long pos, long vtable, int vtableBytes, int tableBytes) {
        this.fb = fb;
        this.pos = pos;
        this.vtable = vtable;
        this.vtableBytes = vtableBytes;
        this.tableBytes = tableBytes;
    }

    /** The absolute position of a field, or -1 when it is absent. */
    private long field(int index, int bytes) {
        int slot = 4 + 2 * index;
        if (slot + 2 > vtableBytes) {
            return -1;
        }
        int off = fb.u16(vtable + slot);
        if (off == 0) {
            return -1;
        }
        if (off + bytes > tableBytes) {
            throw new FlatBufferException.Malformed("field " + index + " of the table at " + pos + " lies outside the table");
        }
        return pos + off;
    }

    boolean has(int index) {
        return field(index, 1) >= 0;
    }

    int u8(int index, int dflt) {
        long p = field(index, 1);
        return p < 0 ? dflt : fb.u8(p);
    }

    /** A signed byte field (TFLite enums such as TensorType are stored as bytes). */
    int i8(int index, int dflt) {
        long p = field(index, 1);
        return p < 0 ? dflt : (byte) fb.u8(p);
    }

    boolean bool(int index) {
        return u8(index, 0) != 0;
    }

    int i32(int index, int dflt) {
        long p = field(index, 4);
        return p < 0 ? dflt : fb.i32(p);
    }

    long u32(int index, long dflt) {
        long p = field(index, 4);
        return p < 0 ? dflt : fb.u32(p);
    }

    long i64(int index, long dflt) {
        long p = field(index, 8);
        return p < 0 ? dflt : fb.i64(p);
    }

    float f32(int index, float dflt) {
        long p = field(index, 4);
        return p < 0 ? dflt : fb.f32(p);
    }

    /** A sub-table, or null when absent. */
    FbTable table(int index) {
        long p = field(index, 4);
        return p < 0 ? null : fb.table(fb.deref(p));
    }

    /** A vector of elements of {@code elemBytes} each (4 for tables, strings, ints), or null when absent. */
    FbVector vector(int index, int elemBytes) {
        long p = field(index, 4);
        return p < 0 ? null : fb.vector(fb.deref(p), elemBytes);
    }

    /** A string, or null when absent. */
    String string(int index) {
        long p = field(index, 4);
        return p < 0 ? null : fb.string(fb.deref(p));
    }

    long position() {
        return pos;
    }
}
