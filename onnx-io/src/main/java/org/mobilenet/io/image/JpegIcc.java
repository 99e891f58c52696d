package org.mobilenet.io.image;

import java.awt.color.CMMException;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded ICC profile of a colour JPEG, taken out of the file so that it is converted with a
 * cached colour transform instead of new ones per file.
 *
 * <p>ImageIO's JPEG reader, given a JPEG with an ICC profile (APP2 "ICC_PROFILE" markers), builds a
 * new {@code ICC_ColorSpace} from it, checks it with a conversion (a new native colour transform),
 * makes a {@code ColorConvertOp} from it to sRGB (another new transform), and converts every decoded
 * scanline, a one-row RGB raster, with that op before storing it. Making the two transforms is most
 * of the cost of a photo's decoding. Here the same happens with the transforms made once per profile
 * and thread: the file is decoded without its ICC markers (libjpeg's output does not depend on them),
 * and the decoded pixels go through an op made the same way ({@code new ColorConvertOp(profile
 * space, sRGB, null)}), so they are the same (all rows in one call, on the decoded image's own
 * buffer or on the copy of the pixels a resize reads, {@code ImageLoader.gather}: the native transform
 * is applied pixel by pixel and reads each band by its offset).
 *
 * <p>Only the plain case takes this path: markers before the first scan, numbered 1..N exactly once
 * with the same count, none empty; a 3-component frame. Anything else (and a profile the reader would
 * reject or ignore) is left to ImageIO with the file unchanged.
 */
final class JpegIcc {
    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
    /** Profiles remembered per thread. */
    private static final int CACHED = 8;
    private static final ThreadLocal<Map<Key, Transform>> TRANSFORMS = ThreadLocal.withInitial(
            () -> new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, Transform> e) {
                    return size() > CACHED;
                }
            });

    /** A JPEG split into its assembled ICC profile and the file without the profile's markers. */
    record Split(byte[] profile, byte[] jpeg) {
    }

    private JpegIcc() {
    }

    /**
     * The profile and the file without it, or null when the file has no ICC markers or is anything
     * but the plain case (see the class comment).
     */
    static Split split(byte[] f) {
        if (f.length < 4 || (f[0] & 0xFF) != 0xFF || (f[1] & 0xFF) != 0xD8) {
            return null;
        }
        byte[][] chunks = null;
        int count = 0;
        int found = 0;
        int components = 0;
        boolean[] strip = null;
        int[] starts = new int[16];
        int[] ends = new int[16];
        int segments = 0;
        int pos = 2;
        while (true) {
            if (pos + 4 > f.length || (f[pos] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = f[pos + 1] & 0xFF;
            if (marker == 0xDA) {
                break; // start of scan: the header is over
            }
            if (marker == 0xFF || marker == 0x01 || marker == 0xD8 || marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7)) {
                return null; // fill bytes or a marker without length here: not the plain case
            }
            int length = ((f[pos + 2] & 0xFF) << 8) | (f[pos + 3] & 0xFF);
            if (length < 2 || pos + 2 + length > f.length) {
                return null;
            }
            int data = pos + 4;
            int dataLength = length - 2;
            if ((marker == 0xC0 || marker == 0xC1 || marker == 0xC2) && dataLength >= 6) {
                components = f[data + 5] & 0xFF;
            } else if (marker >= 0xC3 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return null; // lossless, hierarchical or arithmetic frames: leave them to ImageIO
            }
            if (marker == 0xE2 && dataLength >= ICC_ID.length + 2
                    && Arrays.equals(f, data, data + ICC_ID.length, ICC_ID, 0, ICC_ID.length)) {
                int seq = f[data + ICC_ID.length] & 0xFF;
                int n = f[data + ICC_ID.length + 1] & 0xFF;
                if (chunks == null) {
                    if (n < 1) {
                        return null;
                    }
                    chunks = new byte[n + 1][];
                    count = n;
                }
                int payload = dataLength - ICC_ID.length - 2;
                if (n != count || seq < 1 || seq > count || chunks[seq] != null || payload == 0) {
                    return null;
                }
                chunks[seq] = Arrays.copyOfRange(f, data + ICC_ID.length + 2, data + dataLength);
                found++;
                if (segments == starts.length) {
                    starts = Arrays.copyOf(starts, 2 * segments);
                    ends = Arrays.copyOf(ends, 2 * segments);
                }
                starts[segments] = pos;
                ends[segments++] = pos + 2 + length;
            }
            pos += 2 + length;
        }
        if (chunks == null || found != count || components != 3) {
            return null;
        }
        ByteArrayOutputStream profile = new ByteArrayOutputStream();
        for (int s = 1; s <= count; s++) {
            profile.writeBytes(chunks[s]);
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream(f.length);
        int from = 0;
        for (int s = 0; s < segments; s++) {
            rest.write(f, from, starts[s] - from);
            from = ends[s];
        }
        rest.write(f, from, f.length - from);
        return new Split(profile.toByteArray(), rest.toByteArray());
    }

    /**
     * The conversion the reader would apply for {@code profile}: null when it would apply none (a
     * profile it cannot parse or whose check fails: it ignores those); {@link Transform#UNUSABLE}
     * when the reader would do something else than a plain 3-channel conversion.
     */
    static Transform transform(byte[] profile) {
        Key key = new Key(profile);
        Map<Key, Transform> cache = TRANSFORMS.get();
        Transform t = cache.get(key);
        if (t == null) {
            t = make(profile);
            cache.put(key, t);
        }
        return t == Transform.NONE ? null : t;
    }

    private static Transform make(byte[] profile) {
        ICC_ColorSpace cs;
        try {
            cs = new ICC_ColorSpace(ICC_Profile.getInstance(profile));
        } catch (IllegalArgumentException e) {
            return Transform.NONE; // the reader ignores a profile it cannot read
        }
        try {
            cs.fromRGB(new float[] {1f, 0f, 0f});
        } catch (CMMException e) {
            return Transform.NONE; // nor one that fails this check (the reader's own)
        }
        if (cs.getNumComponents() != 3) {
            return Transform.UNUSABLE;
        }
        return new Transform(new ColorConvertOp(cs, ColorSpace.getInstance(ColorSpace.CS_sRGB), null));
    }

    /** A profile's conversion to sRGB, for one thread. */
    static final class Transform {
        static final Transform NONE = new Transform(null);
        static final Transform UNUSABLE = new Transform(null);

        private final ColorConvertOp op;

        private Transform(ColorConvertOp op) {
            this.op = op;
        }

        /**
         * Converts {@code h} rows of {@code w} pixels in place, in one call on an interleaved raster
         * over {@code data} with the given strides and the offsets of R, G and B in a pixel (the
         * decoded image's own buffer, or a copy of some of its pixels: the JPEG reader converts a
         * one-row RGB raster per scanline instead; the colour transform works pixel by pixel and reads
         * each band by its offset, so the result is the same, with fewer calls and no copy).
         */
        void convert(byte[] data, int w, int h, int scanlineStride, int pixelStride, int[] bandOffsets) {
            WritableRaster r = Raster.createInterleavedRaster(new DataBufferByte(data, data.length), w, h, scanlineStride,
                    pixelStride, bandOffsets, null);
            op.filter(r, r);
        }
    }

    private record Key(byte[] bytes, int hash) {
        Key(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
