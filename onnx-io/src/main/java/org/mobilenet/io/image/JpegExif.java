package org.mobilenet.io.image;

/**
 * Whether a JPEG in memory can carry an EXIF orientation tag, found by walking its marker segments up
 * to the first scan. Reading the tag through the reader's metadata costs a cold command about 8 ms (the
 * metadata classes and their tree), which a JPEG without an EXIF segment (most images that are not
 * camera photos) need not pay. Only a definite "no" skips the metadata: anything irregular says yes,
 * and the reader decides.
 */
final class JpegExif {
    private JpegExif() {
    }

    /** False only for a JPEG whose segments before the first scan include no APP1 "Exif" segment. */
    static boolean mayHaveOrientation(byte[] f) {
        if (f.length < 4 || (f[0] & 0xFF) != 0xFF || (f[1] & 0xFF) != 0xD8) {
            return true; // not a JPEG: its own reader says
        }
        int pos = 2;
        while (pos + 4 <= f.length) {
            if ((f[pos] & 0xFF) != 0xFF) {
                return true;
            }
            int marker = f[pos + 1] & 0xFF;
            if (marker == 0xDA) {
                return false; // start of scan: every header segment was seen
            }
            if (marker == 0xFF || marker == 0x01 || marker == 0xD8 || marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7)) {
                return true; // fill bytes or a marker without a length: not the plain case
            }
            int length = ((f[pos + 2] & 0xFF) << 8) | (f[pos + 3] & 0xFF);
            if (length < 2 || pos + 2 + length > f.length) {
                return true;
            }
            if (marker == 0xE1 && length >= 8 && f[pos + 4] == 'E' && f[pos + 5] == 'x' && f[pos + 6] == 'i'
                    && f[pos + 7] == 'f') {
                return true;
            }
            pos += 2 + length;
        }
        return true;
    }
}
