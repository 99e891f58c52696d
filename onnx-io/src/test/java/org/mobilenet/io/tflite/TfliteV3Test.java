package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;

/**
 * MobileNet v3 as TF's converter writes it (TF's hosted v3-small files): HARD_SWISH operators after
 * convolutions and the head's dense layer, and squeeze-and-excite blocks as AVERAGE_POOL_2D, two 1x1
 * CONV_2Ds, the hard-sigmoid as ADD 3 with a fused RELU6 and MUL 1/6 (or TF2's +3 in the bias), and a
 * MUL of the map by that gate.
 * Written in code, the file imports as the graph it was written from, and the engine computes what
 * the real TFLite runtime does.
 */
class TfliteV3Test {
    @TempDir
    Path dir;

    /** A stem with hard-swish, a 5x5 depthwise conv with squeeze-and-excite, a projection, a v3 head. */
    static LayerGraph v3Block() {
        return org.mobilenet.io.V3Blocks.block(new Shape(48, 40, 3), Padding.TF_SAME, false, 6);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "hard-sigmoid +3 in the bias: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aV3BlockAsTfsConvertersWriteItImportsAndMatchesTheTfliteRuntime(boolean foldedThree) throws Exception {
        // TF1's converter writes the hard-sigmoid as ADD 3 (ReLU6) and MUL 1/6; TF2's folds the +3 into the
        // dense layer's bias and fuses its ReLU6.
        Model m = SeededInit.create(v3Block(), 31).foldBatchNorm();
        Path f = dir.resolve("v3.tflite");
        Files.write(f, TfliteTestModels.writeV3(m, foldedThree));
        Model back = TfliteImporter.load(f);
        assertTrue(m.graph().sameLayers(back.graph()), back.graph().layers().toString());
        assertEquals(1, back.graph().layers().stream().filter(l -> l.kind() == LayerKind.SCALE).count());
        int n = 48 * 40 * 3;
        float[] x = SeededInit.uniform(new SplittableRandom(5), n, 1f);
        float[] ours = Network.compile(back).forward(x, 1);
        NpyArray theirs = TfliteRuntime.run(List.of(new TfliteRuntime.Job(f, NpyArray.ofFloats(new int[] {1, 48, 40, 3},
                x))), dir).get(0);
        float[] t = theirs.floats();
        assertEquals(t.length, ours.length);
        for (int i = 0; i < t.length; i++) {
            assertEquals(t[i], ours[i], 2e-6f, "output " + i);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "residual: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void theTfliteExportWritesV3LayersThatTheTfliteRuntimeRunsAsTheEngineDoes(boolean residual) throws Exception {
        Model m = SeededInit.create(org.mobilenet.io.V3Blocks.block(new Shape(40, 48, 3), Padding.TF_SAME, residual, 5),
                33).foldBatchNorm();
        Path f = dir.resolve("exported.tflite");
        TfliteExporter.write(m, f, true);
        Model back = TfliteImporter.load(f);
        assertTrue(m.graph().sameLayers(back.graph()), back.graph().layers().toString());
        float[] x = SeededInit.uniform(new SplittableRandom(6), 40 * 48 * 3, 1f);
        float[] ours;
        try (Network net = Network.compile(m)) {
            ours = net.forward(x, 1);
        }
        float[] t = TfliteRuntime.run(List.of(new TfliteRuntime.Job(f, NpyArray.ofFloats(new int[] {1, 40, 48, 3}, x))),
                dir).get(0).floats();
        assertEquals(t.length, ours.length);
        for (int i = 0; i < t.length; i++) {
            assertEquals(t[i], ours[i], 2e-6f, "output " + i);
        }
    }
}
