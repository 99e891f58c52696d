package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;

/**
 * Binary and multi-label classifiers whose head ends in a logistic sigmoid (TFLite's LOGISTIC, as
 * Keras's {@code Dense(1, activation="sigmoid")} converts), float and int8: imported with a SIGMOID
 * layer, run as the real TFLite runtime runs them, and written back with their LOGISTIC.
 */
class TfliteSigmoidHeadTest {
    @TempDir
    Path dir;

    /** {@code body} (a classifier without softmax) with a sigmoid after its logits. */
    static LayerGraph sigmoidHead(LayerGraph body) {
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        LayerSpec last = layers.get(layers.size() - 1);
        layers.add(new LayerSpec("sigmoid", LayerKind.SIGMOID, 1, 1, Pads.NONE, last.out(), last.out(),
                Activation.NONE, null));
        return new LayerGraph(body.family(), body.input(), layers);
    }

    private static final List<LayerGraph> GRAPHS = List.of(
            sigmoidHead(new ModelSpec(0.25, 48, 1, Variant.SEPARABLE, Padding.TF_SAME, false).graph()),
            sigmoidHead(new MobileNetV2Spec(0.35, Resolution.square(40), 5, false).graph()));

    @Test
    void aFloatSigmoidHeadImportsAndGivesTheTfliteRuntimesProbabilities() throws Exception {
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<float[]> ours = new ArrayList<>();
        for (int k = 0; k < GRAPHS.size(); k++) {
            Model m = SeededInit.create(GRAPHS.get(k), 3 + k).foldBatchNorm();
            Path f = dir.resolve("f" + k + ".tflite");
            Files.write(f, TfliteTestModels.write(m, false));
            Model back = TfliteImporter.load(f);
            assertEquals(LayerKind.SIGMOID, back.graph().layers().get(back.graph().layers().size() - 1).kind());
            Path again = dir.resolve("again" + k + ".tflite");
            TfliteExporter.write(back, again, false);
            assertTrue(TfliteImporter.load(again).graph().sameLayers(back.graph()));
            float[] x = SeededInit.uniform(new SplittableRandom(k), m.inputHeight() * m.inputWidth() * 3, 1f);
            try (Network net = Network.compile(back)) {
                ours.add(net.forward(x, 1));
            }
            jobs.add(new TfliteRuntime.Job(f, NpyArray.ofFloats(new int[] {1, m.inputHeight(), m.inputWidth(), 3}, x)));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int k = 0; k < ours.size(); k++) {
            float[] a = ours.get(k);
            float[] b = theirs.get(k).floats();
            assertEquals(b.length, a.length);
            for (int i = 0; i < a.length; i++) {
                assertTrue(a[i] > 0 && a[i] < 1, "a probability: " + a[i]);
                assertEquals(b[i], a[i], 1e-5f, "graph " + k + " output " + i);
            }
        }
    }

    @Test
    void anInt8SigmoidHeadRunsAsTheTfliteRuntimeAndIsWrittenBackTheSame() throws Exception {
        int batch = 16;
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<int[]> ours = new ArrayList<>();
        for (int k = 0; k < GRAPHS.size(); k++) {
            Model f = SeededInit.create(GRAPHS.get(k), 30 + k).foldBatchNorm();
            Path src = dir.resolve("q" + k + ".tflite");
            Files.write(src, QuantizedTfliteWriter.write(f, false, false, 30 + k));
            Model m = TfliteImporter.load(src);
            Path out = dir.resolve("qout" + k + ".tflite");
            TfliteExporter.write(m, out, false);
            assertEquals(m.quantization(), TfliteImporter.load(out).quantization());
            QuantizedNetwork net = QuantizedNetwork.compile(m);
            int n = m.inputHeight() * m.inputWidth() * 3 * batch;
            SplittableRandom rnd = new SplittableRandom(k);
            int[] q = new int[n];
            for (int i = 0; i < n; i++) {
                q[i] = rnd.nextInt(256) - 128;
            }
            ours.add(net.forward(q, batch));
            NpyArray input = NpyArray.ofInts(NpyDtype.INT8, new int[] {batch, m.inputHeight(), m.inputWidth(), 3}, q);
            jobs.add(new TfliteRuntime.Job(src, input));
            jobs.add(new TfliteRuntime.Job(out, input));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int k = 0; k < ours.size(); k++) {
            int[] t = theirs.get(2 * k).ints();
            assertArrayEquals(theirs.get(2 * k).data(), theirs.get(2 * k + 1).data(), "graph " + k + " written back");
            int[] o = ours.get(k);
            assertEquals(t.length, o.length);
            int exact = 0;
            int max = 0;
            for (int i = 0; i < t.length; i++) {
                exact += t[i] == o[i] ? 1 : 0;
                max = Math.max(max, Math.abs(t[i] - o[i]));
            }
            System.out.printf(Locale.ROOT, "int8 sigmoid head %d: %d of %d outputs bit-exact to TFLite, max diff %d%n",
                    k, exact, t.length, max);
            assertTrue(max <= 1, "max diff " + max);
        }
    }
}
