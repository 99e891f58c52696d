package org.mobilenet.io.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A C-order array of one of the {@link NpyDtype}s, as a .npy file holds it: its dtype, shape and
 * little-endian element bytes.
 */
public record NpyArray(NpyDtype dtype, int[] shape, byte[] data) {
    public NpyArray {
        Objects.requireNonNull(dtype, "dtype");
        shape = Objects.requireNonNull(shape, "shape").clone();
        Objects.requireNonNull(data, "data");
        long n = count(shape);
        if (n < 0 || n * dtype.bytes() != data.length) {
            throw new IllegalArgumentException("an array of shape " + Arrays.toString(shape) + " of " + dtype.numpyName()
                    + " needs " + n * dtype.bytes() + " bytes, got " + data.length);
        }
    }

    /** An integer array ({@link NpyDtype#UINT8}, {@link NpyDtype#INT8} or {@link NpyDtype#INT32}). */
    public static NpyArray ofInts(NpyDtype dtype, int[] shape, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            switch (dtype) {
                case UINT8 -> put8(b, v, 0, 255);
                case INT8 -> put8(b, v, -128, 127);
                case INT32 -> b.putInt(v);
                default -> throw new IllegalArgumentException(dtype.numpyName() + " is not an integer type");
            }
        }
        return new NpyArray(dtype, shape, b.array());
    }

    private static void put8(ByteBuffer b, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("value " + v + " is outside [" + min + ", " + max + "]");
        }
        b.put((byte) v);
    }

    /** A float32 array. */
    public static NpyArray ofFloats(int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new NpyArray(NpyDtype.FLOAT32, shape, b.array());
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The element count. */
    public int size() {
        return data.length / dtype.bytes();
    }

    /** The values of an integer array. @throws IllegalStateException for a float array */
    public int[] ints() {
        if (dtype.isFloat()) {
            throw new IllegalStateException("a " + dtype.numpyName() + " array has no integer values");
        }
        int[] out = new int[size()];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case UINT8 -> data[i] & 0xFF;
                case INT8 -> data[i];
                default -> b.getInt(i * 4);
            };
        }
        return out;
    }

    /** The values as float32 (exact for every type but large int32 and float64 values). */
    public float[] floats() {
        float[] out = new float[size()];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case UINT8 -> data[i] & 0xFF;
                case INT8 -> data[i];
                case INT32 -> b.getInt(i * 4);
                case FLOAT32 -> b.getFloat(i * 4);
                case FLOAT64 -> (float) b.getDouble(i * 8);
            };
        }
        return out;
    }

    /** The element count of a shape, or -1 when a dimension is negative or it exceeds an int. */
    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return -1;
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && dtype == a.dtype && Arrays.equals(shape, a.shape)
                && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return dtype.numpyName() + Arrays.toString(shape);
    }
}
