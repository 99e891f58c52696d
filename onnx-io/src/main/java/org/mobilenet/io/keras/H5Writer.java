package org.mobilenet.io.keras;

import io.jhdf.checksum.ChecksumUtils;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal HDF5 writer for what Keras's weights files hold: nested groups (empty ones too),
 * contiguous little-endian float32 datasets, and groups' string attributes (fixed-length, NUL-padded,
 * as h5py stores numpy bytes; an empty list as an empty float64 array, as h5py stores {@code []}).
 * Written because jHDF 0.9.4's writer can damage a file holding empty groups (see
 * {@link KerasExporter}), and Keras's layouts have them.
 *
 * <p>The file: superblock version 2 at 0; then, depth first, each object's version 2 object header
 * (signature {@code OHDR}, 4-byte chunk size, Jenkins lookup3 checksum) followed, for a dataset, by its
 * data. A group header holds a Link Info message (no fractal heap: links stored compactly), a Group
 * Info message and one hard Link message per child; a dataset header holds Dataspace (version 2),
 * Datatype (IEEE float32 LE), Fill Value (version 3, none defined) and Data Layout (version 3,
 * contiguous) messages. Offsets and lengths are 8 bytes.
 */
final class H5Writer {
    private static final long UNDEFINED = -1L;
    private static final int SUPERBLOCK_SIZE = 48;

    /** A group: its children by name, in the order they are written, and its attributes. */
    static final class Group {
        private final Map<String, Object> children = new LinkedHashMap<>();
        private final Map<String, byte[]> attributes = new LinkedHashMap<>();

        /** A scalar string attribute. */
        void attribute(String name, String value) {
            attributes.put(name, attributeMessage(name, stringType(value.getBytes(StandardCharsets.UTF_8).length),
                    dataspace(new int[0]), padded(List.of(value))));
        }

        /** A list-of-strings attribute; an empty list is an empty float64 array. */
        void attribute(String name, List<String> values) {
            if (values.isEmpty()) {
                attributes.put(name, attributeMessage(name, float64(), dataspace(new int[] {0}), new byte[0]));
                return;
            }
            attributes.put(name, attributeMessage(name, stringType(maxLength(values)),
                    dataspace(new int[] {values.size()}), padded(values)));
        }

        /** The child group of that name, created when missing. */
        Group group(String name) {
            checkName(name);
            Object o = children.computeIfAbsent(name, n -> new Group());
            if (!(o instanceof Group g)) {
                throw new IllegalArgumentException("'" + name + "' is a dataset, not a group");
            }
            return g;
        }

        /** Adds a float32 dataset of that shape (row-major values). */
        void dataset(String name, int[] shape, float[] data) {
            checkName(name);
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("dataset '" + name + "': shape holds " + n + " values, given "
                        + data.length);
            }
            if (children.putIfAbsent(name, new Dataset(shape.clone(), data)) != null) {
                throw new IllegalArgumentException("'" + name + "' exists");
            }
        }

        private static void checkName(String name) {
            if (name.isEmpty() || name.contains("/") || name.equals(".")
                    || name.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("bad HDF5 link name '" + name + "'");
            }
        }
    }

    private record Dataset(int[] shape, float[] data) {
    }

    private H5Writer() {
    }

    /** The file holding {@code root}. */
    static byte[] write(Group root) {
        Map<Object, Long> address = new java.util.IdentityHashMap<>();
        long end = layout(root, SUPERBLOCK_SIZE, address);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(end)).order(ByteOrder.LITTLE_ENDIAN);
        writeObject(root, out, address);
        // Superblock version 2.
        out.position(0);
        out.put(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        out.put((byte) 2).put((byte) 8).put((byte) 8).put((byte) 0);
        out.putLong(0).putLong(UNDEFINED).putLong(end).putLong(address.get(root));
        byte[] all = out.array();
        out.putInt(ChecksumUtils.checksum(java.util.Arrays.copyOfRange(all, 0, SUPERBLOCK_SIZE - 4)));
        return all;
    }

    /** Assigns addresses depth first from {@code at}; returns the end. */
    private static long layout(Object node, long at, Map<Object, Long> address) {
        address.put(node, at);
        long next = at + header(node, null).length;
        if (node instanceof Dataset d) {
            return next + 4L * d.data().length;
        }
        for (Object child : ((Group) node).children.values()) {
            next = layout(child, next, address);
        }
        return next;
    }

    private static void writeObject(Object node, ByteBuffer out, Map<Object, Long> address) {
        out.position(Math.toIntExact(address.get(node)));
        out.put(header(node, address));
        if (node instanceof Dataset d) {
            for (float f : d.data()) {
                out.putFloat(f);
            }
            return;
        }
        for (Object child : ((Group) node).children.values()) {
            writeObject(child, out, address);
        }
    }

    /** An object's header; with {@code address} null, link addresses are zeros (for its size). */
    private static byte[] header(Object node, Map<Object, Long> address) {
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        if (node instanceof Dataset d) {
            message(messages, 0x01, dataspace(d.shape()));
            message(messages, 0x03, float32());
            message(messages, 0x05, new byte[] {3, 0x0a}); // fill value v3: late allocation, written if set, none
            ByteBuffer layout = le(18);
            layout.put((byte) 3).put((byte) 1); // version 3, contiguous
            layout.putLong(address == null ? 0 : address.get(node) + header(node, null).length);
            layout.putLong(4L * d.data().length);
            message(messages, 0x08, layout.array());
        } else {
            ByteBuffer linkInfo = le(18);
            linkInfo.put((byte) 0).put((byte) 0).putLong(UNDEFINED).putLong(UNDEFINED);
            message(messages, 0x02, linkInfo.array());
            message(messages, 0x0a, new byte[] {0, 0}); // group info v0, no flags
            for (byte[] attribute : ((Group) node).attributes.values()) {
                message(messages, 0x0c, attribute);
            }
            for (Map.Entry<String, Object> e : ((Group) node).children.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                ByteBuffer link = le(4 + name.length + 8);
                // Version 1; flags: UTF-8 name (bit 4, charset field follows), 1-byte name length.
                link.put((byte) 1).put((byte) 0x10).put((byte) 1).put((byte) name.length).put(name);
                link.putLong(address == null ? 0 : address.get(e.getValue()));
                message(messages, 0x06, link.array());
            }
        }
        byte[] body = messages.toByteArray();
        ByteBuffer h = le(4 + 1 + 1 + 4 + body.length + 4);
        h.put(new byte[] {'O', 'H', 'D', 'R'}).put((byte) 2).put((byte) 2); // version 2, 4-byte chunk size
        h.putInt(body.length).put(body);
        byte[] all = h.array();
        h.putInt(ChecksumUtils.checksum(java.util.Arrays.copyOfRange(all, 0, all.length - 4)));
        return all;
    }

    /** An attribute message, version 3: name (NUL-terminated, ASCII), datatype, dataspace, data. */
    private static byte[] attributeMessage(String name, byte[] type, byte[] space, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = le(1 + 1 + 2 + 2 + 2 + 1 + n.length + 1 + type.length + space.length + data.length);
        b.put((byte) 3).put((byte) 0).putShort((short) (n.length + 1)).putShort((short) type.length)
                .putShort((short) space.length).put((byte) 0).put(n).put((byte) 0).put(type).put(space).put(data);
        return b.array();
    }

    /** A fixed-length string type: class 3 version 1, NUL-padded, ASCII. */
    private static byte[] stringType(int length) {
        ByteBuffer b = le(8);
        b.put((byte) 0x13).put((byte) 0x01).put((byte) 0).put((byte) 0).putInt(Math.max(1, length));
        return b.array();
    }

    private static int maxLength(List<String> values) {
        int max = 1;
        for (String v : values) {
            max = Math.max(max, v.getBytes(StandardCharsets.UTF_8).length);
        }
        return max;
    }

    /** The strings, each NUL-padded to the longest. */
    private static byte[] padded(List<String> values) {
        int len = maxLength(values);
        byte[] out = new byte[len * values.size()];
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(v, 0, out, i * len, v.length);
        }
        return out;
    }

    /** IEEE 754 binary64, little endian. */
    private static byte[] float64() {
        ByteBuffer b = le(20);
        b.put((byte) 0x11).put((byte) 0x20).put((byte) 63).put((byte) 0).putInt(8);
        b.putShort((short) 0).putShort((short) 64).put((byte) 52).put((byte) 11).put((byte) 0).put((byte) 52)
                .putInt(1023);
        return b.array();
    }

    private static void message(ByteArrayOutputStream out, int type, byte[] data) {
        if (data.length > 0xffff) {
            throw new IllegalArgumentException("an HDF5 header message holds at most 65535 bytes, this one "
                    + data.length);
        }
        out.write(type);
        out.write(data.length & 0xff);
        out.write(data.length >>> 8);
        out.write(0); // flags
        out.writeBytes(data);
    }

    private static byte[] dataspace(int[] shape) {
        ByteBuffer b = le(4 + 8 * shape.length);
        // Version 2; rank; no max dims; scalar (rank 0) or simple.
        b.put((byte) 2).put((byte) shape.length).put((byte) 0).put((byte) (shape.length == 0 ? 0 : 1));
        for (int d : shape) {
            b.putLong(d);
        }
        return b.array();
    }

    /** IEEE 754 binary32, little endian: class 1 version 1, sign at bit 31, exponent 23..30, mantissa 0..22. */
    private static byte[] float32() {
        ByteBuffer b = le(20);
        b.put((byte) 0x11).put((byte) 0x20).put((byte) 31).put((byte) 0).putInt(4);
        b.putShort((short) 0).putShort((short) 32).put((byte) 23).put((byte) 8).put((byte) 0).put((byte) 23)
                .putInt(127);
        return b.array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
