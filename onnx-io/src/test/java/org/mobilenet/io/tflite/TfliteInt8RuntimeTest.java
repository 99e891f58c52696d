package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;

/**
 * int8 post-training-quantized TFLite files as TFLite's converter writes them (per-channel int8
 * weights, int32 biases, int8 activations; a QUANTIZE at a float input and a DEQUANTIZE at the
 * output; PAD operators before stride-2 convolutions), built in code: imported with the pads folded
 * into the convolutions, and the integer path against the real TFLite runtime on seeded inputs.
 */
class TfliteInt8RuntimeTest {
    @TempDir
    Path dir;

    private record Case(String name, Architecture arch, boolean floatIo, boolean padOps, boolean mean) {
        Case(String name, Architecture arch, boolean floatIo, boolean padOps) {
            this(name, arch, floatIo, padOps, false);
        }

        byte[] write(Model f, long seed) {
            return mean ? QuantizedTfliteWriter.writeWithMean(f, floatIo, seed)
                    : QuantizedTfliteWriter.write(f, floatIo, padOps, seed);
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("v1 symmetric pads, PAD ops, float io",
                    new ModelSpec(0.25, 64, 11, Variant.SEPARABLE, Padding.SYMMETRIC, true), true, true),
            new Case("v1 TF SAME, PAD ops, int8 io",
                    new ModelSpec(0.25, 48, 7, Variant.SEPARABLE, Padding.TF_SAME, true), false, true),
            new Case("v2, SAME padding, float io", new MobileNetV2Spec(0.35, Resolution.square(40), 9, true), true, false),
            new Case("v2 logits (no softmax), float io", new MobileNetV2Spec(0.5, Resolution.square(56), 40, false),
                    true, true),
            new Case("v2 features pooled by MEAN, int8 io", new MobileNetV2Spec(0.5, Resolution.square(72), 0, false),
                    false, false, true),
            new Case("v1 logits pooled by MEAN, float io",
                    new ModelSpec(0.25, 96, 17, Variant.SEPARABLE, Padding.TF_SAME, false), true, false, true));

    @Test
    void padOperatorsFoldIntoTheConvolutionsExplicitPads() throws Exception {
        Case c = CASES.get(0);
        Model f = SeededInit.create(c.arch(), 2).foldBatchNorm();
        Path p = dir.resolve("pad.tflite");
        Files.write(p, QuantizedTfliteWriter.write(f, true, true, 2));
        Model m = TfliteImporter.load(p);
        assertEquals(f.graph().layers().size(), m.graph().layers().size());
        for (int i = 0; i < f.graph().layers().size(); i++) {
            LayerSpec a = f.graph().layers().get(i);
            LayerSpec b = m.graph().layers().get(i);
            assertEquals(a.pads(), b.pads(), a.name());
            assertEquals(a.out(), b.out(), a.name());
        }
        assertTrue(f.graph().layers().stream().anyMatch(l -> l.pads().equals(new Pads(1, 1, 1, 1)) && l.stride() == 2));
        ModelQuantization q = m.quantization().orElseThrow();
        assertFalse(q.quantizedInput());
        assertFalse(q.quantizedOutput());
        assertEquals(QuantType.INT8, q.input().type());
    }

    @Test
    void integerPathMatchesTheTfliteRuntimeOnInt8PostTrainingQuantizedModels() throws Exception {
        int batch = 3;
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<Object> ours = new ArrayList<>();
        List<Float> steps = new ArrayList<>();
        for (int k = 0; k < CASES.size(); k++) {
            Case c = CASES.get(k);
            Model f = SeededInit.create(c.arch(), 10 + k).foldBatchNorm();
            Path p = dir.resolve("m" + k + ".tflite");
            Files.write(p, c.write(f, 10 + k));
            Model m = TfliteImporter.load(p);
            QuantizedNetwork net = QuantizedNetwork.compile(m);
            steps.add(c.floatIo() ? net.output().scale() : 1f);
            Shape s = net.inputShape();
            int n = s.h() * s.w() * s.c() * batch;
            SplittableRandom rnd = new SplittableRandom(k);
            int[] q = new int[n];
            for (int i = 0; i < n; i++) {
                q[i] = rnd.nextInt(256) - 128;
            }
            int[] shape = {batch, s.h(), s.w(), s.c()};
            NpyArray input;
            if (c.floatIo()) {
                // Reals on the input's grid, half a step off it (ties) and anywhere: the QUANTIZE
                // rounding (half to even, XNNPACK's) is checked too.
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = net.input().dequantize(q[i], 0) + switch (i % 3) {
                        case 0 -> 0f;
                        case 1 -> net.input().scale() / 2;
                        default -> (float) rnd.nextDouble(-0.5, 0.5) * net.input().scale();
                    };
                }
                input = NpyArray.ofFloats(shape, x);
                ours.add(net.dequantize(net.forward(net.quantizeInput(x), batch)));
            } else {
                input = NpyArray.ofInts(NpyDtype.INT8, shape, q);
                ours.add(net.forward(q, batch));
            }
            jobs.add(new TfliteRuntime.Job(p, input));
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int k = 0; k < CASES.size(); k++) {
            Case c = CASES.get(k);
            NpyArray t = theirs.get(k);
            float step = steps.get(k);
            float[] a;
            float[] b;
            if (c.floatIo()) {
                assertEquals(NpyDtype.FLOAT32, t.dtype(), c.name());
                a = (float[]) ours.get(k);
                b = t.floats();
            } else {
                assertEquals(NpyDtype.INT8, t.dtype(), c.name());
                a = toFloats((int[]) ours.get(k));
                b = t.floats();
            }
            assertEquals(b.length, a.length, c.name());
            int exact = 0;
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                exact += a[i] == b[i] ? 1 : 0;
                max = Math.max(max, Math.abs(a[i] - b[i]) / step);
            }
            System.out.printf(Locale.ROOT, "int8 %s: %d of %d outputs bit-exact to TFLite, max diff %.2f steps%n",
                    c.name(), exact, a.length, max);
            assertTrue(max <= 1.0001, c.name() + ": max diff " + max + " steps");
        }
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }
}
