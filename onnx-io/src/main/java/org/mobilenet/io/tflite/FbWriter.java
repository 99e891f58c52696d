package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small FlatBuffers writer: builds a tree of tables, vectors and strings and lays it out parents
 * first, children after (so every uoffset points forward), each vtable right before its table. Byte
 * vectors (TFLite's buffer data) start 16-byte aligned, as the TFLite converter aligns them, so
 * kernels may read weights in place. Used by {@link TfliteExporter} and by tests that build files.
 */
final class FbWriter {
    /** A node of the tree. */
    sealed interface Node permits Table, Ints, Floats, Longs, Bytes, Str, Tables {
    }

    /** A table: field index to a scalar (Byte, Integer, Long, Float, Boolean) or a Node. */
    static final class Table implements Node {
        final Map<Integer, Object> fields = new TreeMap<>();

        Table put(int field, Object value) {
            fields.put(field, value);
            return this;
        }

        Table i8(int field, int v) {
            return put(field, (byte) v);
        }
    }

    record Ints(int[] v) implements Node {
    }

    record Floats(float[] v) implements Node {
    }

    record Longs(long[] v) implements Node {
    }

    record Bytes(byte[] v) implements Node {
    }

    record Str(String v) implements Node {
    }

    record Tables(List<Table> v) implements Node {
    }

    /** Where the data of a byte vector starts: a multiple of this from the start of the buffer. */
    static final int DATA_ALIGNMENT = 16;

    private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private int pos;

    /** Serializes {@code root} with a 4-byte file identifier. */
    static byte[] write(Table root, String identifier) {
        FbWriter w = new FbWriter();
        w.pos = 8;
        w.ensure(8);
        w.buf.put(4, identifier.getBytes(StandardCharsets.US_ASCII), 0, 4);
        int r = w.table(root);
        w.buf.putInt(0, r);
        return Arrays.copyOf(w.buf.array(), w.pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.capacity()) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(buf.capacity() * 2, pos + more + 1024))
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.put(0, buf.array(), 0, pos);
            buf = b;
        }
    }

    private void align(int a) {
        ensure(a);
        while (pos % a != 0) {
            buf.put(pos++, (byte) 0);
        }
    }

    private static int size(Object v) {
        if (v instanceof Byte || v instanceof Boolean) {
            return 1;
        }
        if (v instanceof Long) {
            return 8;
        }
        return 4; // Integer, Float, references
    }

    private int table(Table t) {
        int maxField = t.fields.isEmpty() ? -1 : ((TreeMap<Integer, Object>) t.fields).lastKey();
        // Inline layout: soffset, then fields in decreasing size so each stays aligned (table at 8).
        List<Map.Entry<Integer, Object>> order = new ArrayList<>(t.fields.entrySet());
        order.sort((a, b) -> size(b.getValue()) - size(a.getValue()));
        int[] offsets = new int[maxField + 1];
        int inline = 4;
        boolean has8 = order.stream().anyMatch(e -> size(e.getValue()) == 8);
        if (has8) {
            inline = 8;
        }
        for (Map.Entry<Integer, Object> e : order) {
            int s = size(e.getValue());
            inline = (inline + s - 1) / s * s;
            offsets[e.getKey()] = inline;
            inline += s;
        }
        int vtBytes = 4 + 2 * (maxField + 1);
        align(2);
        // Place the vtable so that the table after it starts 8-aligned.
        int tablePos = (pos + vtBytes + 7) / 8 * 8;
        int vt = tablePos - vtBytes;
        ensure(tablePos + inline - pos + 8);
        for (int i = pos; i < tablePos + inline; i++) {
            buf.put(i, (byte) 0);
        }
        buf.putShort(vt, (short) vtBytes);
        buf.putShort(vt + 2, (short) inline);
        for (int f = 0; f <= maxField; f++) {
            buf.putShort(vt + 4 + 2 * f, (short) (t.fields.containsKey(f) ? offsets[f] : 0));
        }
        buf.putInt(tablePos, tablePos - vt);
        pos = tablePos + inline;
        List<int[]> refs = new ArrayList<>();
        for (Map.Entry<Integer, Object> e : t.fields.entrySet()) {
            int at = tablePos + offsets[e.getKey()];
            Object v = e.getValue();
            if (v instanceof Byte b) {
                buf.put(at, b);
            } else if (v instanceof Boolean b) {
                buf.put(at, (byte) (b ? 1 : 0));
            } else if (v instanceof Integer i) {
                buf.putInt(at, i);
            } else if (v instanceof Long l) {
                buf.putLong(at, l);
            } else if (v instanceof Float f) {
                buf.putFloat(at, f);
            } else {
                refs.add(new int[] {at, e.getKey()});
            }
        }
        for (int[] r : refs) {
            int child = node((Node) t.fields.get(r[1]));
            buf.putInt(r[0], child - r[0]);
        }
        return tablePos;
    }

    private int node(Node n) {
        if (n instanceof Table t) {
            return table(t);
        }
        if (n instanceof Tables ts) {
            int v = vectorStart(ts.v().size(), 4);
            int[] slots = new int[ts.v().size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = v + 4 + 4 * i;
            }
            pos = v + 4 + 4 * slots.length;
            for (int i = 0; i < slots.length; i++) {
                int child = table(ts.v().get(i));
                buf.putInt(slots[i], child - slots[i]);
            }
            return v;
        }
        if (n instanceof Ints x) {
            int v = vectorStart(x.v().length, 4);
            for (int i = 0; i < x.v().length; i++) {
                buf.putInt(v + 4 + 4 * i, x.v()[i]);
            }
            pos = v + 4 + 4 * x.v().length;
            return v;
        }
        if (n instanceof Floats x) {
            int v = vectorStart(x.v().length, 4);
            for (int i = 0; i < x.v().length; i++) {
                buf.putFloat(v + 4 + 4 * i, x.v()[i]);
            }
            pos = v + 4 + 4 * x.v().length;
            return v;
        }
        if (n instanceof Longs x) {
            int v = vectorStart(x.v().length, 8);
            for (int i = 0; i < x.v().length; i++) {
                buf.putLong(v + 4 + 8 * i, x.v()[i]);
            }
            pos = v + 4 + 8 * x.v().length;
            return v;
        }
        byte[] bytes = n instanceof Bytes b ? b.v() : ((Str) n).v().getBytes(StandardCharsets.UTF_8);
        if (n instanceof Bytes) {
            align(4);
            while ((pos + 4) % DATA_ALIGNMENT != 0) {
                ensure(4);
                buf.put(pos++, (byte) 0);
            }
        }
        int v = vectorStart(bytes.length + 1, 1);
        buf.putInt(v, bytes.length);
        buf.put(v + 4, bytes, 0, bytes.length);
        buf.put(v + 4 + bytes.length, (byte) 0);
        pos = v + 4 + bytes.length + (n instanceof Str ? 1 : 0);
        return v;
    }

    /** Aligns for a vector of {@code n} elements of {@code elem} bytes, writes its length, returns its position. */
    private int vectorStart(int n, int elem) {
        align(4);
        if (elem == 8 && (pos + 4) % 8 != 0) {
            pos += 4;
        }
        ensure(4 + n * elem + 16);
        buf.putInt(pos, n);
        return pos;
    }
}
