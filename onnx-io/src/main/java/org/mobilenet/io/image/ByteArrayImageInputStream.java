package org.mobilenet.io.image;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@code ImageInputStream} over a file's bytes already in memory. The decoders then read with
 * array copies instead of one system call per header field or scanline (what
 * {@code FileImageInputStream} costs), and need no cache.
 */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {
    private final byte[] bytes;

    ByteArrayImageInputStream(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        if (streamPos >= bytes.length) {
            return -1;
        }
        bitOffset = 0;
        return bytes[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", length " + b.length);
        }
        if (len == 0) {
            return 0;
        }
        bitOffset = 0;
        if (streamPos >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(len, bytes.length - streamPos);
        System.arraycopy(bytes, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return bytes.length;
    }
}
