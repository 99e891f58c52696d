package org.mobilenet.io.image;

/**
 * The EXIF orientation tag of a JPEG in memory, read from its bytes: the APP1 "Exif" segment before
 * the first scan, its TIFF header, the first IFD and its Orientation entry (tag 274, one SHORT; with
 * no such entry, upright when no IFD follows).
 * Through the reader's metadata the same tag costs every photo the metadata tree (and a cold command
 * about 8 ms of metadata classes, plus the JDK's locale data, which the EXIF parser's
 * {@code String.format} starts: some 20 ms more); a JPEG without an EXIF segment (most images that
 * are not camera photos) has no tag at all. Only the plain case is read here: anything irregular (two
 * EXIF segments, a header or an entry out of bounds, a tag of another type or count, a value outside
 * 1..8, two orientation entries, no tag in the first IFD but a second IFD) gives null, and the reader
 * decides as before.
 */
final class JpegExif {
    private static final int ORIENTATION = 274;
    private static final int SHORT = 3;

    private JpegExif() {
    }

    /**
     * The orientation the JPEG's EXIF tag gives; {@link Orientation#NORMAL} for a JPEG whose segments
     * before the first scan include no APP1 "Exif" segment or whose EXIF has no orientation tag; null
     * when the bytes are not a JPEG or not the plain case (then the reader's metadata says).
     */
    static Orientation orientation(byte[] f) {
        if (f.length < 4 || (f[0] & 0xFF) != 0xFF || (f[1] & 0xFF) != 0xD8) {
            return null; // not a JPEG: its own reader says
        }
        int exif = -1;
        int exifLength = 0;
        int pos = 2;
        while (true) {
            if (pos + 4 > f.length || (f[pos] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = f[pos + 1] & 0xFF;
            if (marker == 0xDA) {
                break; // start of scan: every header segment was seen
            }
            if (marker == 0xFF || marker == 0x01 || marker == 0xD8 || marker == 0xD9
                    || (marker >= 0xD0 && marker <= 0xD7)) {
                return null; // fill bytes or a marker without a length: not the plain case
            }
            int length = u16(f, pos + 2, false);
            if (length < 2 || pos + 2 + length > f.length) {
                return null;
            }
            if (marker == 0xE1 && length >= 8 && f[pos + 4] == 'E' && f[pos + 5] == 'x' && f[pos + 6] == 'i'
                    && f[pos + 7] == 'f') {
                if (exif >= 0) {
                    return null; // two EXIF segments: which one counts is the reader's call
                }
                exif = pos + 4;
                exifLength = length - 2;
            }
            pos += 2 + length;
        }
        return exif < 0 ? Orientation.NORMAL : tiffOrientation(f, exif, exifLength);
    }

    /** The orientation in the EXIF segment's data at {@code [at, at + length)} ("Exif\0\0", then TIFF). */
    private static Orientation tiffOrientation(byte[] f, int at, int length) {
        if (length < 6 + 8 || f[at + 4] != 0 || f[at + 5] != 0) {
            return null;
        }
        return tiff(f, at + 6, at + length);
    }

    /**
     * The orientation in EXIF data stored as a TIFF structure at {@code [tiff, end)} (as PNG's eXIf and
     * WebP's EXIF chunks hold it), by the same rules; null when not the plain case.
     */
    static Orientation tiff(byte[] f, int tiff, int end) {
        if (tiff < 0 || end > f.length || end - tiff < 8) {
            return null;
        }
        boolean little;
        if (f[tiff] == 'I' && f[tiff + 1] == 'I') {
            little = true;
        } else if (f[tiff] == 'M' && f[tiff + 1] == 'M') {
            little = false;
        } else {
            return null;
        }
        if (u16(f, tiff + 2, little) != 42) {
            return null;
        }
        long ifd = u32(f, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return null;
        }
        int entries = tiff + (int) ifd + 2;
        int count = u16(f, entries - 2, little);
        if (entries + 12L * count > end) {
            return null;
        }
        Orientation found = null;
        for (int i = 0; i < count; i++) {
            int e = entries + 12 * i;
            int type = u16(f, e + 2, little);
            long values = u32(f, e + 4, little);
            if (type < 1 || type >= TYPE_SIZES.length) {
                return null;
            }
            // Every entry must be well-formed, not only the orientation: one whose data would lie
            // outside the segment is not the plain case (the reader parses the directory its own way).
            long bytes = values * TYPE_SIZES[type];
            if (bytes > 4 && u32(f, e + 8, little) + bytes > end - tiff) {
                return null;
            }
            if (u16(f, e, little) == ORIENTATION) {
                if (found != null || type != SHORT || values != 1) {
                    return null; // a second orientation entry, or one of another type or count
                }
                int value = u16(f, e + 8, little); // a SHORT sits at the start of the value field
                if (value < 1 || value > 8) {
                    return null;
                }
                found = Orientation.ofExif(value);
            }
        }
        if (found != null) {
            return found;
        }
        // No tag in the first IFD: upright only when no IFD follows (the reader also looks for the tag
        // in the linked ones, such as the thumbnail's).
        int next = entries + 12 * count;
        return next + 4 <= end && u32(f, next, little) == 0 ? Orientation.NORMAL : null;
    }

    /** Bytes per value of each TIFF field type, 1..13 (BYTE, ASCII, SHORT, LONG, RATIONAL, ..., IFD). */
    private static final int[] TYPE_SIZES = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};

    private static int u16(byte[] f, int at, boolean little) {
        int a = f[at] & 0xFF;
        int b = f[at + 1] & 0xFF;
        return little ? b << 8 | a : a << 8 | b;
    }

    private static long u32(byte[] f, int at, boolean little) {
        long hi = u16(f, little ? at + 2 : at, little);
        long lo = u16(f, little ? at : at + 2, little);
        return hi << 16 | lo;
    }
}
