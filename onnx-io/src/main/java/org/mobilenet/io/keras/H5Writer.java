package org.mobilenet.io.keras;

import io.jhdf.checksum.ChecksumUtils;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal HDF5 writer for what Keras 3's weights file holds: nested groups (empty ones too) and
 * contiguous little-endian float32 datasets, no attributes. Written because jHDF 0.9.4's writer can
 * damage a file holding empty groups (see {@link KerasExporter}), and Keras 3's weights file needs
 * them.
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

    /** A group: its children by name, in the order they are written. */
    static final class Group {
        private final Map<String, Object> children = new LinkedHashMap<>();

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

    private static void message(ByteArrayOutputStream out, int type, byte[] data) {
        out.write(type);
        out.write(data.length & 0xff);
        out.write(data.length >>> 8);
        out.write(0); // flags
        out.writeBytes(data);
    }

    private static byte[] dataspace(int[] shape) {
        ByteBuffer b = le(4 + 8 * shape.length);
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
