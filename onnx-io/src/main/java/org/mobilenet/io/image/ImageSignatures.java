package org.mobilenet.io.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Names the image formats no installed reader takes, by their signatures, so that such a file is
 * called what it is ("a HEIC image") rather than an unrecognised one: camera and phone formats (HEIC,
 * AVIF), and others people have (JPEG 2000, JPEG XL, PSD, ICO, PNM, QOI, SVG, OpenEXR, PDF).
 */
final class ImageSignatures {
    private ImageSignatures() {
    }

    /** The format the first bytes of a file announce, e.g. "HEIC", or null when none is known. */
    static String name(byte[] head, int n) {
        if (n >= 12 && ascii(head, 4, 4).equals("ftyp")) {
            String brand = ascii(head, 8, 4).toLowerCase(Locale.ROOT);
            return switch (brand) {
                case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1" -> "HEIC/HEIF";
                case "avif", "avis" -> "AVIF";
                case "jxl " -> "JPEG XL";
                case "jp2 ", "jpx " -> "JPEG 2000";
                case "crx " -> "Canon CR3 raw";
                default -> null;
            };
        }
        if (n >= 12 && (head[0] & 0xFF) == 0 && (head[1] & 0xFF) == 0 && (head[2] & 0xFF) == 0
                && (head[3] & 0xFF) == 0x0C) {
            String box = ascii(head, 4, 4);
            return box.equals("jP  ") ? "JPEG 2000" : box.equals("JXL ") ? "JPEG XL" : null;
        }
        if (n >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0x0A) {
            return "JPEG XL";
        }
        if (n >= 4 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0x4F && (head[2] & 0xFF) == 0xFF
                && (head[3] & 0xFF) == 0x51) {
            return "JPEG 2000";
        }
        if (n >= 4 && ascii(head, 0, 4).equals("8BPS")) {
            return "PSD";
        }
        if (n >= 4 && ascii(head, 0, 4).equals("qoif")) {
            return "QOI";
        }
        if (n >= 4 && (head[0] & 0xFF) == 0x76 && (head[1] & 0xFF) == 0x2F && (head[2] & 0xFF) == 0x31
                && (head[3] & 0xFF) == 0x01) {
            return "OpenEXR";
        }
        if (n >= 4 && ascii(head, 0, 4).equals("%PDF")) {
            return "PDF";
        }
        // ICO/CUR: reserved 0, type 1 or 2, a nonzero image count, and the first entry's reserved byte 0
        // (a truecolor TGA starts 00 00 02 00 too, then its colour map fields, zero).
        if (n >= 10 && head[0] == 0 && head[1] == 0 && (head[2] == 1 || head[2] == 2) && head[3] == 0
                && (head[4] != 0 || head[5] != 0) && head[9] == 0) {
            return head[2] == 1 ? "ICO" : "CUR";
        }
        if (n >= 3 && head[0] == 'P' && head[1] >= '1' && head[1] <= '7'
                && (head[2] == '\n' || head[2] == '\r' || head[2] == ' ' || head[2] == '\t')) {
            return "PNM (PBM/PGM/PPM/PAM)";
        }
        String text = ascii(head, 0, n).stripLeading().toLowerCase(Locale.ROOT);
        if (text.startsWith("<svg") || text.startsWith("<?xml") && text.contains("<svg")) {
            return "SVG";
        }
        return null;
    }

    private static String ascii(byte[] b, int from, int len) {
        return new String(b, from, Math.max(0, Math.min(len, b.length - from)), StandardCharsets.ISO_8859_1);
    }
}
