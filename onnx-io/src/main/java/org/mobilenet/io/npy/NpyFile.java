package org.mobilenet.io.npy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.mobilenet.io.AtomicFiles;
import org.mobilenet.io.BadInputException;

/**
 * NumPy's .npy format, versions 1.0 and 2.0 (3.0 only differs by a UTF-8 header and is read too):
 * the magic {@code \x93NUMPY}, the version, the header length (2 bytes in 1.0, 4 in 2.0 and 3.0),
 * the header ({@link NpyHeader}) and the C-order data. Read as a hostile input: the header is parsed,
 * never evaluated, its length bounded, and the shape checked against the file's real size before
 * anything is allocated. A well-formed file of a Fortran-order array or another dtype is called
 * unsupported, not malformed. Writing goes through a temp file and a rename.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy's own limit on a header is far below this; larger is hostile. */
    private static final int MAX_HEADER = 1 << 20;

    private NpyFile() {
    }

    /** Reads a .npy file. @throws BadInputException naming the file and the problem */
    public static NpyArray read(Path path) throws BadInputException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path, "no such file");
        } catch (IOException e) {
            throw new BadInputException(path, "cannot read: " + e.getMessage());
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] prefix = in.readNBytes(8);
            if (prefix.length < 8 || !Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
                throw new BadInputException(path, "malformed .npy file: expected the magic \\x93NUMPY at the start");
            }
            int major = prefix[6] & 0xFF;
            int minor = prefix[7] & 0xFF;
            if (major < 1 || major > 3 || minor != 0) {
                throw new BadInputException(path, "unsupported .npy format version " + major + "." + minor
                        + " (supported: 1.0, 2.0, 3.0)");
            }
            int lenBytes = major == 1 ? 2 : 4;
            byte[] lb = in.readNBytes(lenBytes);
            if (lb.length < lenBytes) {
                throw new BadInputException(path, "malformed .npy file: truncated in the header length");
            }
            ByteBuffer b = ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = major == 1 ? b.getShort() & 0xFFFF : b.getInt() & 0xFFFFFFFFL;
            long dataStart = 8 + lenBytes + headerLen;
            if (headerLen > MAX_HEADER || dataStart > size) {
                throw new BadInputException(path, "malformed .npy file: a header of " + headerLen + " bytes does not fit"
                        + " the file's " + size + " bytes");
            }
            byte[] hb = in.readNBytes((int) headerLen);
            if (hb.length < headerLen) {
                throw new BadInputException(path, "malformed .npy file: truncated in the header");
            }
            String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            NpyHeader h;
            try {
                h = NpyHeader.parse(text.stripTrailing());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(path, "malformed .npy header: " + e.getMessage());
            }
            if (h.fortranOrder()) {
                throw new BadInputException(path, "unsupported .npy array: Fortran order (expected C order;"
                        + " np.ascontiguousarray gives one)");
            }
            NpyDtype dtype = NpyDtype.of(h.descr());
            if (dtype == null) {
                throw new BadInputException(path, "unsupported .npy dtype '" + h.descr() + "' (supported: |u1, |i1,"
                        + " <i4, <f4, <f8)");
            }
            long n = NpyArray.count(h.shape());
            long need = n < 0 ? -1 : n * dtype.bytes();
            if (need < 0 || need > Integer.MAX_VALUE - 8) {
                throw new BadInputException(path, "unsupported .npy array: shape " + Arrays.toString(h.shape())
                        + " is too large");
            }
            if (size - dataStart != need) {
                throw new BadInputException(path, "malformed .npy file: shape " + Arrays.toString(h.shape()) + " of "
                        + dtype.numpyName() + " needs " + need + " bytes of data, the file has " + (size - dataStart));
            }
            byte[] data = in.readNBytes((int) need);
            if (data.length != need) {
                throw new BadInputException(path, "malformed .npy file: the data ends after " + data.length + " of "
                        + need + " bytes");
            }
            return new NpyArray(dtype, h.shape(), data);
        } catch (BadInputException e) {
            throw e;
        } catch (IOException e) {
            throw new BadInputException(path, "cannot read: " + e.getMessage());
        }
    }

    /** The bytes of a version 1.0 file (2.0 when the header needs more than 65535 bytes). */
    public static byte[] bytes(NpyArray a) {
        StringBuilder shape = new StringBuilder("(");
        int[] s = a.shape();
        for (int i = 0; i < s.length; i++) {
            shape.append(s[i]).append(s.length == 1 ? "," : i + 1 < s.length ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + a.dtype().descr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int major = dict.length() + 11 > 65535 ? 2 : 1;
        int prefix = 8 + (major == 1 ? 2 : 4);
        // Padded with spaces and a final newline so the data starts at a multiple of 64 bytes.
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        byte[] data = a.data();
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** Writes a .npy file atomically (temp file and rename). */
    public static void write(Path path, NpyArray a, boolean overwrite) throws IOException {
        byte[] bytes = bytes(a);
        AtomicFiles.write(path, overwrite, out -> out.write(bytes));
    }
}
