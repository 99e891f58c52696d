package org.mobilenet.io;

/** Conversions from the 16-bit float formats found in model files to float. */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** IEEE 754 binary16 bits (in the low 16 bits) to float, exactly. */
    public static float fromHalf(int bits) {
        int sign = (bits >>> 15) & 1;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        }
        return sign == 0 ? v : -v;
    }

    /** bfloat16 bits (in the low 16 bits) to float, exactly. */
    public static float fromBfloat16(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /**
     * Weights as little-endian IEEE binary16 (a file's float16 constants), each rounded to nearest even.
     *
     * @throws org.mobilenet.engine.model.UnsupportedModelException for a value beyond float16's range,
     *         naming {@code what}
     */
    public static byte[] toHalfBytes(float[] v, String what) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            if (!(Math.abs(x) <= 65504f)) {
                throw new org.mobilenet.engine.model.UnsupportedModelException(what + " holds " + x
                        + ", beyond float16's range (65504): write it as float32");
            }
            b.putShort(toHalf(x));
        }
        return b.array();
    }

    /** float to IEEE 754 binary16 bits, rounding to nearest even (for tests and fixtures). */
    public static short toHalf(float f) {
        int x = Float.floatToIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = ((x >>> 23) & 0xff) - 127 + 15;
        int mant = x & 0x7fffff;
        if (((x >>> 23) & 0xff) == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        if (exp >= 31) {
            return (short) (sign | 0x7c00);
        }
        if (exp <= 0) {
            if (exp < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - exp;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (exp << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }
}
