package org.mobilenet.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.UnsupportedModelException;
import org.mobilenet.engine.run.Network;

class QuantizedNetworkTest {

    @Test
    void fastKernelsGiveTheReferenceValuesOnOddSizesAndAsymmetricPads() {
        for (QuantType t : new QuantType[] {QuantType.UINT8, QuantType.INT8}) {
            for (long seed = 1; seed <= 3; seed++) {
                Model m = QuantizedModels.quantized(QuantizedModels.oddGraph(), seed, t);
                QuantizedNetwork net = QuantizedNetwork.compile(m);
                int[] x = QuantizedModels.input(net, 3, seed * 7);
                int[] ref = net.forwardReference(x, 3);
                assertArrayEquals(ref, net.forward(x, 3, QuantizedNetwork.Kernels.LOOPS), t + " loops, seed " + seed);
                assertArrayEquals(ref, net.forward(x, 3, QuantizedNetwork.Kernels.VECTOR), t + " vector, seed " + seed);
                QuantizedNetwork fixed = QuantizedNetwork.compile(m, Requantizer.Arithmetic.FIXED_POINT);
                assertArrayEquals(fixed.forwardReference(x, 3), fixed.forward(x, 3, QuantizedNetwork.Kernels.LOOPS),
                        t + " fixed point, seed " + seed);
                assertArrayEquals(fixed.forwardReference(x, 3), fixed.forward(x, 3, QuantizedNetwork.Kernels.VECTOR),
                        t + " fixed point, seed " + seed);
            }
        }
    }

    @Test
    void meanPoolingRunsXnnpacksArithmeticAndItsKernelsAgree() {
        Model m = QuantizedModels.quantized(QuantizedModels.oddGraph(), 6, QuantType.INT8);
        Model mean = m.withMetadata(java.util.Map.of(org.mobilenet.engine.model.ModelQuantization.POOL_KEY,
                org.mobilenet.engine.model.ModelQuantization.POOL_MEAN));
        QuantizedNetwork a = QuantizedNetwork.compile(m);
        QuantizedNetwork b = QuantizedNetwork.compile(mean);
        int[] x = QuantizedModels.input(a, 4, 9);
        int[] ref = b.forwardReference(x, 4);
        assertArrayEquals(ref, b.forward(x, 4, QuantizedNetwork.Kernels.LOOPS));
        assertArrayEquals(ref, b.forward(x, 4, QuantizedNetwork.Kernels.VECTOR));
        // Both average within half a step; they differ where a 3x2 map's mean is a tie.
        float[] pa = a.dequantize(a.forwardReference(x, 4));
        float[] pb = b.dequantize(ref);
        for (int i = 0; i < pa.length; i++) {
            assertEquals(pa[i], pb[i], 0.05, "class " + i);
        }
    }

    @Test
    void fastKernelsGiveTheReferenceValuesOnAMobileNetV2() {
        Model m = QuantizedModels.quantized(new MobileNetV2Spec(0.35, Resolution.square(40), 7, true).graph(), 5,
                QuantType.UINT8);
        QuantizedNetwork net = QuantizedNetwork.compile(m);
        int[] x = QuantizedModels.input(net, 1, 3);
        int[] ref = net.forwardReference(x, 1);
        assertArrayEquals(ref, net.forward(x, 1, QuantizedNetwork.Kernels.LOOPS));
        assertArrayEquals(ref, net.forward(x, 1, QuantizedNetwork.Kernels.VECTOR));
    }

    @Test
    void integerOutputsFollowTheFloatModelOnDequantizedWeights() {
        Model m = QuantizedModels.quantized(QuantizedModels.oddGraph(), 11, QuantType.UINT8);
        QuantizedNetwork net = QuantizedNetwork.compile(m);
        int[] x = QuantizedModels.input(net, 1, 4);
        float[] real = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            real[i] = net.input().dequantize(x[i], 0);
        }
        float[] probs = net.dequantize(net.forward(x, 1));
        float[] expected;
        try (Network f = Network.compile(m.dequantized())) {
            expected = f.forward(real, 1);
        }
        // Activations are rounded to 8 bits at every layer: the probabilities agree to a few steps.
        for (int i = 0; i < probs.length; i++) {
            assertEquals(expected[i], probs[i], 0.05, "class " + i);
        }
    }

    @Test
    void quantizationRetainingSomeLayersDropsTheOthersOutputsAndTensors() {
        Model m = QuantizedModels.quantized(QuantizedModels.oddGraph(), 4, QuantType.UINT8);
        var q = m.quantization().orElseThrow().retainLayers(java.util.Set.of("conv", "dw1"));
        assertEquals(java.util.Set.of("conv", "dw1"), q.outputs().keySet());
        assertEquals(java.util.Set.of("conv.weight", "conv.bias", "dw1.weight", "dw1.bias"), q.tensors().keySet());
        assertEquals(m.quantization().orElseThrow().input(), q.input());
    }

    @Test
    void aFloatModelIsRefused() {
        Model f = SeededInit.create(QuantizedModels.oddGraph(), 1).foldBatchNorm();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> QuantizedNetwork.compile(f));
        assertTrue(e.getMessage().contains("float model"), e.getMessage());
    }

    @Test
    void inputsOfTheWrongSizeOrOutsideTheTypeAreRefused() {
        QuantizedNetwork net = QuantizedNetwork.compile(QuantizedModels.quantized(QuantizedModels.oddGraph(), 2,
                QuantType.UINT8));
        assertThrows(IllegalArgumentException.class, () -> net.forward(new int[5], 1));
        int[] x = QuantizedModels.input(net, 1, 1);
        x[3] = 256;
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 1));
    }
}
