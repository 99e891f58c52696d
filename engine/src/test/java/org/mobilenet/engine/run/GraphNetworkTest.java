package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.LoopKernels;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.kernels.VectorKernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;

/**
 * MobileNet v2 (residual adds, linear projections, each layer its own activation) and other layer
 * graphs on every kernel set against the scalar reference, on one and two threads, for single images
 * and batches (whose leading layers, adds included, run image by image).
 */
class GraphNetworkTest {

    private static float[] images(int n, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * h * w * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4f * (1 + Math.abs(want[i])),
                    what + ": value " + i + " expected " + want[i] + " but was " + got[i]);
        }
    }

    private static void assertEveryKernelSetMatchesTheReference(Model m, long seed) {
        int h = m.inputHeight();
        int w = m.inputWidth();
        try (Network scalar = Network.compile(m, new ScalarKernels())) {
            for (int n : new int[] {1, 3}) {
                float[] in = images(n, h, w, seed + n);
                float[] want = scalar.forward(in, n);
                for (Kernels k : new Kernels[] {new LoopKernels(), new VectorKernels()}) {
                    for (int threads = 1; threads <= 2; threads++) {
                        try (Network net = Network.compile(m, k, threads)) {
                            String what = m.describe() + " " + k.name() + " threads " + threads + " batch " + n;
                            assertClose(want, net.forward(in, n), what);
                            // Twice: the buffers are reused, and nothing may depend on what they held.
                            assertClose(want, net.forward(in, n), what + " again");
                        }
                    }
                }
            }
        }
    }

    @Test
    void seededV2GivesTheReferenceOutputsOnEveryKernelSetThreadCountAndBatch() {
        assertEveryKernelSetMatchesTheReference(
                SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 11, true), 21), 1);
        assertEveryKernelSetMatchesTheReference(
                SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(96), 17, false), 22), 2);
    }

    /**
     * A v1 body ending in a 2 x 3 map read by a dense layer without pooling (Keras's Flatten then
     * Dense): the layer reads the map as one vector in NHWC order, on every kernel set.
     */
    @Test
    void aDenseLayerOverAnUnpooledMapReadsItFlattenedInNhwcOrder() {
        LayerGraph body = new ModelSpec(0.25, new Resolution(64, 96), 0, Variant.SEPARABLE, Padding.TF_SAME, false)
                .graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        layers.remove(layers.size() - 1); // the pooling
        org.mobilenet.engine.arch.Shape map = layers.get(layers.size() - 1).out();
        assertEquals(new org.mobilenet.engine.arch.Shape(2, 3, 256), map);
        org.mobilenet.engine.arch.Shape hidden = new org.mobilenet.engine.arch.Shape(1, 1, 10);
        org.mobilenet.engine.arch.Shape logits = new org.mobilenet.engine.arch.Shape(1, 1, 4);
        layers.add(new LayerSpec("dense", LayerKind.FC, 1, 1, org.mobilenet.engine.arch.Pads.NONE, map, hidden,
                Activation.RELU, null));
        layers.add(new LayerSpec("head", LayerKind.FC, 1, 1, org.mobilenet.engine.arch.Pads.NONE, hidden, logits,
                Activation.NONE, null));
        Model m = SeededInit.create(new LayerGraph("v1", body.input(), layers), 31).foldBatchNorm();
        LayerSpec dense = m.graph().layer("dense").orElseThrow();
        assertTrue(dense.flattens());
        assertEquals(2 * 3 * 256, dense.inChannels());
        assertEquals(List.of(10, 1536), java.util.Arrays.stream(dense.weightShape()).boxed().toList());
        assertEveryKernelSetMatchesTheReference(m, 7);

        // By hand from the map the last convolution gives: relu(W x + b), x the map in NHWC order.
        float[] in = images(1, 64, 96, 8);
        String last = layers.get(layers.size() - 3).name();
        float[][] seen = new float[2][];
        try (Network net = Network.compile(m, new ScalarKernels())) {
            net.forward(in, 1, (layer, out, batch) -> {
                if (layer.name().equals(last)) {
                    seen[0] = out.clone();
                } else if (layer.name().equals("dense")) {
                    seen[1] = out.clone();
                }
            });
        }
        float[] w = m.tensor(org.mobilenet.engine.model.TensorNames.weight("dense")).data();
        float[] b = m.tensor(org.mobilenet.engine.model.TensorNames.bias("dense")).data();
        for (int o = 0; o < 10; o++) {
            double acc = b[o];
            for (int i = 0; i < 1536; i++) {
                acc += (double) w[o * 1536 + i] * seen[0][i];
            }
            float want = (float) Math.max(acc, 0);
            assertTrue(Math.abs(want - seen[1][o]) <= 1e-4f * (1 + Math.abs(want)), o + ": " + want + " vs " + seen[1][o]);
        }
    }

    /**
     * MobileNet v3's pieces: hard-swish after convolutions and a dense layer, and a squeeze-and-excite
     * block (pool the depthwise output, dense + ReLU, dense + hard-sigmoid, scale the depthwise output's
     * channels by that gate) feeding a linear projection with a residual add, at an odd size. Every kernel
     * set gives the scalar reference's outputs, and the block computes what its definition says.
     */
    @Test
    void aV3BlockWithHardSwishAndSqueezeExciteGivesTheReferenceOutputsAndItsDefinition() {
        org.mobilenet.engine.arch.Shape in = new org.mobilenet.engine.arch.Shape(37, 41, 3);
        List<LayerSpec> layers = new ArrayList<>();
        LayerSpec stem = LayerSpec.conv("stem", LayerKind.CONV, 3, 2, Padding.SYMMETRIC, in, 16, Activation.HARD_SWISH);
        layers.add(stem);
        LayerSpec dw = LayerSpec.conv("dw", LayerKind.DEPTHWISE, 5, 1, Padding.SYMMETRIC, stem.out(), 16, Activation.RELU);
        layers.add(dw);
        org.mobilenet.engine.arch.Shape pooled = new org.mobilenet.engine.arch.Shape(1, 1, 16);
        org.mobilenet.engine.arch.Shape squeezed = new org.mobilenet.engine.arch.Shape(1, 1, 8);
        org.mobilenet.engine.arch.Pads none = org.mobilenet.engine.arch.Pads.NONE;
        layers.add(new LayerSpec("se.pool", LayerKind.AVG_POOL, dw.out().h(), 1, none, dw.out(), pooled));
        layers.add(new LayerSpec("se.fc1", LayerKind.FC, 1, 1, none, pooled, squeezed, Activation.RELU, null));
        layers.add(new LayerSpec("se.fc2", LayerKind.FC, 1, 1, none, squeezed, pooled, Activation.HARD_SIGMOID, null));
        layers.add(new LayerSpec("se.scale", LayerKind.SCALE, 1, 1, none, pooled, dw.out(), Activation.NONE, "dw"));
        LayerSpec project = LayerSpec.conv("project", LayerKind.POINTWISE, 1, 1, Padding.SYMMETRIC, dw.out(), 16,
                Activation.NONE);
        layers.add(project);
        layers.add(LayerSpec.add("add", project.out(), "stem"));
        layers.add(new LayerSpec("pool", LayerKind.AVG_POOL, project.out().h(), 1, none, project.out(), pooled));
        org.mobilenet.engine.arch.Shape hidden = new org.mobilenet.engine.arch.Shape(1, 1, 32);
        org.mobilenet.engine.arch.Shape logits = new org.mobilenet.engine.arch.Shape(1, 1, 5);
        layers.add(new LayerSpec("fc1", LayerKind.FC, 1, 1, none, pooled, hidden, Activation.HARD_SWISH, null));
        layers.add(new LayerSpec("fc2", LayerKind.FC, 1, 1, none, hidden, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, none, logits, logits));
        Model m = SeededInit.create(new LayerGraph("v3", in, layers), 44).foldBatchNorm();
        assertEveryKernelSetMatchesTheReference(m, 9);

        float[] x = images(1, 37, 41, 10);
        java.util.Map<String, float[]> seen = new java.util.HashMap<>();
        try (Network net = Network.compile(m, new VectorKernels())) {
            net.forward(x, 1, (layer, out, batch) -> seen.put(layer.name(), out.clone()));
        }
        float[] map = seen.get("dw");
        float[] gate = seen.get("se.fc2");
        float[] scaled = seen.get("se.scale");
        for (int i = 0; i < map.length; i++) {
            assertEquals(map[i] * gate[i % 16], scaled[i], 1e-6f * (1 + Math.abs(scaled[i])), "scaled value " + i);
        }
        for (float g : gate) {
            assertTrue(g >= 0 && g <= 1, "a hard-sigmoid gate lies in [0, 1]: " + g);
        }
        for (float v : seen.get("stem")) {
            assertTrue(v >= -0.375f, "hard-swish is at least -3/8: " + v);
        }
    }

    @Test
    void hardSwishAndHardSigmoidAreTheirDefinitions() {
        assertEquals(0f, Activation.HARD_SWISH.apply(-4f), 0f);
        assertEquals(-1f / 3, Activation.HARD_SWISH.apply(-1f), 1e-7f);
        assertEquals(2f / 3, Activation.HARD_SWISH.apply(1f), 1e-7f);
        assertEquals(4f, Activation.HARD_SWISH.apply(4f));
        assertEquals(0.5f, Activation.HARD_SIGMOID.apply(0f));
        assertEquals(1f, Activation.HARD_SIGMOID.apply(3.5f));
        assertEquals(0f, Activation.HARD_SIGMOID.apply(-3f));
        assertTrue(!Activation.HARD_SWISH.clamps() && Activation.RELU6.clamps());
    }

    @Test
    void aNonSquareV2GivesTheReferenceOutputs() {
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, new Resolution(72, 56), 9, true);
        Model m = SeededInit.create(spec, 23);
        assertEquals(72 * 56 * 3, Network.compile(m, new ScalarKernels()).inputSize());
        assertEveryKernelSetMatchesTheReference(m, 3);
    }

    @Test
    void aHeadlessV2OutputsThePooledFeatures() {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 0, false), 24);
        try (Network net = Network.compile(m, new VectorKernels())) {
            assertEquals(1280, net.outputSize());
            assertEquals(1280, m.featureWidth());
            for (float f : net.forward(images(1, 64, 64, 4), 1)) {
                assertTrue(f >= 0 && f <= 6, "pooled ReLU6 features lie in [0, 6]");
            }
        }
    }

    @Test
    void theResidualAddsChangeTheResult() {
        // The same weights with the adds taken out of the graph give other outputs: the adds run.
        MobileNetV2Spec spec = new MobileNetV2Spec(0.35, Resolution.square(64), 11, false);
        Model m = SeededInit.create(spec, 25);
        LayerGraph g = m.graph();
        LayerGraph noAdds = new LayerGraph(g.family(), g.input(),
                g.layers().stream().filter(l -> l.kind() != LayerKind.ADD).toList());
        Model plain = new Model(noAdds, m.tensors(), m.bnEpsilon(), m.preprocessing());
        float[] in = images(1, 64, 64, 5);
        float[] a = Network.compile(m, new VectorKernels()).forward(in, 1);
        float[] b = Network.compile(plain, new VectorKernels()).forward(in, 1);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
    }

    @Test
    void eachLayerRunsItsOwnActivation() {
        // A v1 graph whose pointwise convs are linear (no activation) is not the v1 of ReLU6 everywhere.
        ModelSpec spec = new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, false);
        Model m = SeededInit.create(spec, 26);
        LayerGraph g = m.graph();
        LayerGraph linear = new LayerGraph(g.family(), g.input(), g.layers().stream()
                .map(l -> l.kind() == LayerKind.POINTWISE ? l.withActivation(Activation.NONE) : l).toList());
        Model lm = new Model(linear, m.tensors(), m.bnEpsilon(), m.preprocessing());
        assertEveryKernelSetMatchesTheReference(lm, 6);
        float[] in = images(1, 64, 64, 7);
        assertNotEquals(Arrays.toString(Network.compile(m, new ScalarKernels()).forward(in, 1)),
                Arrays.toString(Network.compile(lm, new ScalarKernels()).forward(in, 1)));
    }

    @Test
    void theReluMetadataOfAV1StillSelectsPlainRelu() {
        ModelSpec spec = new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, false);
        Model six = SeededInit.create(spec, 27);
        Model relu = six.withMetadata(java.util.Map.of(Model.ACTIVATION_KEY, "relu"));
        assertTrue(relu.graph().layers().stream().filter(l -> l.kind().hasWeights() && l.kind() != LayerKind.FC)
                .allMatch(l -> l.activation() == Activation.RELU));
        float[] in = images(1, 64, 64, 8);
        for (int i = 0; i < in.length; i++) {
            in[i] *= 40; // large inputs, so some activations pass 6
        }
        float[] a = Network.compile(six, new VectorKernels()).forward(in, 1);
        float[] b = Network.compile(relu, new VectorKernels()).forward(in, 1);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        assertClose(Network.compile(relu, new ScalarKernels()).forward(in, 1), b, "relu vector vs scalar");
    }

    @Test
    void aV2BatchRunsItsLeadingLayersAddsIncludedImageByImage() {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 1000, true), 28);
        List<LayerSpec> layers = m.graph().layers();
        int prefix = PerImagePrefix.length(layers);
        assertTrue(prefix > 0 && prefix < layers.size(), "image by image up to a batched classifier");
        assertTrue(layers.subList(0, prefix).stream().anyMatch(l -> l.kind() == LayerKind.ADD), "adds in the prefix");
        int n = 3;
        float[] in = images(n, 64, 64, 9);
        for (int threads = 1; threads <= 2; threads++) {
            try (Network net = Network.compile(m, new VectorKernels(), threads)) {
                float[] split = net.forward(in, n);
                float[] batched = net.forward(in, n, (layer, out, b) -> { });
                assertClose(batched, split, "threads " + threads + " batched vs image by image");
            }
        }
    }

    @Test
    void observerAndLayerTimesCoverEveryLayerAddsIncluded() {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 10, true), 29);
        List<String> seen = new ArrayList<>();
        try (Network net = Network.compile(m, new LoopKernels())) {
            net.forward(images(2, 64, 64, 10), 2, (l, out, n) -> {
                seen.add(l.name());
                assertTrue(out.length >= n * l.out().size());
            });
            assertEquals(m.graph().layers().stream().map(LayerSpec::name).toList(), seen);
            assertEquals(m.graph().layers().size(), net.timeLayers(images(1, 64, 64, 11), 1, 2).length);
            assertEquals(m.graph(), net.graph());
        }
    }

    @Test
    void aV2ModelHasNoV1Spec() {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(64), 10, true), 30);
        assertThrows(org.mobilenet.engine.model.UnsupportedModelException.class, m::spec);
        try (Network net = Network.compile(m, new ScalarKernels())) {
            assertThrows(org.mobilenet.engine.model.UnsupportedModelException.class, net::spec);
        }
        var e = assertThrows(org.mobilenet.engine.model.UnsupportedModelException.class,
                () -> m.requireV1("exported to ONNX"));
        assertTrue(e.getMessage().startsWith("MobileNet v2 models cannot be exported to ONNX yet"), e.getMessage());
    }
}
