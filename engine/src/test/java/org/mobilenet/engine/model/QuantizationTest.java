package org.mobilenet.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;

class QuantizationTest {
    @Test
    void aFileThatGivesUint8KeepsGivingUint8WhenItsSoftmaxIsDropped() {
        QuantParams in8 = QuantParams.perTensor(QuantType.INT8, 1f / 128, 0);
        QuantParams logits = QuantParams.perTensor(QuantType.INT8, 0.1f, -3);
        QuantParams probs = QuantParams.perTensor(QuantType.INT8, 1f / 256, -128);
        Map<String, QuantParams> outputs = new java.util.LinkedHashMap<>();
        outputs.put("fc", logits);
        outputs.put("softmax", probs);
        ModelQuantization q = new ModelQuantization(in8, outputs, Map.of(), true, true,
                QuantParams.perTensor(QuantType.UINT8, 1f / 128, 128), QuantParams.perTensor(QuantType.UINT8, 1f / 256, 0));
        ModelQuantization cut = q.retainLayers(java.util.Set.of("fc"));
        assertEquals(QuantParams.perTensor(QuantType.UINT8, 0.1f, 125), cut.fileOutput());
        assertEquals(q.fileInput(), cut.fileInput());
        assertThrows(IllegalArgumentException.class, () -> new ModelQuantization(in8, outputs, Map.of(), false, true,
                QuantParams.perTensor(QuantType.UINT8, 1f / 128, 128), null), "a file input needs integers taken");
    }

    @Test
    void quantizeRoundsHalfAwayFromZeroAndClampsToTheType() {
        QuantParams u8 = QuantParams.perTensor(QuantType.UINT8, 0.5f, 10);
        assertEquals(11, u8.quantize(0.25f));
        assertEquals(9, u8.quantize(-0.25f));
        assertEquals(255, u8.quantize(1000f));
        assertEquals(0, u8.quantize(-1000f));
        assertEquals(-1.5f, u8.dequantize(7, 0));
    }

    @Test
    void paramsRefuseZeroScalesAndZeroPointsOutsideTheType() {
        assertThrows(IllegalArgumentException.class, () -> QuantParams.perTensor(QuantType.UINT8, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> QuantParams.perTensor(QuantType.INT8, 1f, 200));
        assertThrows(IllegalArgumentException.class,
                () -> new QuantParams(QuantType.INT8, new float[] {1, 2}, new int[] {0, 0}, -1));
    }

    @Test
    void perChannelTensorDequantizesEachChannelWithItsOwnScale() {
        QuantParams q = new QuantParams(QuantType.INT8, new float[] {0.5f, 2f}, new int[] {0, 1}, 0);
        QuantizedTensor t = new QuantizedTensor(new int[] {2, 2}, new int[] {2, -2, 3, 1}, q);
        assertArrayEquals(new float[] {1, -1, 4, 0}, t.dequantize().data());
        assertThrows(IllegalArgumentException.class, () -> new QuantizedTensor(new int[] {3, 2}, new int[6], q));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedTensor(new int[] {2},
                new int[] {0, 300}, QuantParams.perTensor(QuantType.UINT8, 1, 0)));
    }

    @Test
    void quantizedModelNeedsEveryLayersOutputAndIntegerBiases() {
        Model f = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(96), 10, true), 1).foldBatchNorm();
        QuantParams act = QuantParams.perTensor(QuantType.UINT8, 0.05f, 0);
        Map<String, QuantParams> outputs = new HashMap<>();
        for (LayerSpec l : f.graph().layers()) {
            outputs.put(l.name(), act);
        }
        Map<String, QuantizedTensor> tensors = new HashMap<>();
        for (LayerSpec l : f.graph().weightedLayers()) {
            String w = TensorNames.weight(l.name());
            tensors.put(w, new QuantizedTensor(f.tensor(w).shape(), new int[f.tensor(w).data().length],
                    QuantParams.perTensor(QuantType.UINT8, 0.01f, 0)));
        }
        Model m = f.withQuantization(new ModelQuantization(act, outputs, tensors, true, true));
        assertTrue(m.isQuantized());
        assertFalse(m.dequantized().isQuantized());
        assertTrue(m.withLabels(List.of()).isQuantized());

        String third = f.graph().layers().get(3).name();
        Map<String, QuantParams> missing = new HashMap<>(outputs);
        missing.remove(third);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.withQuantization(new ModelQuantization(act, missing, tensors, true, true)));
        assertTrue(e.getMessage().contains(third), e.getMessage());

        Map<String, QuantizedTensor> uint8Bias = new HashMap<>(tensors);
        String b = TensorNames.bias(f.graph().weightedLayers().get(0).name());
        uint8Bias.put(b, new QuantizedTensor(f.tensor(b).shape(), new int[f.tensor(b).data().length],
                QuantParams.perTensor(QuantType.UINT8, 0.01f, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> f.withQuantization(new ModelQuantization(act, outputs, uint8Bias, true, true)));
    }

    @Test
    void seededModelsAreFloat() {
        assertFalse(SeededInit.create(ModelSpec.paper(), 1).isQuantized());
    }
}
