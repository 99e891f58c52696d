package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;

/**
 * A quantized TFLite file may leave its ReLU6 to the output range (fused NONE, outputs quantized to
 * [0, 6]), as TF's converter writes the classic uint8 MobileNets hosted by TensorFlow: the float path
 * must clamp as the integer runtime does, not run the network linear.
 */
class TfliteImpliedActivationTest {
    @TempDir
    Path dir;

    @Test
    void aRangeThatStartsAtZeroImpliesReluAndOneThatAlsoStopsAtSixImpliesRelu6() {
        assertEquals(Activation.RELU6, QuantParams.perTensor(QuantType.UINT8, 6f / 255, 0).impliedActivation());
        assertEquals(Activation.RELU6, QuantParams.perTensor(QuantType.INT8, 6f / 255, -128).impliedActivation());
        assertEquals(Activation.RELU6, QuantParams.perTensor(QuantType.UINT8, 0.0235f, 0).impliedActivation()); // 5.99
        assertEquals(Activation.RELU6, QuantParams.perTensor(QuantType.UINT8, 6.005f / 255, 0).impliedActivation());
        // Ending 6.02: over half a step above 6, which the integer path's ReLU6 (q(6) = 254) would cut a step
        // below the range's top: ReLU, as the runtime clamps it.
        assertEquals(Activation.RELU, QuantParams.perTensor(QuantType.UINT8, 6.02f / 255, 0).impliedActivation());
        assertEquals(Activation.RELU, QuantParams.perTensor(QuantType.UINT8, 0.05f, 0).impliedActivation()); // 12.75
        assertEquals(Activation.NONE, QuantParams.perTensor(QuantType.UINT8, 6f / 255, 1).impliedActivation());
        assertEquals(Activation.NONE, QuantParams.perTensor(QuantType.INT8, 0.1f, 0).impliedActivation());
    }

    @Test
    void fusedNoneOverAZeroToSixRangeImportsAsRelu6AndRunsAsTheFusedRelu6File() throws Exception {
        Model f = SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 8).foldBatchNorm();
        Path fused = dir.resolve("fused.tflite");
        Path ranged = dir.resolve("ranged.tflite");
        Files.write(fused, QuantizedTfliteWriter.writeSixRanges(f, false, 8));
        Files.write(ranged, QuantizedTfliteWriter.writeSixRanges(f, true, 8));
        Model a = TfliteImporter.load(fused);
        Model b = TfliteImporter.load(ranged);
        List<LayerSpec> layers = b.graph().layers();
        long relu6 = layers.stream().filter(l -> l.activation() == Activation.RELU6).count();
        assertEquals(layers.stream().filter(l -> l.kind() == LayerKind.CONV || l.kind() == LayerKind.DEPTHWISE
                || l.kind() == LayerKind.POINTWISE).count(), relu6, "every convolution's ReLU6 recovered: " + layers);
        assertEquals(a.graph(), b.graph(), "the same graph as the file with the fused ReLU6");

        float[] x = SeededInit.uniform(new SplittableRandom(4), 64 * 64 * 3, 1f);
        float[] want = Network.compile(a).forward(x, 1);
        float[] got = Network.compile(b).forward(x, 1);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-6f, "output " + i + ": " + want[i] + " vs " + got[i]);
        }
    }
}
