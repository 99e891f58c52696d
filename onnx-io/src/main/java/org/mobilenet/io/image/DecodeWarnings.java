package org.mobilenet.io.image;

import java.util.Locale;

/**
 * Which decoder warnings mean that pixels are missing or wrong. ImageIO's readers report a truncated
 * JPEG or corrupt entropy-coded data as warnings (libjpeg's "Premature end of JPEG file", "Corrupt
 * JPEG data: premature end of data segment", TwelveMonkeys' "Truncated File - Missing EOI marker", the
 * GIF reader's "Out-of-sequence code!") and return an image whose missing part is filled in; those
 * make the file damaged. Other warnings are harmless for classification: metadata the reader ignores
 * (a bad ICC profile, an unreadable EXIF block, a bogus APPn segment), a CMYK JPEG without a profile,
 * and junk libjpeg skipped to reach a marker outside the scan data ("extraneous bytes before marker
 * 0xd9", or 0xdb, 0xc4, 0xda...; before a restart marker it is damage); bytes after the end marker,
 * common in phone photos, are not even read.
 */
final class DecodeWarnings {
    private static final String[] DAMAGE = {"premature end", "truncated", "missing eoi", "out-of-sequence",
        "corrupt", "bad huffman", "must resync", "invalid code", "unexpected end"};

    /** Warnings about metadata: the pixels are not affected whatever the rest of the message says. */
    private static final String[] METADATA = {"icc", "profile", "exif", "bogus app", "thumbnail", "jfif", "jfxx",
        "xmp", "adobe"};

    /** libjpeg's "Corrupt JPEG data: N extraneous bytes before marker 0xNN" (lower case), the marker as group 1. */
    private static final java.util.regex.Pattern EXTRANEOUS =
            java.util.regex.Pattern.compile("extraneous bytes before marker 0x([0-9a-f]{2})");

    private DecodeWarnings() {
    }

    /** Whether a reader's warning says the decoded pixels are incomplete or wrong. */
    static boolean isDamage(String warning) {
        if (warning == null) {
            return false;
        }
        String w = warning.toLowerCase(Locale.ROOT);
        java.util.regex.Matcher junk = EXTRANEOUS.matcher(w);
        if (junk.find()) {
            // libjpeg skipped bytes to reach a marker: outside the entropy-coded data (before a table,
            // a frame or scan header, an APPn or the end) no pixel is lost, and djpeg decodes the file
            // whole; before a restart marker (0xd0-0xd7) scan data was skipped.
            int marker = Integer.parseInt(junk.group(1), 16);
            return marker >= 0xd0 && marker <= 0xd7;
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
