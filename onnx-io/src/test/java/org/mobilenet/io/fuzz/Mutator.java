package org.mobilenet.io.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded structure-blind mutations of a file's bytes, as a mutation fuzzer makes them: bit flips,
 * bytes and 32-bit words overwritten with interesting values, truncation, chunks duplicated or
 * deleted, and length fields inflated (little- and big-endian words, protobuf varints). Positions
 * fall in the file's first and last {@value #HOT} bytes half of the time, where the headers, tables
 * and offsets of the formats read here live, and anywhere otherwise.
 */
final class Mutator {
    /** Bytes at each end where mutations are concentrated. */
    static final int HOT = 4096;

    private static final int[] INTERESTING_BYTES = {0x00, 0xFF, 0x7F, 0x80, 0x01, 0x7E, 0x81};
    private static final int[] INTERESTING_INTS = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFF, 0x8000,
        0xFFFF, 0x10000, 0x7FFFFFF0, 1 << 30};

    /** The kinds of mutation, for statistics and messages. */
    enum Kind { BIT_FLIP, BYTE, INT32, TRUNCATE, DUPLICATE, DELETE, INFLATE_WORD, INFLATE_VARINT, RANDOM_RUN }

    private Mutator() {
    }

    /** One to four mutations of a copy of {@code base}; {@code base} is left as it was. */
    static byte[] mutate(byte[] base, SplittableRandom rnd) {
        byte[] b = base.clone();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n && b.length > 0; i++) {
            b = apply(Kind.values()[rnd.nextInt(Kind.values().length)], b, rnd);
        }
        return b;
    }

    static byte[] apply(Kind kind, byte[] b, SplittableRandom rnd) {
        int p = position(b.length, rnd);
        switch (kind) {
            case BIT_FLIP -> b[p] ^= (byte) (1 << rnd.nextInt(8));
            case BYTE -> b[p] = (byte) INTERESTING_BYTES[rnd.nextInt(INTERESTING_BYTES.length)];
            case INT32 -> putInt(b, p, INTERESTING_INTS[rnd.nextInt(INTERESTING_INTS.length)], rnd.nextBoolean());
            case TRUNCATE -> {
                return Arrays.copyOf(b, rnd.nextInt(4) == 0 ? rnd.nextInt(Math.min(b.length, 64)) : p);
            }
            case DUPLICATE -> {
                int len = 1 + rnd.nextInt(Math.min(b.length - p, 256));
                int at = position(b.length, rnd);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, p, out, at, len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            case DELETE -> {
                int len = 1 + rnd.nextInt(Math.min(b.length - p, 256));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, p);
                System.arraycopy(b, p + len, out, p, b.length - p - len);
                return out;
            }
            case INFLATE_WORD -> {
                boolean little = rnd.nextBoolean();
                int v = getInt(b, p, little);
                putInt(b, p, rnd.nextBoolean() ? v + (1 << (8 + rnd.nextInt(23))) : v << (1 + rnd.nextInt(8)), little);
            }
            case INFLATE_VARINT -> {
                // Turns the varint that ends at p (or the byte at p) into one several orders of magnitude larger.
                int extra = 1 + rnd.nextInt(4);
                byte[] out = new byte[b.length + extra];
                System.arraycopy(b, 0, out, 0, p);
                for (int i = 0; i < extra; i++) {
                    out[p + i] = (byte) (0x80 | rnd.nextInt(128));
                }
                System.arraycopy(b, p, out, p + extra, b.length - p);
                return out;
            }
            case RANDOM_RUN -> {
                int len = 1 + rnd.nextInt(Math.min(b.length - p, 32));
                for (int i = 0; i < len; i++) {
                    b[p + i] = (byte) rnd.nextInt(256);
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return b;
    }

    private static int position(int length, SplittableRandom rnd) {
        if (length <= 2 * HOT || rnd.nextBoolean()) {
            return rnd.nextInt(length);
        }
        return rnd.nextBoolean() ? rnd.nextInt(HOT) : length - 1 - rnd.nextInt(HOT);
    }

    private static int getInt(byte[] b, int p, boolean little) {
        int v = 0;
        for (int i = 0; i < 4 && p + i < b.length; i++) {
            int x = b[p + i] & 0xFF;
            v |= little ? x << (8 * i) : x << (8 * (3 - i));
        }
        return v;
    }

    private static void putInt(byte[] b, int p, int v, boolean little) {
        for (int i = 0; i < 4 && p + i < b.length; i++) {
            b[p + i] = (byte) (little ? v >>> (8 * i) : v >>> (8 * (3 - i)));
        }
    }
}
