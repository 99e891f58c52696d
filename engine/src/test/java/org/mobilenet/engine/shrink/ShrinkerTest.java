package org.mobilenet.engine.shrink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.run.Network;

class ShrinkerTest {
    private static final ModelSpec SOURCE = new ModelSpec(1.0, 32, 10, Variant.SEPARABLE, Padding.TF_SAME, true);

    private static float[] image(int res, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[res * res * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Which source channels a shrunk layer kept, recovered from its BatchNorm means (distinct in a seeded model). */
    private static int[] keptChannels(Model src, Model shrunk, String layer) {
        float[] all = src.tensor(org.mobilenet.engine.model.TensorNames.bnMean(layer)).data();
        float[] kept = shrunk.tensor(org.mobilenet.engine.model.TensorNames.bnMean(layer)).data();
        int[] idx = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            idx[i] = -1;
            for (int j = 0; j < all.length; j++) {
                if (Float.floatToRawIntBits(all[j]) == Float.floatToRawIntBits(kept[i])) {
                    idx[i] = j;
                }
            }
        }
        return idx;
    }

    @Test
    void aV2KeepsOneChannelSetPerResidualStreamAndTheCostOfTheTarget() {
        org.mobilenet.engine.arch.MobileNetV2Spec spec = new org.mobilenet.engine.arch.MobileNetV2Spec(1.0,
                org.mobilenet.engine.arch.Resolution.square(64), 10, true);
        Model src = SeededInit.create(spec, 4);
        Model m = Shrinker.shrink(src, new ShrinkOptions(0.5, 64, false, Criterion.L1, 0));
        assertEquals(spec.withAlpha(0.5), m.architecture());
        assertEquals(org.mobilenet.engine.cost.CostModel.of(spec.withAlpha(0.5)).totalMultAdds(),
                org.mobilenet.engine.cost.CostModel.of(m).totalMultAdds());
        // Blocks 1-2, 3-5, 6-9, 10-12, 13-15 each write one stream: the same channels throughout.
        int[][] streams = {{1, 2}, {3, 4, 5}, {6, 7, 8, 9}, {10, 11, 12}, {13, 14, 15}};
        boolean expansionsDiffer = false;
        for (int[] st : streams) {
            int[] first = keptChannels(src, m, "blocks." + st[0] + ".project");
            for (int b : st) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first, keptChannels(src, m, "blocks." + b + ".project"),
                        "blocks." + b);
            }
            expansionsDiffer |= !java.util.Arrays.equals(keptChannels(src, m, "blocks." + st[1] + ".expand"),
                    keptChannels(src, m, "blocks." + st[0] + ".expand"));
        }
        assertTrue(expansionsDiffer, "expansion channels are chosen per block");
        // The shrunk graph runs.
        float[] y = Network.compile(m).forward(image(64, 1), 1);
        assertEquals(10, y.length);
        // Keeping every channel gives the source back.
        Model same = Shrinker.shrink(src, new ShrinkOptions(1.0, 64, false, Criterion.L2, 0));
        for (var e : src.tensors().entrySet()) {
            assertEquals(e.getValue(), same.tensor(e.getKey()), e.getKey());
        }
        assertThrows(IllegalArgumentException.class, () -> Shrinker.shrink(src, new ShrinkOptions(0.5, 64, true,
                Criterion.L1, 0)));
    }

    @Test
    void shrunkModelHasExactlyTheCostOfTheTargetArchitecture() {
        Model src = SeededInit.create(SOURCE.withResolution(64), 3);
        Model m = Shrinker.shrink(src, new ShrinkOptions(0.5, 64, false, Criterion.L1, 0));
        ModelSpec want = SOURCE.withResolution(64).withAlpha(0.5);
        assertEquals(want, m.spec());
        assertEquals(CostModel.of(want).totalMultAdds(), CostModel.of(m).totalMultAdds());
        assertEquals(CostModel.of(want).totalParams(), CostModel.of(m).totalParams());
    }

    @Test
    void keepingEveryChannelReproducesTheSourceExactly() {
        Model src = SeededInit.create(SOURCE, 4);
        Model same = Shrinker.shrink(src, new ShrinkOptions(1.0, 32, false, Criterion.L1, 0));
        float[] in = image(32, 1);
        assertArrayEquals(Network.compile(src).forward(in, 1), Network.compile(same).forward(in, 1), 0f);
    }

    @Test
    void removingDeadChannelsKeepsTheOutputsAndHonoursTheCoupling() {
        // Kill half the channels of every conv (weights and bias zero, so ReLU6 outputs 0 there);
        // L1 must find exactly the live ones, and the shrunk network must compute the same function.
        Model src = withDeadChannels(SeededInit.create(SOURCE, 5).foldBatchNorm(), 0.5, 9);
        for (Criterion c : new Criterion[] {Criterion.L1, Criterion.L2}) {
            Model m = Shrinker.shrink(src, new ShrinkOptions(0.5, 32, false, c, 0));
            float[] in = image(32, 2);
            assertArrayEquals(Network.compile(src).forward(in, 1), Network.compile(m).forward(in, 1), 1e-5f, c.id());
        }
    }

    @Test
    void biasCorrectionReplacesConstantRemovedChannelsExactly() {
        // Removed channels that output a constant (zero weights, positive bias) are replaced exactly by
        // their calibration mean; without the correction the outputs differ.
        Model src = withConstantChannels(SeededInit.create(SOURCE.withSoftmax(false), 5).foldBatchNorm(), 0.5, 9);
        ChannelMeans means = new ChannelMeans(Network.compile(src));
        means.accumulate(image(32, 7), 1);
        means.accumulate(image(32, 8), 1);
        ShrinkOptions half = new ShrinkOptions(0.5, 32, false, Criterion.L1, 0);
        Model corrected = Shrinker.shrink(src, half, means.inputMeans());
        Model plain = Shrinker.shrink(src, half);
        float[] in = image(32, 3);
        float[] want = Network.compile(src).forward(in, 1);
        assertArrayEquals(want, Network.compile(corrected).forward(in, 1), 1e-4f);
        float[] uncorrected = Network.compile(plain).forward(in, 1);
        float worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - uncorrected[i]));
        }
        assertTrue(worst > 1e-2, "the correction matters here: " + worst);
    }

    @Test
    void batchNormStatisticsTravelWithTheirChannels() {
        Model src = withDeadChannels(SeededInit.create(SOURCE, 5).foldBatchNorm(), 0.5, 9);
        // Re-express the folded biases as unfolded BN whose statistics differ per channel.
        Map<String, Tensor> t = new LinkedHashMap<>(src.tensors());
        for (LayerSpec l : SOURCE.weightedLayers()) {
            if (l.kind() == LayerKind.FC) {
                continue;
            }
            int c = l.outChannels();
            float[] g = new float[c];
            float[] b = new float[c];
            float[] mean = new float[c];
            float[] var = new float[c];
            float[] bias = t.get(TensorNames.bias(l.name())).data();
            for (int i = 0; i < c; i++) {
                var[i] = 1 + i;
                g[i] = (float) Math.sqrt(var[i] + 1e-3);
                mean[i] = i * 0.01f;
                // g = sqrt(var + eps) makes BN(x) = x - mean + beta; beta = bias + mean gives x + bias.
                b[i] = bias[i] + mean[i];
            }
            t.remove(TensorNames.bias(l.name()));
            t.put(TensorNames.bnGamma(l.name()), new Tensor(new int[] {c}, g));
            t.put(TensorNames.bnBeta(l.name()), new Tensor(new int[] {c}, b));
            t.put(TensorNames.bnMean(l.name()), new Tensor(new int[] {c}, mean));
            t.put(TensorNames.bnVar(l.name()), new Tensor(new int[] {c}, var));
        }
        Model bn = new Model(SOURCE, t, 1e-3f, src.preprocessing());
        Model m = Shrinker.shrink(bn, new ShrinkOptions(0.5, 32, false, Criterion.L1, 0));
        assertTrue(m.hasBatchNorm());
        float[] in = image(32, 3);
        assertArrayEquals(Network.compile(src).forward(in, 1), Network.compile(m).forward(in, 1), 1e-4f);
    }

    @Test
    void randomCriterionIsSeededAndDiffersFromL1() {
        Model src = SeededInit.create(SOURCE, 6);
        Model a = Shrinker.shrink(src, new ShrinkOptions(0.5, 32, false, Criterion.RANDOM, 1));
        Model b = Shrinker.shrink(src, new ShrinkOptions(0.5, 32, false, Criterion.RANDOM, 1));
        Model l1 = Shrinker.shrink(src, new ShrinkOptions(0.5, 32, false, Criterion.L1, 1));
        assertEquals(a.tensors(), b.tensors());
        assertTrue(!Arrays.equals(a.tensor("conv1.weight").data(), l1.tensor("conv1.weight").data()));
    }

    @Test
    void resolutionChangesMultAddsButNotParams() {
        Model src = SeededInit.create(SOURCE.withResolution(192).withAlpha(0.75), 7);
        Model m = Shrinker.shrink(src, new ShrinkOptions(0.75, 128, false, Criterion.L1, 0));
        assertEquals(CostModel.of(src).totalParams(), CostModel.of(m).totalParams());
        assertEquals(CostModel.of(SOURCE.withResolution(128).withAlpha(0.75)).totalMultAdds(), CostModel.of(m).totalMultAdds());
        assertEquals(src.tensors(), m.tensors());
    }

    @Test
    void shallowDropsTheFive14x14Blocks() {
        Model src = SeededInit.create(SOURCE, 8);
        Model m = Shrinker.shrink(src, new ShrinkOptions(1.0, 32, true, Criterion.L1, 0));
        assertEquals(Variant.SHALLOW, m.spec().variant());
        assertEquals(src.tensor("blocks.11.dw.weight"), m.tensor("blocks.6.dw.weight"));
        assertEquals(src.tensor("blocks.12.pw.weight"), m.tensor("blocks.7.pw.weight"));
        assertEquals(src.tensor("fc.weight"), m.tensor("fc.weight"));
    }

    @Test
    void growingIsRefused() {
        Model src = SeededInit.create(SOURCE.withAlpha(0.5), 8);
        assertThrows(IllegalArgumentException.class,
                () -> Shrinker.shrink(src, new ShrinkOptions(0.75, 32, false, Criterion.L1, 0)));
    }

    /** Like {@link #withDeadChannels} but the removed channels output a constant: zero weights, bias in [0.5, 1.5). */
    private static Model withConstantChannels(Model folded, double keepAlpha, long seed) {
        Model dead = withDeadChannels(folded, keepAlpha, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        Map<String, Tensor> t = new LinkedHashMap<>(dead.tensors());
        for (LayerSpec l : dead.spec().weightedLayers()) {
            if (l.kind() == LayerKind.FC) {
                break;
            }
            float[] w = t.get(TensorNames.weight(l.name())).data();
            float[] b = t.get(TensorNames.bias(l.name())).data().clone();
            int per = w.length / l.outChannels();
            for (int o = 0; o < l.outChannels(); o++) {
                boolean zero = true;
                for (int i = 0; i < per && zero; i++) {
                    zero = w[o * per + i] == 0f;
                }
                if (zero) {
                    b[o] = (float) (0.5 + r.nextDouble());
                }
            }
            t.put(TensorNames.bias(l.name()), new Tensor(new int[] {l.outChannels()}, b));
        }
        return new Model(dead.spec(), t, dead.bnEpsilon(), dead.preprocessing());
    }

    /** Zeroes the weights and bias of all but {@code width(base, keepAlpha)} output channels of every conv. */
    private static Model withDeadChannels(Model folded, double keepAlpha, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>(folded.tensors());
        boolean[] deadIn = null;
        for (LayerSpec l : folded.spec().weightedLayers()) {
            if (l.kind() == LayerKind.FC) {
                break;
            }
            int c = l.outChannels();
            boolean[] dead;
            if (l.kind() == LayerKind.DEPTHWISE) {
                dead = deadIn;
            } else {
                dead = new boolean[c];
                int kill = c - ModelSpec.width(baseOf(l, folded.spec()), keepAlpha);
                while (kill > 0) {
                    int i = r.nextInt(c);
                    if (!dead[i]) {
                        dead[i] = true;
                        kill--;
                    }
                }
            }
            float[] w = t.get(TensorNames.weight(l.name())).data().clone();
            float[] b = t.get(TensorNames.bias(l.name())).data().clone();
            int per = w.length / c;
            for (int o = 0; o < c; o++) {
                if (dead[o]) {
                    Arrays.fill(w, o * per, (o + 1) * per, 0f);
                    b[o] = 0;
                }
            }
            t.put(TensorNames.weight(l.name()), new Tensor(t.get(TensorNames.weight(l.name())).shape(), w));
            t.put(TensorNames.bias(l.name()), new Tensor(new int[] {c}, b));
            deadIn = dead;
        }
        return new Model(folded.spec(), t, folded.bnEpsilon(), folded.preprocessing());
    }

    private static int baseOf(LayerSpec l, ModelSpec s) {
        return (int) Math.round(l.outChannels() / s.alpha());
    }
}
