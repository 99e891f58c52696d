package org.mobilenet.io.tflite;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns a constant TFLite tensor into float values in its own (TFLite) layout. Float32 is copied;
 * uint8 and int8 are dequantized, {@code w = scale[c] * (q - zeroPoint[c])} per tensor or per channel
 * along the quantized dimension; int32 biases use their own scale when the file gives one and
 * otherwise {@code inputScale * weightScale[c]} (TFLite's bias convention, zero point 0).
 *
 * <p>The bytes decoded add up to at most the file's size: a real model stores each constant once,
 * while a hostile file whose many operators share one large tensor would otherwise have it decoded
 * over and over (the operator count only bounds the operators, not what each one refers to).
 */
final class TensorDecoder {
    private final TfliteFile file;
    /** Bytes of constant data decoded so far. */
    private long decoded;
    /**
     * The stored integers of the quantized tensors decoded by {@link #weights} or {@link #bias}, until
     * {@link #quantizedValues} takes them (an importer that decodes one asks for its integers too).
     */
    private final java.util.Map<TfliteTensor, int[]> kept = new java.util.IdentityHashMap<>();

    TensorDecoder(TfliteFile file) {
        this.file = file;
    }

    /** Float values of a weight tensor (float32, float16, uint8 or int8). Shape line: same as the tensor. */
    float[] weights(TfliteTensor t) {
        ByteBuffer b = data(t);
        return switch (typeOf(t)) {
            case FLOAT32 -> floats(b, t);
            case FLOAT16 -> halves(b, t);
            case UINT8, INT8 -> keep(t, b, t.quantization());
            default -> throw new FlatBufferException(t.describe() + " has type " + t.type()
                    + ", expected FLOAT32, FLOAT16, UINT8 or INT8 weights");
        };
    }

    /**
     * Dequantizes {@code t} and keeps its stored integers for {@link #quantizedValues}, read in the
     * same pass: an import walks every weight of the model while nothing is compiled yet.
     */
    private float[] keep(TfliteTensor t, ByteBuffer b, Quantization q) {
        Decoded d = decode(b, t, q);
        kept.put(t, d.values());
        return d.floats();
    }

    /**
     * Float values of a bias tensor {@code [C]}: float32, or int32 with its own scale, or int32 with
     * the scale {@code inputScale * weightScale[c]} from the conv's input and weight tensors.
     */
    float[] bias(TfliteTensor t, TfliteTensor input, TfliteTensor weight, int channels) {
        if (t.shape().length != 1 || t.shape()[0] != channels) {
            throw new FlatBufferException(t.describe() + ": expected a bias of shape [" + channels + "]");
        }
        ByteBuffer b = data(t);
        TensorType type = typeOf(t);
        if (type == TensorType.FLOAT32) {
            return floats(b, t);
        }
        if (type == TensorType.FLOAT16) {
            return halves(b, t);
        }
        if (type != TensorType.INT32) {
            throw new FlatBufferException(t.describe() + " has type " + type
                    + ", expected a FLOAT32, FLOAT16 or INT32 bias");
        }
        return keep(t, b, biasQuantization(t, input, weight, channels));
    }

    /**
     * The stored integers of a quantized constant (uint8, int8 or int32), in its own layout. Only for
     * a tensor decoded by {@link #weights} or {@link #bias}, whose bytes were counted there: the
     * integers read then, on the first call for it; read again after that.
     */
    int[] quantizedValues(TfliteTensor t) {
        int[] v = kept.remove(t);
        if (v != null) {
            return v;
        }
        TensorType type = typeOf(t);
        ByteBuffer b = file.tensorBytes(t);
        if (b == null) {
            throw new FlatBufferException(t.describe() + " should be a constant but has no data");
        }
        long n = t.elementCount();
        int width = switch (type) {
            case UINT8, INT8 -> 1;
            case INT32 -> 4;
            default -> throw new FlatBufferException(t.describe() + " has type " + type + ", expected UINT8, INT8 or INT32");
        };
        if (n < 0 || n * width > b.capacity()) {
            throw new FlatBufferException(t.describe() + " needs " + n * width + " bytes of data, has " + b.capacity());
        }
        int[] out = new int[(int) n];
        integers(b, type, out);
        return out;
    }

    /**
     * The stored integers of uint8, int8 or int32 data, as many as {@code out} holds (the caller has
     * checked them against the data's size); one plain loop per type, not a switch per element.
     */
    private static void integers(ByteBuffer b, TensorType type, int[] out) {
        if (type == TensorType.INT32) {
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getInt(i * 4);
            }
            return;
        }
        byte[] bytes = new byte[out.length];
        b.get(0, bytes);
        if (type == TensorType.UINT8) {
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes[i] & 0xFF;
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes[i];
            }
        }
    }

    /**
     * The quantization of an int32 bias: its own when the file gives one, else TFLite's convention
     * {@code inputScale * weightScale[c]} (zero point 0).
     */
    Quantization biasQuantization(TfliteTensor t, TfliteTensor input, TfliteTensor weight, int channels) {
        Quantization q = t.quantization();
        if (q.present()) {
            return q;
        }
        Quantization in = input.quantization();
        Quantization w = weight.quantization();
        if (!in.present() || !in.perTensor() || !w.present()) {
            throw new FlatBufferException(t.describe() + " is an INT32 bias without a scale, and its input or"
                    + " weights are not quantized to give one");
        }
        return conventionalBias(input, weight, channels);
    }

    /** TFLite's bias quantization: scale {@code inputScale * weightScale[c]}, zero point 0. */
    Quantization conventionalBias(TfliteTensor input, TfliteTensor weight, int channels) {
        Quantization in = input.quantization();
        Quantization w = weight.quantization();
        if (!in.present() || !in.perTensor() || !w.present()) {
            throw new FlatBufferException(weight.describe() + ": quantized weights need a quantized input "
                    + input.describe() + " with one scale");
        }
        checkLength(w, channels, weight);
        float[] s = new float[w.perTensor() ? 1 : channels];
        for (int c = 0; c < s.length; c++) {
            s[c] = in.scale()[0] * w.scaleAt(c);
        }
        return new Quantization(s, new long[0], 0);
    }

    /** The int32 values of a small constant tensor (e.g. MEAN axes, RESHAPE shape). */
    int[] ints(TfliteTensor t) {
        if (typeOf(t) != TensorType.INT32) {
            throw new FlatBufferException(t.describe() + " has type " + t.type() + ", expected INT32");
        }
        ByteBuffer b = data(t);
        int[] out = new int[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(i * 4);
        }
        return out;
    }

    boolean isConstant(TfliteTensor t) {
        return file.tensorBytes(t) != null;
    }

    private ByteBuffer data(TfliteTensor t) {
        ByteBuffer b = file.tensorBytes(t);
        if (b == null) {
            throw new FlatBufferException(t.describe() + " should be a constant but has no data");
        }
        decoded += b.remaining();
        if (decoded > file.size()) {
            throw new FlatBufferException("the operators' constant tensors add up to more than the file's " + file.size()
                    + " bytes at " + t.describe() + ": constants shared between operators are not supported");
        }
        return b;
    }

    private static TensorType typeOf(TfliteTensor t) {
        if (t.type() == null) {
            throw new FlatBufferException(t.describe() + " has unknown type code " + t.typeCode());
        }
        return t.type();
    }

    /** IEEE binary16 values (a float16-quantized file's weights), exactly as floats. */
    private static float[] halves(ByteBuffer b, TfliteTensor t) {
        float[] out = new float[b.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = org.mobilenet.io.HalfFloats.fromHalf(b.getShort(i * 2) & 0xffff);
            if (!Float.isFinite(out[i])) {
                throw new FlatBufferException(t.describe() + " holds a non-finite value at element " + i);
            }
        }
        return out;
    }

    private static float[] floats(ByteBuffer b, TfliteTensor t) {
        float[] out = new float[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat(i * 4);
            if (!Float.isFinite(out[i])) {
                throw new FlatBufferException(t.describe() + " holds a non-finite value at element " + i);
            }
        }
        return out;
    }

    /** Dequantizes uint8, int8 or int32 data of {@code t} with {@code q}. Shape line: same as the tensor. */
    static float[] dequantize(ByteBuffer b, TfliteTensor t, Quantization q) {
        return decode(b, t, q).floats();
    }

    /** A quantized tensor's stored integers and their real values, in its own layout. */
    record Decoded(int[] values, float[] floats) {
    }

    /** The stored integers and the dequantized values of uint8, int8 or int32 data of {@code t} with {@code q}. */
    static Decoded decode(ByteBuffer b, TfliteTensor t, Quantization q) {
        if (!q.present()) {
            throw new FlatBufferException(t.describe() + " is " + t.type() + " but has no quantization scale");
        }
        int[] shape = t.shape();
        int n = (int) t.elementCount();
        int channels = 1;
        int inner = n;
        if (!q.perTensor()) {
            int dim = q.dimension();
            if (shape.length == 1 && q.scale().length == shape[0]) {
                // A rank-1 tensor (a bias) has one axis, whatever dimension the file names: TFLite Micro's
                // person detection gives its biases their convolution's (3), and TFLite Micro runs it.
                dim = 0;
            }
            if (dim < 0 || dim >= shape.length) {
                throw new FlatBufferException(t.describe() + " has quantized dimension " + dim + " outside its rank");
            }
            channels = shape[dim];
            inner = 1;
            for (int i = dim + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
        }
        checkLength(q, channels, t);
        for (float s : q.scale()) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new FlatBufferException(t.describe() + " has an invalid quantization scale " + s
                        + " (expected finite and > 0)");
            }
        }
        TensorType type = t.type();
        int width = switch (type) {
            case UINT8, INT8 -> 1;
            case INT32 -> 4;
            default -> throw new FlatBufferException(t.describe() + ": cannot dequantize " + type);
        };
        if ((long) n * width > b.capacity()) {
            throw new FlatBufferException(t.describe() + " needs " + (long) n * width + " bytes of data, has " + b.capacity());
        }
        // One tight loop per run of elements sharing a scale (the whole tensor, or one channel's
        // inner block), each in a small method of its own: a cold JVM compiles such a loop within a
        // few thousand iterations, and an import dequantizes millions of weights before anything else
        // is warm. (Inside this method, each loop's compilation on the stack took all of this
        // method with it: C2 spent 70 ms on it in a folder of photos, on the import's only run.)
        float[] out = new float[n];
        int[] ints = new int[n];
        // 8-bit data with ordinary zero points: integers and floats in one pass, in float arithmetic
        // (|q - zero| < 2^24 is exact as a float, and the float product is the exact product rounded
        // once, as the double product, exact here, cast to float would be). Otherwise the integers
        // first, then the double formula.
        boolean fused = width == 1;
        for (int c = 0; c < channels && fused; c++) {
            fused = Math.abs(q.zeroPointAt(c)) <= SMALL_ZERO;
        }
        byte[] bytes = null;
        if (fused) {
            bytes = new byte[n];
            b.get(0, bytes);
        } else {
            integers(b, type, ints);
        }
        boolean unsigned = type == TensorType.UINT8;
        for (int run = 0, base = 0; base < n; run++, base += inner) {
            int c = q.perTensor() ? 0 : run % channels;
            float scale = q.scaleAt(c);
            long zero = q.zeroPointAt(c);
            int end = Math.min(n, base + inner);
            if (!fused) {
                scaleInts(ints, base, end, scale, zero, out);
            } else if (unsigned) {
                unsignedBytes(bytes, base, end, scale, zero, ints, out);
            } else {
                signedBytes(bytes, base, end, scale, zero, ints, out);
            }
        }
        return new Decoded(ints, out);
    }

    /** out[i] = scale * (ints[i] - zero) for i in [base, end), in double. */
    private static void scaleInts(int[] ints, int base, int end, float scale, long zero, float[] out) {
        for (int i = base; i < end; i++) {
            out[i] = (float) ((double) scale * (ints[i] - zero));
        }
    }

    /** ints[i] = the unsigned byte i, out[i] = scale * (ints[i] - zero) for i in [base, end), in float. */
    private static void unsignedBytes(byte[] bytes, int base, int end, float scale, long zero, int[] ints, float[] out) {
        float z = zero;
        for (int i = base; i < end; i++) {
            int v = bytes[i] & 0xFF;
            ints[i] = v;
            out[i] = scale * (v - z);
        }
    }

    /** ints[i] = the signed byte i, out[i] = scale * (ints[i] - zero) for i in [base, end), in float. */
    private static void signedBytes(byte[] bytes, int base, int end, float scale, long zero, int[] ints, float[] out) {
        float z = zero;
        for (int i = base; i < end; i++) {
            int v = bytes[i];
            ints[i] = v;
            out[i] = scale * (v - z);
        }
    }

    /** Zero points of 8-bit tensors up to this size dequantize in float arithmetic (see decode). */
    private static final long SMALL_ZERO = 1 << 20;

    private static void checkLength(Quantization q, int channels, TfliteTensor t) {
        if (q.scale().length != 1 && q.scale().length != channels) {
            throw new FlatBufferException(t.describe() + " has " + q.scale().length + " quantization scales, expected 1 or "
                    + channels);
        }
        int z = q.zeroPoint().length;
        if (z != 0 && z != 1 && z != q.scale().length) {
            throw new FlatBufferException(t.describe() + " has " + z + " zero points for " + q.scale().length
                    + " scales " + Arrays.toString(t.shape()));
        }
    }
}
