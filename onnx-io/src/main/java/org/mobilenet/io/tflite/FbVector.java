package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;

/**
 * A FlatBuffers vector whose length has already been checked against the buffer: elements of a
 * fixed size starting at {@link #start()}.
 */
final class FbVector {
    private final FlatBuffer fb;
    private final long start;
    private final int length;
    private final int elemBytes;

    FbVector(FlatBuffer fb, long start, int length, int elemBytes) {
        this.fb = fb;
        this.start = start;
        this.length = length;
        this.elemBytes = elemBytes;
    }

    long start() {
        return start;
    }

    int length() {
        return length;
    }

    private long at(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index " + i + " of a vector of " + length);
        }
        return start + (long) i * elemBytes;
    }

    int i32(int i) {
        return fb.i32(at(i));
    }

    long i64(int i) {
        return fb.i64(at(i));
    }

    float f32(int i) {
        return fb.f32(at(i));
    }

    FbTable table(int i) {
        return fb.table(fb.deref(at(i)));
    }

    String string(int i) {
        return fb.string(fb.deref(at(i)));
    }

    int[] ints() {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = i32(i);
        }
        return out;
    }

    float[] floats() {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = f32(i);
        }
        return out;
    }

    long[] longs() {
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            out[i] = i64(i);
        }
        return out;
    }

    /** The raw bytes of the vector. */
    ByteBuffer bytes() {
        return fb.slice(start, (long) length * elemBytes);
    }
}
