package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.eval.TopK;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.quant.QuantizedInput;
import org.mobilenet.engine.quant.QuantizedNetwork;
import org.mobilenet.io.SharedData;
import org.mobilenet.io.TfliteRuntime;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyDtype;

/**
 * The integer path against the real TFLite runtime (tfjs-tflite's WebAssembly TFLite with XNNPACK,
 * under Node) on Coral's uint8 models, every shared photo and two inputs no one has seen (seeded
 * noise, and a seeded smooth pattern): same uint8 input tensor, outputs within one quantization step
 * on every element, the same top-1, and the fraction of bit-exact elements printed (all of them,
 * measured).
 */
class TfliteRuntimeAgreementTest {
    private static final String[] MODELS = {"mobilenet_v1_0.25_128_quant.tflite", "mobilenet_v1_0.5_160_quant.tflite",
        "mobilenet_v1_0.75_192_quant.tflite", "mobilenet_v1_1.0_224_quant_embedding_extractor.tflite",
        "mobilenet_v2_1.0_224_quant.tflite"};
    private static final String[] IMAGES = {"cat.bmp", "grace_hopper.bmp", "parrot.jpg", "bird.bmp"};

    @TempDir
    Path dir;

    @Test
    void integerPathMatchesTheTfliteRuntimeOnCoralModelsAndEveryPhoto() throws Exception {
        List<TfliteRuntime.Job> jobs = new ArrayList<>();
        List<int[]> ours = new ArrayList<>();
        List<QuantizedNetwork> nets = new ArrayList<>();
        for (String name : MODELS) {
            Model m = TfliteImporter.load(SharedData.model(name));
            QuantizedNetwork net = QuantizedNetwork.compile(m);
            Shape s = net.inputShape();
            int per = s.h() * s.w() * s.c();
            int inputs = IMAGES.length + 2;
            int[] batch = new int[per * inputs];
            for (int i = 0; i < IMAGES.length; i++) {
                int[] x = QuantizedInput.of(new ImageLoader().load(SharedData.image(IMAGES[i])), s.h(), s.w(),
                        net.input().type());
                System.arraycopy(x, 0, batch, i * per, per);
            }
            unseen(batch, IMAGES.length * per, s, 7 + nets.size());
            jobs.add(new TfliteRuntime.Job(SharedData.model(name),
                    NpyArray.ofInts(NpyDtype.UINT8, new int[] {inputs, s.h(), s.w(), s.c()}, batch)));
            ours.add(net.forward(batch, inputs));
            nets.add(net);
        }
        List<NpyArray> theirs = TfliteRuntime.run(jobs, dir);
        for (int k = 0; k < MODELS.length; k++) {
            int[] a = ours.get(k);
            int[] b = theirs.get(k).ints();
            assertEquals(NpyDtype.UINT8, theirs.get(k).dtype(), MODELS[k]);
            assertEquals(b.length, a.length, MODELS[k]);
            int exact = 0;
            int maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                exact += a[i] == b[i] ? 1 : 0;
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            int inputs = IMAGES.length + 2;
            int c = a.length / inputs;
            for (int i = 0; i < inputs; i++) {
                float[] pa = new float[c];
                float[] pb = new float[c];
                for (int j = 0; j < c; j++) {
                    pa[j] = a[i * c + j];
                    pb[j] = b[i * c + j];
                }
                assertEquals(TopK.of(pb, 0, c, 1)[0], TopK.of(pa, 0, c, 1)[0], MODELS[k] + " input " + i + ": top-1");
            }
            System.out.printf(Locale.ROOT, "%s: %d of %d output elements bit-exact to TFLite (%.4f%%), max diff %d%n",
                    MODELS[k], exact, a.length, 100.0 * exact / a.length, maxDiff);
            assertTrue(maxDiff <= 1, MODELS[k] + ": max diff " + maxDiff + " steps");
        }
    }

    /** Two inputs at {@code from}: seeded uniform noise, then a seeded smooth pattern of waves. */
    private static void unseen(int[] batch, int from, Shape s, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int per = s.h() * s.w() * s.c();
        for (int i = 0; i < per; i++) {
            batch[from + i] = rnd.nextInt(256);
        }
        double[] f = {rnd.nextDouble(0.02, 0.2), rnd.nextDouble(0.02, 0.2), rnd.nextDouble(0, 6)};
        for (int y = 0; y < s.h(); y++) {
            for (int x = 0; x < s.w(); x++) {
                for (int ch = 0; ch < s.c(); ch++) {
                    double v = 127.5 + 127.5 * Math.sin(f[0] * x * (ch + 1) + f[1] * y + f[2] * ch);
                    batch[from + per + (y * s.w() + x) * s.c() + ch] = (int) Math.rint(v);
                }
            }
        }
    }

    @Test
    void catScoresWithTheIntegerPathReachCoralsExpectations() throws Exception {
        String[] models = {"mobilenet_v1_0.25_128_quant.tflite", "mobilenet_v1_0.5_160_quant.tflite",
            "mobilenet_v1_0.75_192_quant.tflite"};
        int[] top = {283, 286, 283};
        double[] min = {0.35, 0.68, 0.40};
        for (int k = 0; k < models.length; k++) {
            Model m = TfliteImporter.load(SharedData.model(models[k]));
            QuantizedNetwork net = QuantizedNetwork.compile(m);
            Shape s = net.inputShape();
            int[] x = QuantizedInput.of(new ImageLoader().load(SharedData.image("cat.bmp")), s.h(), s.w(),
                    net.input().type());
            float[] p = net.dequantize(net.forward(x, 1));
            int best = TopK.of(p, 0, p.length, 1)[0];
            System.out.printf(Locale.ROOT, "%s cat.bmp (integer path): top-1 %d %.4f%n", models[k], best, p[best]);
            assertEquals(top[k], best, models[k]);
            assertTrue(p[best] >= min[k], models[k] + ": " + p[best]);
            int[] ref = net.forwardReference(x, 1);
            assertArrayEquals(ref, net.forward(x, 1, QuantizedNetwork.Kernels.LOOPS), models[k] + ": loops vs reference");
            assertArrayEquals(ref, net.forward(x, 1, QuantizedNetwork.Kernels.VECTOR), models[k] + ": vector vs reference");
        }
    }
}
