package org.mobilenet.io.image;

/**
 * The EXIF orientation tag of a PNG (its eXIf chunk) or a WebP (its EXIF chunk) in memory: ImageIO's
 * readers of these formats do not report it, but phones and editors write it, and the picture is
 * then meant to be turned as a JPEG's would be. The chunk holds a TIFF structure (some writers put
 * JPEG's "Exif\0\0" before it), read as {@link JpegExif#tiff} reads one. {@link Orientation#NORMAL}
 * when the file has no such chunk; null when the bytes are not a PNG or WebP, or not the plain case
 * (two EXIF chunks, a chunk out of bounds, an irregular tag): then upright, as before.
 */
final class ChunkExif {
    private ChunkExif() {
    }

    /** The orientation a PNG's or WebP's EXIF chunk gives, as described above. */
    static Orientation orientation(byte[] f) {
        if (isPng(f)) {
            return png(f);
        }
        if (isWebp(f)) {
            return webp(f);
        }
        return null;
    }

    private static boolean isPng(byte[] f) {
        return f.length >= 8 && (f[0] & 0xFF) == 0x89 && f[1] == 'P' && f[2] == 'N' && f[3] == 'G';
    }

    private static boolean isWebp(byte[] f) {
        return f.length >= 12 && f[0] == 'R' && f[1] == 'I' && f[2] == 'F' && f[3] == 'F' && f[8] == 'W' && f[9] == 'E'
                && f[10] == 'B' && f[11] == 'P';
    }

    /** PNG: chunks of length (4 bytes, big-endian), type, data and CRC, from byte 8. */
    private static Orientation png(byte[] f) {
        int exif = -1;
        int exifEnd = 0;
        long pos = 8;
        while (pos + 12 <= f.length) {
            int at = (int) pos;
            long length = (f[at] & 0xFFL) << 24 | (f[at + 1] & 0xFF) << 16 | (f[at + 2] & 0xFF) << 8 | f[at + 3] & 0xFF;
            long end = pos + 12 + length;
            if (end > f.length) {
                return null;
            }
            if (is(f, at + 4, "eXIf")) {
                if (exif >= 0) {
                    return null;
                }
                exif = at + 8;
                exifEnd = (int) (end - 4);
            }
            if (is(f, at + 4, "IEND")) {
                break;
            }
            pos = end;
        }
        return exif < 0 ? Orientation.NORMAL : tiff(f, exif, exifEnd);
    }

    /** WebP: RIFF chunks of a four-character code, a length (4 bytes, little-endian) and data padded to even, from byte 12. */
    private static Orientation webp(byte[] f) {
        int exif = -1;
        int exifEnd = 0;
        long pos = 12;
        while (pos + 8 <= f.length) {
            int at = (int) pos;
            long length = (f[at + 4] & 0xFF) | (f[at + 5] & 0xFF) << 8 | (f[at + 6] & 0xFF) << 16 | (f[at + 7] & 0xFFL) << 24;
            long end = pos + 8 + length;
            if (end > f.length) {
                return null;
            }
            if (is(f, at, "EXIF")) {
                if (exif >= 0) {
                    return null;
                }
                exif = at + 8;
                exifEnd = (int) end;
            }
            pos = end + (length & 1);
        }
        return exif < 0 ? Orientation.NORMAL : tiff(f, exif, exifEnd);
    }

    /** The TIFF structure at [at, end), after an optional "Exif\0\0". */
    private static Orientation tiff(byte[] f, int at, int end) {
        if (end - at >= 6 && is(f, at, "Exif") && f[at + 4] == 0 && f[at + 5] == 0) {
            at += 6;
        }
        return JpegExif.tiff(f, at, end);
    }

    private static boolean is(byte[] f, int at, String fourcc) {
        for (int i = 0; i < 4; i++) {
            if (f[at + i] != fourcc.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
