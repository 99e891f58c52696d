package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorDecoderTest {

    private static TfliteTensor tensor(TensorType type, Quantization q, int... shape) {
        return new TfliteTensor(0, "t", shape, type, 0, 1, q);
    }

    @Test
    void uint8PerTensorSubtractsTheZeroPointAndScales() {
        Quantization q = new Quantization(new float[] {0.5f}, new long[] {128}, 0);
        ByteBuffer b = ByteBuffer.wrap(new byte[] {(byte) 128, (byte) 130, 0, (byte) 255});
        assertArrayEquals(new float[] {0, 1, -64, 63.5f},
                TensorDecoder.dequantize(b, tensor(TensorType.UINT8, q, 4), q));
    }

    @Test
    void int8PerChannelUsesTheQuantizedDimension() {
        // OHWI [2, 1, 1, 2], per output channel (dimension 0): channel 0 scale 1 zp 0, channel 1 scale 0.25 zp -4.
        Quantization q = new Quantization(new float[] {1f, 0.25f}, new long[] {0, -4}, 0);
        ByteBuffer b = ByteBuffer.wrap(new byte[] {-3, 5, -4, 8});
        assertArrayEquals(new float[] {-3, 5, 0, 3},
                TensorDecoder.dequantize(b, tensor(TensorType.INT8, q, 2, 1, 1, 2), q));
    }

    @Test
    void perChannelAlongTheLastDimensionForDepthwise() {
        // [1, 1, 2, C=3], dimension 3: scales 1, 2, 3.
        Quantization q = new Quantization(new float[] {1, 2, 3}, new long[] {0, 0, 0}, 3);
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 1, 1, 2, 2, 2});
        assertArrayEquals(new float[] {1, 2, 3, 2, 4, 6},
                TensorDecoder.dequantize(b, tensor(TensorType.INT8, q, 1, 1, 2, 3), q));
    }

    @Test
    void int32BiasesAreScaled() {
        Quantization q = new Quantization(new float[] {0.001f}, new long[] {0}, 0);
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1500).putInt(4, -2000);
        assertArrayEquals(new float[] {1.5f, -2f}, TensorDecoder.dequantize(b, tensor(TensorType.INT32, q, 2), q), 1e-6f);
    }

    @Test
    void invalidQuantizationIsRefused() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 2});
        Quantization zero = new Quantization(new float[] {0f}, new long[0], 0);
        assertThrows(FlatBufferException.class, () -> TensorDecoder.dequantize(b, tensor(TensorType.UINT8, zero, 2), zero));
        Quantization three = new Quantization(new float[] {1, 1, 1}, new long[0], 0);
        assertThrows(FlatBufferException.class, () -> TensorDecoder.dequantize(b, tensor(TensorType.UINT8, three, 2), three));
        Quantization badDim = new Quantization(new float[] {1, 1}, new long[0], 5);
        assertThrows(FlatBufferException.class, () -> TensorDecoder.dequantize(b, tensor(TensorType.UINT8, badDim, 2, 1), badDim));
        // A rank-1 tensor has one axis whatever the file names (TFLite Micro reads its biases so).
        assertEquals(2, TensorDecoder.dequantize(b, tensor(TensorType.UINT8, badDim, 2), badDim).length);
        assertThrows(FlatBufferException.class,
                () -> TensorDecoder.dequantize(b, tensor(TensorType.UINT8, Quantization.NONE, 2), Quantization.NONE));
    }

    @Test
    void eightBitValuesDequantizeBitForBitAsTheDoubleFormulaAndKeepTheirIntegers() {
        // The float arithmetic of the 8-bit path against scale * (q - zero) in double, cast once to
        // float: every byte, odd scales (tiny, huge, with long significands) and zero points at the
        // edges of both types, and one past the float path's bound (taken by the double path).
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        java.util.Random r = new java.util.Random(7);
        float[] scales = {1f, 0.0078125f, 0.1f, 1e-30f, 3.4e36f, Float.MIN_NORMAL, 0.023529412f, r.nextFloat(), 1 + r.nextFloat()};
        long[] zeros = {0, 128, 255, -128, 127, -1, 1 << 20, (1 << 20) + 1, 3_000_000_000L};
        for (TensorType type : new TensorType[] {TensorType.UINT8, TensorType.INT8}) {
            for (float scale : scales) {
                for (long zero : zeros) {
                    Quantization q = new Quantization(new float[] {scale}, new long[] {zero}, 0);
                    TensorDecoder.Decoded d = TensorDecoder.decode(ByteBuffer.wrap(all), tensor(type, q, 256), q);
                    for (int i = 0; i < 256; i++) {
                        int v = type == TensorType.UINT8 ? i : (byte) i;
                        float want = (float) ((double) scale * (v - zero));
                        org.junit.jupiter.api.Assertions.assertEquals(v, d.values()[i]);
                        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(d.floats()[i]),
                                type + " scale " + scale + " zero " + zero + " q " + v);
                    }
                }
            }
        }
    }
}
