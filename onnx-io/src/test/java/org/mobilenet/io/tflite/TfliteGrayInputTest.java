package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;

/**
 * MobileNets that take gray images ({@code [1, H, W, 1]}, as TFLite Micro's person detection): the
 * first convolution as CONV_2D or as TensorFlow's converter writes a one-channel one (a
 * DEPTHWISE_CONV_2D with a depth multiplier), float and int8, imported as a graph whose input has one
 * channel, run as the real TFLite runtime runs them, and written back to TFLite and ONNX.
 */
class TfliteGrayInputTest {
    @TempDir
    Path dir;

    /** A v1 (alpha 0.25, 48 x 48, 5 classes) whose input is gray. */
    static LayerGraph grayV1() {
        LayerGraph rgb = new ModelSpec(0.25, 48, 5, Variant.SEPARABLE, Padding.TF_SAME, true).graph();
        Shape in = new Shape(48, 48, 1);
        List<LayerSpec> layers = new ArrayList<>(rgb.layers());
        LayerSpec stem = layers.get(0);
        layers.set(0, new LayerSpec(stem.name(), stem.kind(), stem.kernel(), stem.stride(), stem.pads(), in, stem.out(),
                stem.activation(), null));
        return new LayerGraph(rgb.family(), in, layers);
    }

    @Test
    void aGrayFloatModelImportsWithOneInputChannelAndGivesTheTfliteRuntimesOutputs() throws Exception {
        Model m = SeededInit.create(grayV1(), 4).foldBatchNorm();
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<float[]> ours = new ArrayList<>();
        float[] x = SeededInit.uniform(new SplittableRandom(2), 48 * 48, 1f);
        int k = 0;
        // The depth multiplier comes from the shapes, as TFLite takes it: the option may say 0 (or anything).
        for (byte[] bytes : List.of(TfliteTestModels.write(m, false), TfliteTestModels.writeDepthwiseStem(m),
                TfliteTestModels.writeDepthwiseStem(m, 0))) {
            Path f = dir.resolve("gray" + k++ + ".tflite");
            Files.write(f, bytes);
            Model back = TfliteImporter.load(f);
            assertEquals(1, back.graph().input().c());
            assertEquals(LayerKind.CONV, back.graph().layers().get(0).kind());
            Path again = dir.resolve("again" + k + ".tflite");
            TfliteExporter.write(back, again, false);
            assertTrue(TfliteImporter.load(again).graph().sameLayers(back.graph()));
            try (Network net = Network.compile(back)) {
                ours.add(net.forward(x, 1));
            }
            jobs.add(new TfliteRuntime.Job(f, NpyArray.ofFloats(new int[] {1, 48, 48, 1}, x)));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int i = 0; i < ours.size(); i++) {
            float[] a = ours.get(i);
            float[] b = theirs.get(i).floats();
            assertEquals(b.length, a.length);
            for (int j = 0; j < a.length; j++) {
                assertEquals(b[j], a[j], 1e-5f, "file " + i + " output " + j);
            }
        }
        // The same network as ONNX: input [N, 1, H, W].
        Path onnx = dir.resolve("gray.onnx");
        Files.write(onnx, OnnxExporter.toProto(m, OnnxExportOptions.defaults()).toByteArray());
        Model fromOnnx = ModelFiles.load(onnx);
        assertEquals(1, fromOnnx.graph().input().c());
        try (Network net = Network.compile(fromOnnx)) {
            assertArrayEquals(ours.get(0), net.forward(x, 1), 1e-5f);
        }
    }

    @Test
    void aGrayInt8ModelRunsAsTheTfliteRuntimeRunsIt() throws Exception {
        Model f = SeededInit.create(grayV1(), 6).foldBatchNorm();
        Path p = dir.resolve("gray8.tflite");
        Files.write(p, QuantizedTfliteWriter.write(f, false, false, 6));
        Model m = TfliteImporter.load(p);
        QuantizedNetwork net = QuantizedNetwork.compile(m);
        int batch = 3;
        int[] q = new int[batch * 48 * 48];
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextInt(256) - 128;
        }
        int[] ours = net.forward(q, batch);
        NpyArray theirs = TfliteRuntime.run(List.of(new TfliteRuntime.Job(p,
                NpyArray.ofInts(NpyDtype.INT8, new int[] {batch, 48, 48, 1}, q))), dir).get(0);
        int[] t = theirs.ints();
        assertEquals(t.length, ours.length);
        for (int i = 0; i < t.length; i++) {
            assertTrue(Math.abs(t[i] - ours[i]) <= 1, "output " + i + ": " + ours[i] + " against " + t[i]);
        }
    }
}
