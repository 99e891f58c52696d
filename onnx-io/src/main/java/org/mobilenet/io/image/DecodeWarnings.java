package org.mobilenet.io.image;

import java.util.Locale;

/**
 * Which decoder warnings mean that pixels are missing or wrong. ImageIO's readers report a truncated
 * JPEG or corrupt entropy-coded data as warnings (libjpeg's "Premature end of JPEG file", "Corrupt
 * JPEG data: premature end of data segment", TwelveMonkeys' "Truncated File - Missing EOI marker", the
 * GIF reader's "Out-of-sequence code!") and return an image whose missing part is filled in; those
 * make the file damaged. Other warnings are harmless for classification: metadata the reader ignores
 * (a bad ICC profile, an unreadable EXIF block, a bogus APPn segment), a CMYK JPEG without a profile,
 * and junk before the end marker ("extraneous bytes before marker 0xd9"); bytes after the end marker,
 * common in phone photos, are not even read.
 */
final class DecodeWarnings {
    private static final String[] DAMAGE = {"premature end", "truncated", "missing eoi", "out-of-sequence",
        "corrupt", "bad huffman", "must resync", "invalid code", "unexpected end"};

    /** Warnings about metadata: the pixels are not affected whatever the rest of the message says. */
    private static final String[] METADATA = {"icc", "profile", "exif", "bogus app", "thumbnail", "jfif", "jfxx",
        "xmp", "adobe"};

    private DecodeWarnings() {
    }

    /** Whether a reader's warning says the decoded pixels are incomplete or wrong. */
    static boolean isDamage(String warning) {
        if (warning == null) {
            return false;
        }
        String w = warning.toLowerCase(Locale.ROOT);
        if (w.contains("extraneous bytes before marker 0xd9")) {
            return false;
        }
        for (String m : METADATA) {
            if (w.contains(m)) {
                return false;
            }
        }
        for (String d : DAMAGE) {
            if (w.contains(d)) {
                return true;
            }
        }
        return false;
    }
}
