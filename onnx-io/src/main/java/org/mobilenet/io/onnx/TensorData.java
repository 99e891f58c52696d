package org.mobilenet.io.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.HalfFloats;
import org.mobilenet.io.onnx.proto.Onnx.StringStringEntryProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto.DataType;

/**
 * Decodes ONNX {@link TensorProto}s: float, float16, bfloat16 and double as floats; int64 and int32 as
 * longs. Data may be in {@code raw_data}, in the typed fields, or in an external file next to the
 * model. Every size is checked against what is really there before anything is allocated.
 */
final class TensorData {
    /** The largest tensor accepted (elements); far above any MobileNet layer. */
    static final long MAX_ELEMENTS = 1L << 28;

    private final Path modelFile;

    TensorData(Path modelFile) {
        this.modelFile = modelFile;
    }

    /** The tensor's dims; refuses negative dims and absurd element counts. */
    int[] dims(TensorProto t) throws BadInputException {
        int[] d = new int[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < d.length; i++) {
            long v = t.getDims(i);
            if (v < 0 || v > MAX_ELEMENTS) {
                throw bad(t, "has dimension " + v + " in " + t.getDimsList());
            }
            d[i] = (int) v;
            n *= Math.max(v, 1);
            if (n > MAX_ELEMENTS) {
                throw bad(t, "claims " + t.getDimsList() + " elements, more than " + MAX_ELEMENTS);
            }
        }
        return d;
    }

    static long count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** True when most float initializers are float16: a graph converted to half precision computes in it. */
    static boolean halfPrecision(java.util.List<TensorProto> initializers) {
        long half = initializers.stream().filter(t -> t.getDataType() == DataType.FLOAT16_VALUE).count();
        long single = initializers.stream().filter(t -> t.getDataType() == DataType.FLOAT_VALUE).count();
        return half > single;
    }

    /** The values of a float-typed tensor (FLOAT, FLOAT16, BFLOAT16 or DOUBLE) as floats. */
    float[] floats(TensorProto t) throws IOException {
        int n = (int) count(dims(t));
        int type = t.getDataType();
        if (type == DataType.FLOAT_VALUE) {
            if (!isRawOrExternal(t)) {
                requireCount(t, t.getFloatDataCount(), n, "float_data");
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getFloatData(i);
                }
                return v;
            }
            ByteBuffer b = bytes(t, n, 4);
            float[] v = new float[n];
            b.asFloatBuffer().get(v);
            return v;
        }
        if (type == DataType.FLOAT16_VALUE || type == DataType.BFLOAT16_VALUE) {
            boolean half = type == DataType.FLOAT16_VALUE;
            if (!isRawOrExternal(t)) {
                requireCount(t, t.getInt32DataCount(), n, "int32_data");
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    int bits = t.getInt32Data(i) & 0xffff;
                    v[i] = half ? HalfFloats.fromHalf(bits) : HalfFloats.fromBfloat16(bits);
                }
                return v;
            }
            ByteBuffer b = bytes(t, n, 2);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                int bits = b.getShort(2 * i) & 0xffff;
                v[i] = half ? HalfFloats.fromHalf(bits) : HalfFloats.fromBfloat16(bits);
            }
            return v;
        }
        if (type == DataType.DOUBLE_VALUE) {
            if (!isRawOrExternal(t)) {
                requireCount(t, t.getDoubleDataCount(), n, "double_data");
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) t.getDoubleData(i);
                }
                return v;
            }
            ByteBuffer b = bytes(t, n, 8);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) b.getDouble(8 * i);
            }
            return v;
        }
        throw bad(t, "expected float, float16, bfloat16 or double data, found " + typeName(type));
    }

    /** The values of an integer tensor (INT64 or INT32) as longs. */
    long[] longs(TensorProto t) throws IOException {
        int n = (int) count(dims(t));
        int type = t.getDataType();
        if (type == DataType.INT64_VALUE) {
            if (!isRawOrExternal(t)) {
                requireCount(t, t.getInt64DataCount(), n, "int64_data");
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getInt64Data(i);
                }
                return v;
            }
            ByteBuffer b = bytes(t, n, 8);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = b.getLong(8 * i);
            }
            return v;
        }
        if (type == DataType.INT32_VALUE) {
            if (!isRawOrExternal(t)) {
                requireCount(t, t.getInt32DataCount(), n, "int32_data");
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getInt32Data(i);
                }
                return v;
            }
            ByteBuffer b = bytes(t, n, 4);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = b.getInt(4 * i);
            }
            return v;
        }
        throw bad(t, "expected int64 or int32 data, found " + typeName(type));
    }

    /** The values of a UINT8, INT8 or INT32 tensor (quantized weights, zero points, int32 biases). */
    int[] integers(TensorProto t) throws IOException {
        int n = (int) count(dims(t));
        int type = t.getDataType();
        boolean u8 = type == DataType.UINT8_VALUE;
        if (!u8 && type != DataType.INT8_VALUE && type != DataType.INT32_VALUE) {
            throw bad(t, "expected uint8, int8 or int32 data, found " + typeName(type));
        }
        if (!isRawOrExternal(t)) {
            // The typed field of all three is int32_data, one value per element.
            requireCount(t, t.getInt32DataCount(), n, "int32_data");
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = t.getInt32Data(i);
            }
            return v;
        }
        // The data is checked to hold n values before n are allocated.
        ByteBuffer b = bytes(t, n, type == DataType.INT32_VALUE ? 4 : 1);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = type == DataType.INT32_VALUE ? b.getInt(4 * i) : u8 ? b.get(i) & 0xff : b.get(i);
        }
        return v;
    }

    /** The raw little-endian bytes of an externally stored tensor of {@code elementSize}-byte elements. */
    byte[] externalBytes(TensorProto t, int elementSize) throws IOException {
        ByteBuffer b = external(t, count(dims(t)) * elementSize);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    static String typeName(int type) {
        DataType dt = DataType.forNumber(type);
        return dt == null ? "data type " + type : dt.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isRawOrExternal(TensorProto t) {
        return t.hasRawData() || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    private void requireCount(TensorProto t, int have, int want, String field) throws BadInputException {
        if (have != want) {
            throw bad(t, "has dims " + t.getDimsList() + " (" + want + " values) but " + have + " values in " + field);
        }
    }

    /** n elements of the given width from raw_data or external data, as a little-endian buffer. */
    private ByteBuffer bytes(TensorProto t, int n, int width) throws IOException {
        long want = (long) n * width;
        if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
            if (t.getRawData().size() != want) {
                throw bad(t, "has dims " + t.getDimsList() + " (" + want + " bytes) but " + t.getRawData().size()
                        + " bytes of raw_data");
            }
            return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return external(t, want);
    }

    private ByteBuffer external(TensorProto t, long want) throws IOException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseSize(t, "offset", e.getValue());
                case "length" -> length = parseSize(t, "length", e.getValue());
                default -> {
                    // checksum and others are optional and not needed to read the data
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw bad(t, "stores its data externally but names no location");
        }
        Path file = resolveInside(t, location);
        if (length >= 0 && length != want) {
            throw bad(t, "has dims " + t.getDimsList() + " (" + want + " bytes) but external length " + length);
        }
        long size = Files.size(file);
        if (want > Integer.MAX_VALUE - 8) {
            throw bad(t, "has dims " + t.getDimsList() + " (" + want + " bytes), more than one array can hold");
        }
        if (offset > size || want > size - offset) {
            throw bad(t, "needs bytes " + offset + ".." + (offset + want) + " of external file '" + location
                    + "', which has only " + size + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) want).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long p = offset;
            while (b.hasRemaining()) {
                int r = ch.read(b, p);
                if (r < 0) {
                    throw bad(t, "external file '" + location + "' ended early");
                }
                p += r;
            }
        }
        b.flip();
        return b;
    }

    /** Resolves an external data location, refusing anything outside the model's folder. */
    private Path resolveInside(TensorProto t, String location) throws IOException {
        Path folder = modelFile.toAbsolutePath().getParent();
        Path p;
        try {
            p = folder.resolve(location).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(t, "has an external data location that is not a valid path: '" + location + "'");
        }
        if (!p.startsWith(folder) || p.equals(folder)) {
            throw bad(t, "has external data location '" + location + "' outside the model's folder");
        }
        if (!Files.isRegularFile(p)) {
            throw bad(t, "has external data location '" + location + "', which is not a file next to the model");
        }
        Path real = p.toRealPath();
        if (!real.startsWith(folder.toRealPath(LinkOption.NOFOLLOW_LINKS).toRealPath())) {
            throw bad(t, "has external data location '" + location + "' that links outside the model's folder");
        }
        return real;
    }

    private long parseSize(TensorProto t, String key, String value) throws BadInputException {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(t, "has external data " + key + " '" + value + "', expected a non-negative integer");
        }
    }

    BadInputException bad(TensorProto t, String problem) {
        return new BadInputException(modelFile, "tensor '" + t.getName() + "' " + problem);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.asList(modelFile);
    }
}
