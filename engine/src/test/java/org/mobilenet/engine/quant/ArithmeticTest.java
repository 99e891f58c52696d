package org.mobilenet.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;

class ArithmeticTest {
    @Test
    void fixedPointHelpersRoundAsGemmlowp() {
        assertArrayEquals(new int[] {1 << 30, 0}, FixedPoint.quantizeMultiplier(0.5));
        assertArrayEquals(new int[] {1 << 30, -1}, FixedPoint.quantizeMultiplier(0.25));
        assertArrayEquals(new int[] {1 << 30, 2}, FixedPoint.quantizeMultiplier(2.0));
        assertEquals(1 << 29, FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1 << 30));
        assertEquals(Integer.MAX_VALUE,
                FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(3, FixedPoint.roundingDivideByPOT(5, 1));
        assertEquals(-3, FixedPoint.roundingDivideByPOT(-5, 1));
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-7, 2));
        assertEquals(2, FixedPoint.roundingDivideByPOT(6, 2));
        // 1000 * 0.3 = 300 and -1000 * 0.3 = -300 through the Q31 multiplier.
        int[] m = FixedPoint.quantizeMultiplier(0.3);
        assertEquals(300, FixedPoint.multiplyByQuantizedMultiplier(1000, m[0], m[1]));
        assertEquals(-300, FixedPoint.multiplyByQuantizedMultiplier(-1000, m[0], m[1]));
    }

    @Test
    void floatRequantizationRoundsHalfToEvenAndClampsTheActivation() {
        QuantParams in = QuantParams.perTensor(QuantType.UINT8, 0.5f, 128);
        QuantParams w = QuantParams.perTensor(QuantType.UINT8, 1f, 0);
        QuantParams out = QuantParams.perTensor(QuantType.UINT8, 1f, 10);
        Requantizer r = new Requantizer(Requantizer.Arithmetic.FLOAT, in, w, out, Activation.NONE, 1);
        assertEquals(10, r.apply(1, 0)); // 0.5 -> 0
        assertEquals(12, r.apply(3, 0)); // 1.5 -> 2
        assertEquals(12, r.apply(5, 0)); // 2.5 -> 2
        assertEquals(255, r.apply(1000, 0));
        Requantizer relu6 = new Requantizer(Requantizer.Arithmetic.FLOAT, in, w,
                QuantParams.perTensor(QuantType.UINT8, 0.5f, 10), Activation.RELU6, 1);
        assertEquals(10, relu6.apply(-50, 0));
        assertEquals(22, relu6.apply(50, 0)); // 6 / 0.5 = 12 steps above the zero point
        Requantizer fixed = new Requantizer(Requantizer.Arithmetic.FIXED_POINT, in, w, out, Activation.NONE, 1);
        assertEquals(13, fixed.apply(5, 0)); // 2.5 -> 3: half away from zero
    }

    @Test
    void quantizedAddIsWithinOneStepOfTheRealSum() {
        QuantParams a = QuantParams.perTensor(QuantType.UINT8, 0.031f, 120);
        QuantParams b = QuantParams.perTensor(QuantType.UINT8, 0.047f, 131);
        QuantParams out = QuantParams.perTensor(QuantType.UINT8, 0.06f, 125);
        QuantAdd add = new QuantAdd(a, b, out, Activation.NONE);
        for (int x = 0; x < 256; x += 3) {
            for (int y = 0; y < 256; y += 5) {
                double real = a.dequantize(x, 0) + b.dequantize(y, 0);
                double q = Math.max(0, Math.min(255, real / out.scale() + out.zeroPoint()));
                assertTrue(Math.abs(add.apply(x, y) - q) <= 0.5 + 1e-3, x + " + " + y);
            }
        }
    }

    @Test
    void softmaxOfEqualLogitsSplitsEvenlyAndOfOneLargeLogitGivesItAll() {
        QuantParams in = QuantParams.perTensor(QuantType.UINT8, 0.2f, 0);
        QuantSoftmax s = new QuantSoftmax(in, QuantParams.perTensor(QuantType.UINT8, 1f / 256, 0));
        int[] out = new int[4];
        s.apply(new int[] {7, 7, 7, 7}, 0, 4, out);
        assertArrayEquals(new int[] {64, 64, 64, 64}, out);
        s.apply(new int[] {255, 0, 0, 0}, 0, 4, out);
        assertArrayEquals(new int[] {255, 0, 0, 0}, out);
        QuantSoftmax s8 = new QuantSoftmax(QuantParams.perTensor(QuantType.INT8, 0.2f, 0),
                QuantParams.perTensor(QuantType.INT8, 1f / 256, -128));
        s8.apply(new int[] {-3, -3, -3, -3}, 0, 4, out);
        assertArrayEquals(new int[] {-64, -64, -64, -64}, out);
    }
}
