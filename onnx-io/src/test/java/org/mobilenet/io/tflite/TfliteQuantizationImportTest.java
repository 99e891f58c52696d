package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.io.SharedData;

class TfliteQuantizationImportTest {
    @TempDir
    Path dir;

    @Test
    void coralModelsKeepTheirUint8WeightsInt32BiasesAndEveryLayersOutputQuantization() throws Exception {
        Model m = TfliteImporter.load(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        assertTrue(m.isQuantized());
        ModelQuantization q = m.quantization().orElseThrow();
        assertEquals(QuantParams.perTensor(QuantType.UINT8, 0.0078125f, 128), q.input());
        assertTrue(q.quantizedInput());
        assertTrue(q.quantizedOutput());
        for (LayerSpec l : m.graph().layers()) {
            QuantParams out = q.output(l.name());
            assertEquals(QuantType.UINT8, out.type(), l.name());
            assertFalse(out.perChannel(), l.name());
        }
        QuantParams softmax = q.output(m.graph().layers().get(m.graph().layers().size() - 1).name());
        assertEquals(QuantParams.perTensor(QuantType.UINT8, 1f / 256, 0), softmax);
        for (LayerSpec l : m.graph().weightedLayers()) {
            QuantizedTensor w = q.tensor(TensorNames.weight(l.name()));
            assertEquals(QuantType.UINT8, w.quant().type());
            assertFalse(w.quant().perChannel());
            // The float tensor holds exactly what the integers mean.
            assertArrayEquals(m.tensor(TensorNames.weight(l.name())).data(), w.dequantize().data(), 1e-6f, l.name());
            QuantizedTensor b = q.tensor(TensorNames.bias(l.name()));
            assertEquals(QuantType.INT32, b.quant().type());
            assertEquals(0, b.quant().zeroPoint());
        }
    }

    @Test
    void perChannelInt8WeightsWithInt32BiasesLandOnAxisZeroOfTheEngineLayouts() throws Exception {
        Model f = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 5, true), 3).foldBatchNorm();
        Path p = dir.resolve("q.tflite");
        Files.write(p, QuantizedTfliteWriter.write(f, false, false, 1));
        Model m = TfliteImporter.load(p);
        assertTrue(m.isQuantized());
        ModelQuantization q = m.quantization().orElseThrow();
        assertEquals(QuantType.INT8, q.input().type());
        for (LayerSpec l : m.graph().weightedLayers()) {
            QuantizedTensor w = q.tensor(TensorNames.weight(l.name()));
            assertEquals(QuantType.INT8, w.quant().type(), l.name());
            assertTrue(w.quant().perChannel(), l.name());
            assertEquals(0, w.quant().axis());
            assertEquals(l.outChannels(), w.quant().channels());
            assertArrayEquals(m.tensor(TensorNames.weight(l.name())).data(), w.dequantize().data(), 1e-6f, l.name());
            assertEquals(l.outChannels(), q.tensor(TensorNames.bias(l.name())).quant().channels(), l.name());
        }
    }

    @Test
    void aBiasWhoseQuantizedDimensionIsOutsideItsRankReadsAlongItsOnlyAxis() throws Exception {
        // TFLite Micro's person detection gives its int32 biases their convolution's quantized dimension (3).
        Model f = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(32), 5, true), 3).foldBatchNorm();
        Path usual = dir.resolve("usual.tflite");
        Path micro = dir.resolve("micro.tflite");
        Files.write(usual, QuantizedTfliteWriter.write(f, false, false, 1));
        Files.write(micro, QuantizedTfliteWriter.writeBiasDimension3(f, 1));
        Model a = TfliteImporter.load(usual);
        Model b = TfliteImporter.load(micro);
        assertEquals(a.graph(), b.graph());
        for (LayerSpec l : a.graph().weightedLayers()) {
            String bias = TensorNames.bias(l.name());
            assertArrayEquals(a.tensor(bias).data(), b.tensor(bias).data(), l.name());
            assertEquals(a.quantization().orElseThrow().tensor(bias).quant(), b.quantization().orElseThrow().tensor(bias).quant(),
                    l.name());
        }
    }
}
