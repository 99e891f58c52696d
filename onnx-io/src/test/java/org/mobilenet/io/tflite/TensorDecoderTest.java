package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        assertThrows(FlatBufferException.class, () -> TensorDecoder.dequantize(b, tensor(TensorType.UINT8, badDim, 2), badDim));
        assertThrows(FlatBufferException.class,
                () -> TensorDecoder.dequantize(b, tensor(TensorType.UINT8, Quantization.NONE, 2), Quantization.NONE));
    }
}
