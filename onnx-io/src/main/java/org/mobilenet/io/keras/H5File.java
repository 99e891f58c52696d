package org.mobilenet.io.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobilenet.io.BadInputException;

/**
 * An HDF5 file read as hostile input, through jHDF, from bytes in memory. Only what Keras files need:
 * groups, their string attributes, float datasets. Every jHDF failure (a truncated or malformed file
 * makes it throw anything from buffer underflows to its own exceptions) becomes a one-line
 * {@link BadInputException} naming the file. Guards against what jHDF would do unchecked:
 * <ul>
 *   <li>links (soft or external) are refused, not followed, and nothing walks groups recursively, so
 *       a link cycle cannot loop;</li>
 *   <li>a dataset's declared element count is checked against {@link #MAX_ELEMENTS} and against the
 *       shape the caller expects before anything is read, and an unfiltered dataset's bytes against
 *       the file's size;</li>
 *   <li>filtered (compressed) datasets are refused as unsupported: Keras never compresses weights,
 *       and jHDF inflates a chunk without bounding its output, so a small deflate bomb could demand
 *       a thousand times its size;</li>
 *   <li>attributes are checked against the file's size before they are decoded.</li>
 * </ul>
 */
final class H5File implements AutoCloseable {
    /** The largest dataset read: 16 Mi floats, four times MobileNet's largest tensor at alpha 4. */
    static final long MAX_ELEMENTS = 16L << 20;
    /** The most strings in one string-list attribute (Keras's layer_names of a model is a few hundred). */
    static final int MAX_LIST = 1 << 16;

    /** A float dataset: its shape as stored (row-major) and its values. */
    record Array(int[] shape, float[] data) {
        long size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final String where;
    private final long size;
    private final HdfFile hdf;

    private H5File(Path path, String where, long size, HdfFile hdf) {
        this.path = path;
        this.where = where;
        this.size = size;
        this.hdf = hdf;
    }

    /**
     * Opens HDF5 bytes; {@code where} prefixes messages for a file inside another (an archive's
     * {@code model.weights.h5: }), or is empty.
     */
    static H5File open(Path path, String where, byte[] bytes) throws BadInputException {
        if (bytes.length < 8 || !(bytes[0] == (byte) 0x89 && bytes[1] == 'H' && bytes[2] == 'D' && bytes[3] == 'F')) {
            throw new BadInputException(path, where + "not an HDF5 file (expected the signature \\x89HDF at the"
                    + " start)");
        }
        long eof = endOfFile(bytes);
        if (eof > bytes.length) {
            throw new BadInputException(path, where + "truncated HDF5 file: its superblock says " + eof
                    + " bytes, found " + bytes.length);
        }
        try {
            return new H5File(path, where, bytes.length, HdfFile.fromBytes(bytes));
        } catch (RuntimeException | StackOverflowError e) {
            throw malformed(path, where, e);
        }
    }

    /**
     * The end-of-file address in the superblock at the start (versions 0 to 3), or -1 when it is not
     * there or undefined. A file shorter than it was cut: jHDF would read what it can and may not notice.
     */
    static long endOfFile(byte[] b) {
        if (b.length < 14) {
            return -1;
        }
        int version = b[8];
        int offsets;
        int at;
        if (version == 0 || version == 1) {
            offsets = b[13];
            at = (version == 0 ? 24 : 28) + 2 * offsets;
        } else if (version == 2 || version == 3) {
            offsets = b[9];
            at = 12 + 2 * offsets;
        } else {
            return -1;
        }
        if (offsets < 2 || offsets > 8 || at + offsets > b.length) {
            return -1;
        }
        long v = 0;
        for (int i = offsets - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v < 0 || (offsets == 8 && v == -1L) ? -1 : v;
    }

    Path path() {
        return path;
    }

    /** A problem with this file, as a one-line exception. */
    BadInputException bad(String problem) {
        return new BadInputException(path, where + problem);
    }

    private static BadInputException malformed(Path path, String where, Throwable e) {
        String m = e.getMessage();
        return new BadInputException(path, where + "malformed or truncated HDF5 file ("
                + e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m))
                + ")", e);
    }

    /** The node at {@code path} ("" or "/" is the root), or null; a link on the way is refused. */
    private Node node(String p) throws BadInputException {
        Node n = hdf;
        for (String part : p.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(n instanceof Group g)) {
                return null;
            }
            n = g.getChildren().get(part);
            if (n == null) {
                return null;
            }
            if (n.isLink()) {
                throw bad("'" + p + "' goes through a link, which Keras files do not hold (links are not followed)");
            }
        }
        return n;
    }

    /** True when {@code path} is a group. */
    boolean isGroup(String p) throws BadInputException {
        try {
            Node n = node(p);
            return n != null && n.isGroup();
        } catch (RuntimeException | StackOverflowError e) {
            throw malformed(path, where, e);
        }
    }

    /** True when {@code path} is a dataset. */
    boolean isDataset(String p) throws BadInputException {
        try {
            Node n = node(p);
            return n instanceof Dataset;
        } catch (RuntimeException | StackOverflowError e) {
            throw malformed(path, where, e);
        }
    }

    /** The names of a group's members, in the file's order; empty when there is no such group. */
    List<String> children(String p) throws BadInputException {
        try {
            Node n = node(p);
            if (!(n instanceof Group g)) {
                return List.of();
            }
            return new ArrayList<>(g.getChildren().keySet());
        } catch (RuntimeException | StackOverflowError e) {
            throw malformed(path, where, e);
        }
    }

    /** A string attribute of the group at {@code path}, or null when it has none. */
    String stringAttribute(String p, String name) throws BadInputException {
        Object v = attribute(p, name);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return unpad(s);
        }
        if (v instanceof String[] a && a.length == 1) {
            return unpad(a[0]);
        }
        throw bad("attribute '" + name + "' of '" + display(p) + "' is not a string");
    }

    /**
     * A list-of-strings attribute, as Keras writes {@code layer_names} and {@code weight_names}: one
     * array, or (when too large for one object header) split into {@code name0}, {@code name1}, ...;
     * null when absent. An empty numeric array (what h5py makes of an empty list) is an empty list.
     */
    List<String> stringListAttribute(String p, String name) throws BadInputException {
        Object v = attribute(p, name);
        if (v != null) {
            return strings(p, name, v);
        }
        List<String> out = new ArrayList<>();
        for (int chunk = 0; ; chunk++) {
            Object c = attribute(p, name + chunk);
            if (c == null) {
                return chunk == 0 ? null : out;
            }
            out.addAll(strings(p, name + chunk, c));
            if (out.size() > MAX_LIST) {
                throw bad("attribute '" + name + "' of '" + display(p) + "' lists more than " + MAX_LIST + " names");
            }
        }
    }

    private List<String> strings(String p, String name, Object v) throws BadInputException {
        if (v instanceof String s) {
            return List.of(unpad(s));
        }
        if (v instanceof String[] a) {
            if (a.length > MAX_LIST) {
                throw bad("attribute '" + name + "' of '" + display(p) + "' lists more than " + MAX_LIST + " names");
            }
            return Arrays.stream(a).map(H5File::unpad).toList();
        }
        if (v.getClass().isArray() && java.lang.reflect.Array.getLength(v) == 0) {
            return List.of();
        }
        throw bad("attribute '" + name + "' of '" + display(p) + "' is not a list of strings (found "
                + v.getClass().getSimpleName() + ")");
    }

    private Object attribute(String p, String name) throws BadInputException {
        try {
            Node n = node(p);
            if (n == null) {
                return null;
            }
            Attribute a = n.getAttributes().get(name);
            if (a == null) {
                return null;
            }
            if (a.getSize() > MAX_LIST || (!a.getDataType().getJavaType().equals(String.class)
                    && a.getSizeInBytes() > size)) {
                throw bad("attribute '" + name + "' of '" + display(p) + "' declares " + a.getSize()
                        + " values, more than the file can hold");
            }
            if (a.getSize() == 0) {
                return new String[0]; // h5py's empty list; jHDF gives no data for it
            }
            return a.getData();
        } catch (RuntimeException | StackOverflowError e) {
            throw malformed(path, where, e);
        }
    }

    /**
     * A float dataset (float16, float32 or float64 stored; float32 returned). When {@code expected}
     * is not null the stored shape must equal it, checked before reading.
     */
    Array floats(String p, int[] expected) throws BadInputException {
        try {
            Node n = node(p);
            if (!(n instanceof Dataset d)) {
                throw bad("expected a dataset at '" + display(p) + "', found " + (n == null ? "nothing" : "a group"));
            }
            int[] dims = d.getDimensions();
            long count = 1;
            for (int x : dims) {
                if (x < 0) {
                    throw bad("dataset '" + display(p) + "' declares a negative dimension");
                }
                count = Math.multiplyExact(count, (long) x);
            }
            if (expected != null && !Arrays.equals(dims, expected)) {
                throw bad("dataset '" + display(p) + "' has shape " + Arrays.toString(dims) + ", expected "
                        + Arrays.toString(expected));
            }
            if (count > MAX_ELEMENTS) {
                throw bad("dataset '" + display(p) + "' declares " + count + " values (shape "
                        + Arrays.toString(dims) + "), more than the " + MAX_ELEMENTS + " a MobileNet layer can need");
            }
            Class<?> t = d.getJavaType();
            if (t != float.class && t != double.class) {
                throw bad("dataset '" + display(p) + "' holds " + t.getSimpleName() + " values; expected floats");
            }
            if (!d.getFilters().isEmpty()) {
                throw bad("unsupported: dataset '" + display(p) + "' is compressed or filtered ("
                        + d.getFilters().get(0).getName() + "); Keras writes weights uncompressed");
            }
            if (count > 0 && d.getStorageInBytes() > size) {
                throw bad("dataset '" + display(p) + "' declares " + d.getStorageInBytes()
                        + " bytes, more than the file's " + size + " (truncated?)");
            }
            if (count == 0) {
                return new Array(dims, new float[0]);
            }
            Object flat = d.getDataFlat();
            float[] out;
            if (flat instanceof float[] f) {
                out = f;
            } else if (flat instanceof double[] dd) {
                out = new float[dd.length];
                for (int i = 0; i < dd.length; i++) {
                    out[i] = (float) dd[i];
                }
            } else {
                throw bad("dataset '" + display(p) + "' did not read as floats");
            }
            if (out.length != count) {
                throw bad("dataset '" + display(p) + "' read " + out.length + " values, declares " + count);
            }
            return new Array(dims, out);
        } catch (ArithmeticException e) {
            throw bad("dataset '" + display(p) + "' declares more values than a long can count");
        } catch (RuntimeException | StackOverflowError e) {
            throw malformed(path, where, e);
        }
    }

    /**
     * A fixed-length string without its padding: h5py stores Keras's names as NUL-padded byte strings
     * (and other writers pad with spaces), which jHDF hands back with the padding.
     */
    static String unpad(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\0' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String display(String p) {
        return p.isEmpty() ? "/" : p;
    }

    /** The file's bytes are in memory; closing frees jHDF's state. */
    @Override
    public void close() {
        try {
            hdf.close();
        } catch (RuntimeException ignored) {
            // Nothing to release that matters: the bytes are garbage once unreferenced.
        }
    }
}
