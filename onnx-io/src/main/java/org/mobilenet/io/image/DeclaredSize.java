package org.mobilenet.io.image;

/**
 * The fewest bytes a file of a format needs to hold the image its header declares, for the formats
 * whose coding bounds how many pixels one byte can carry: a small file declaring a huge image (a
 * decompression bomb under the pixel limit) is then refused before its raster is allocated. The
 * bounds are generous, so that a real file, even one truncated to a small part of its size, passes;
 * formats without such a bound (WebP, TIFF, BMP, arithmetic-coded JPEG, whose codes can carry a
 * whole run of pixels in a fraction of a bit) get none here and rely on the pixel limit.
 */
final class DeclaredSize {
    private DeclaredSize() {
    }

    /** Deflate (PNG's compression) expands at most about 1032 times; taken as 1100. */
    static final long DEFLATE_RATIO = 1100;
    /** An LZW code (GIF) takes at least 3 bits (a 2-colour image) and stands for at most 4096 pixels. */
    static final long LZW_PIXELS_PER_BYTE = 4096 * 8 / 3 + 1;
    /**
     * A Huffman-coded JPEG spends at least one bit on every 8 x 8 block of every component (its DC
     * code), in a sequential scan or a progressive DC scan: 512 pixels a byte for one component.
     */
    static final long JPEG_PIXELS_PER_BYTE = 64 * 8;

    /**
     * The fewest bytes a {@code format} file ("png", "gif", "jpeg") needs for {@code w x h} pixels, or 0
     * when its coding sets no bound; {@code bytes} are the file's (a JPEG's frame header says how it is
     * coded; null: unknown, no bound).
     */
    static long fewestBytes(String format, int w, int h, byte[] bytes) {
        long pixels = (long) w * h;
        return switch (format) {
            // A row is one filter byte and at least one bit a pixel.
            case "png" -> (long) h * (1 + ((long) w + 7) / 8) / DEFLATE_RATIO;
            case "gif" -> pixels / LZW_PIXELS_PER_BYTE;
            case "jpeg" -> bytes != null && huffmanCoded(bytes) ? pixels / JPEG_PIXELS_PER_BYTE : 0;
            default -> 0;
        };
    }

    /**
     * Whether a JPEG's first frame header (SOF) says Huffman coding (SOF0-3, SOF5-7); false for
     * arithmetic coding (SOF9-11, SOF13-15) or when no frame header is found.
     */
    static boolean huffmanCoded(byte[] jpeg) {
        int sof = frameMarker(jpeg);
        return sof >= 0xC0 && sof <= 0xC7 && sof != 0xC4;
    }

    /**
     * The sample precision in bits of a JPEG's first frame header, or -1 when none is found (a JPEG the
     * decoder refuses may be well-formed but of a precision it does not support).
     */
    static int precision(byte[] jpeg) {
        int at = frameHeader(jpeg);
        return at < 0 || at + 4 >= jpeg.length ? -1 : jpeg[at + 4] & 0xFF;
    }

    /** The marker (0xC0-0xCF) of the first frame header, or -1. */
    static int frameMarker(byte[] jpeg) {
        int at = frameHeader(jpeg);
        return at < 0 ? -1 : jpeg[at + 1] & 0xFF;
    }

    /** The offset of the first frame header's marker (0xFF, SOFn) among the markers before the image data, or -1. */
    private static int frameHeader(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return -1;
        }
        int i = 2;
        while (i + 3 < jpeg.length) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                return -1;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return i;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return -1; // image data or the end before any frame header
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                i += 2; // markers without a length
                continue;
            }
            int length = (jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF;
            if (length < 2) {
                return -1;
            }
            i += 2 + length;
        }
        return -1;
    }
}
