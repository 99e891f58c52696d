package org.mobilenet.engine.shrink;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;

/**
 * Makes a thinner (alpha) and/or lower-resolution (rho) and/or shallow MobileNet from a trained one
 * by keeping, in every layer, the output channels ranked highest by a {@link Criterion}, so that
 * each layer ends with exactly the width {@code ModelSpec.width(base, alpha)} gives.
 *
 * <p>The coupling of the network is kept: the channels a layer keeps fix the next depthwise conv's
 * channels and the next pointwise (or full) conv's input channels; the classifier keeps the matching
 * input columns; biases and BatchNorm statistics travel with their channels. Channels are ranked on
 * the BN-folded filter of a layer after its input channels were cut, so the score is of what remains.
 * A different resolution leaves the weights unchanged (global pooling covers any final map).
 */
public final class Shrinker {
    private Shrinker() {
    }

    public static Model shrink(Model source, ShrinkOptions o) {
        return shrink(source, o, Map.of());
    }

    /**
     * Shrinks with a bias correction: {@code inputMeans} gives, for source layers, the mean of each
     * channel of their input over calibration images ({@link ChannelMeans}); a conv, pointwise or FC
     * layer that loses input channels gets {@code sum over removed c of W[o, c, taps] * mean[c]} added
     * to its bias, as if the removed channels still carried their average activation.
     */
    public static Model shrink(Model source, ShrinkOptions o, Map<String, float[]> inputMeans) {
        if (source.architecture() instanceof MobileNetV2Spec v2) {
            return shrinkV2(source, v2, o, inputMeans);
        }
        ModelSpec src = source.requireV1("shrunk");
        if (o.alpha() > src.alpha() + 1e-9) {
            throw new IllegalArgumentException("target alpha " + o.alpha() + " is larger than the source's " + src.alpha()
                    + ": shrinking cannot add channels");
        }
        if (src.variant() == Variant.SHALLOW && !o.shallow()) {
            throw new IllegalArgumentException("the source is already shallow: its removed blocks cannot be restored");
        }
        Variant variant = o.shallow() ? shallowOf(src.variant()) : src.variant();
        ModelSpec target = new ModelSpec(o.alpha(), o.resolution(), src.classes(), variant, src.padding(), src.softmax());
        Map<String, String> sourceLayer = layerMapping(src, target);
        Model folded = source.foldBatchNorm();
        SplittableRandom rnd = new SplittableRandom(o.seed());
        Map<String, Tensor> out = new LinkedHashMap<>();
        int[] inKept = ChannelSelection.all(3);
        for (LayerSpec t : target.weightedLayers()) {
            String from = sourceLayer.get(t.name());
            LayerSpec s = find(src, from);
            int[] outKept;
            if (t.kind() == LayerKind.DEPTHWISE) {
                outKept = inKept;
            } else if (t.kind() == LayerKind.FC) {
                outKept = ChannelSelection.all(s.outChannels());
            } else {
                float[] scored = sliceInputs(s, folded.tensor(TensorNames.weight(from)), inKept).data();
                outKept = ChannelSelection.select(scored, s.outChannels(), t.outChannels(), o.criterion(), rnd);
            }
            copyLayer(source, s, from, t.name(), inKept, outKept, out);
            float[] means = inputMeans.get(from);
            if (means != null && t.kind() != LayerKind.DEPTHWISE) {
                compensate(source.tensor(TensorNames.weight(from)), s, t.name(), inKept, outKept, means, out);
            }
            inKept = outKept;
        }
        return new Model(target, out, source.bnEpsilon(), source.preprocessing(), source.labels(), source.metadata());
    }

    /**
     * MobileNet v2: the same layers at the target alpha (and resolution). The residual streams stay
     * coupled: the projections of a row of blocks and the adds between them all write one stream, so
     * they keep one set of channels, chosen on the scores of all the stream's projection filters
     * together; the expansion (and so depthwise) channels of each block, the stem and the last conv
     * are chosen freely. Each layer's inputs follow the channels its input kept.
     */
    private static Model shrinkV2(Model source, MobileNetV2Spec src, ShrinkOptions o, Map<String, float[]> inputMeans) {
        if (o.alpha() > src.alpha() + 1e-9) {
            throw new IllegalArgumentException("target alpha " + o.alpha() + " is larger than the source's " + src.alpha()
                    + ": shrinking cannot add channels");
        }
        if (o.shallow()) {
            throw new IllegalArgumentException("the shallow variant removes MobileNet v1 blocks; a MobileNet v2 has no"
                    + " shallow variant");
        }
        MobileNetV2Spec target = src.withAlpha(o.alpha()).withResolution(o.resolution());
        LayerGraph sg = src.graph();
        LayerGraph tg = target.graph();
        // The stream each layer writes: an add joins its addend's and its predecessor's streams.
        Map<String, String> stream = new HashMap<>();
        List<LayerSpec> layers = sg.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            stream.put(l.name(), l.name());
            if (l.kind() == LayerKind.ADD) {
                String root = root(stream, l.addend());
                stream.put(root(stream, layers.get(i - 1).name()), root);
                stream.put(l.name(), root);
            }
        }
        Model folded = source.foldBatchNorm();
        Map<String, List<LayerSpec>> members = new HashMap<>();
        for (LayerSpec l : layers) {
            if (l.kind().hasWeights()) {
                members.computeIfAbsent(root(stream, l.name()), k -> new java.util.ArrayList<>()).add(l);
            }
        }
        SplittableRandom rnd = new SplittableRandom(o.seed());
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, int[]> keptOf = new HashMap<>();
        Map<String, int[]> streamKept = new HashMap<>();
        int[] inKept = ChannelSelection.all(3);
        for (int i = 0; i < tg.layers().size(); i++) {
            LayerSpec t = tg.layers().get(i);
            LayerSpec s = layers.get(i);
            int[] outKept;
            switch (t.kind()) {
                case ADD -> outKept = keptOf.get(t.addend());
                case AVG_POOL, SOFTMAX, SIGMOID -> outKept = inKept;
                default -> {
                    if (t.kind() == LayerKind.DEPTHWISE) {
                        outKept = inKept;
                    } else if (t.kind() == LayerKind.FC) {
                        outKept = ChannelSelection.all(s.outChannels());
                    } else {
                        String root = root(stream, s.name());
                        List<LayerSpec> coupled = members.get(root);
                        if (coupled.size() > 1) {
                            outKept = streamKept.get(root);
                            if (outKept == null) {
                                outKept = ChannelSelection.select(rows(folded, coupled), s.outChannels(),
                                        t.outChannels(), o.criterion(), rnd);
                                streamKept.put(root, outKept);
                            }
                        } else {
                            float[] scored = sliceInputs(s, folded.tensor(TensorNames.weight(s.name())), inKept).data();
                            outKept = ChannelSelection.select(scored, s.outChannels(), t.outChannels(), o.criterion(), rnd);
                        }
                    }
                    copyLayer(source, s, s.name(), t.name(), inKept, outKept, out);
                    float[] means = inputMeans.get(s.name());
                    if (means != null && t.kind() != LayerKind.DEPTHWISE) {
                        compensate(source.tensor(TensorNames.weight(s.name())), s, t.name(), inKept, outKept, means, out);
                    }
                }
            }
            if (outKept.length != t.outChannels()) {
                throw new IllegalStateException(t.name() + ": kept " + outKept.length + " channels for "
                        + t.outChannels());
            }
            keptOf.put(t.name(), outKept);
            inKept = outKept;
        }
        return new Model(target, out, source.bnEpsilon(), source.preprocessing(), source.labels(), source.metadata());
    }

    private static String root(Map<String, String> parent, String name) {
        String r = name;
        while (!parent.get(r).equals(r)) {
            r = parent.get(r);
        }
        return r;
    }

    /** The folded weights of the layers writing one stream, side by side: one row per output channel. */
    private static float[] rows(Model folded, List<LayerSpec> coupled) {
        int cout = coupled.get(0).outChannels();
        int per = 0;
        for (LayerSpec l : coupled) {
            per += folded.tensor(TensorNames.weight(l.name())).data().length / cout;
        }
        float[] rows = new float[cout * per];
        int at = 0;
        for (LayerSpec l : coupled) {
            float[] w = folded.tensor(TensorNames.weight(l.name())).data();
            int n = w.length / cout;
            for (int o = 0; o < cout; o++) {
                System.arraycopy(w, o * n, rows, o * per + at, n);
            }
            at += n;
        }
        return rows;
    }

    private static Variant shallowOf(Variant v) {
        if (v == Variant.CONV) {
            throw new IllegalArgumentException("the shallow variant applies to separable models, not the conv variant");
        }
        return Variant.SHALLOW;
    }

    /** Target layer name to source layer name: the same blocks in order, skipping those the target drops. */
    private static Map<String, String> layerMapping(ModelSpec src, ModelSpec target) {
        List<Integer> srcBlocks = ModelSpec.blockIndices(src.variant());
        List<Integer> tgtBlocks = ModelSpec.blockIndices(target.variant());
        Map<String, String> m = new LinkedHashMap<>();
        m.put("conv1", "conv1");
        m.put("fc", "fc");
        for (int ti = 0; ti < tgtBlocks.size(); ti++) {
            int si = srcBlocks.indexOf(tgtBlocks.get(ti));
            for (String part : new String[] {".dw", ".pw", ".conv"}) {
                m.put("blocks." + ti + part, "blocks." + si + part);
            }
        }
        return m;
    }

    private static LayerSpec find(ModelSpec spec, String name) {
        for (LayerSpec l : spec.weightedLayers()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalStateException("no layer " + name + " in " + spec);
    }

    /** The weight tensor with only the kept input channels (all for depthwise). */
    private static Tensor sliceInputs(LayerSpec s, Tensor w, int[] inKept) {
        if (s.kind() == LayerKind.DEPTHWISE) {
            return w;
        }
        int cout = s.outChannels();
        int cin = s.inChannels();
        int k2 = s.kind() == LayerKind.FC ? 1 : s.kernel() * s.kernel();
        float[] src = w.data();
        float[] dst = new float[cout * inKept.length * k2];
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < inKept.length; i++) {
                System.arraycopy(src, (o * cin + inKept[i]) * k2, dst, (o * inKept.length + i) * k2, k2);
            }
        }
        int[] shape = w.shape();
        shape[1] = inKept.length;
        return new Tensor(shape, dst);
    }

    private static Tensor sliceOutputs(Tensor t, int[] outKept) {
        int cout = t.dim(0);
        int per = t.data().length / cout;
        float[] dst = new float[outKept.length * per];
        for (int i = 0; i < outKept.length; i++) {
            System.arraycopy(t.data(), outKept[i] * per, dst, i * per, per);
        }
        int[] shape = t.shape();
        shape[0] = outKept.length;
        return new Tensor(shape, dst);
    }

    /** Adds the removed input channels' mean contribution to the kept output channels' bias. */
    private static void compensate(Tensor w, LayerSpec s, String to, int[] inKept, int[] outKept, float[] means,
            Map<String, Tensor> out) {
        int cin = s.inChannels();
        if (means.length != cin) {
            throw new IllegalArgumentException(s.name() + ": calibration means have " + means.length
                    + " channels, the layer takes " + cin);
        }
        boolean[] kept = new boolean[cin];
        for (int c : inKept) {
            kept[c] = true;
        }
        int taps = s.kind() == LayerKind.FC ? 1 : s.kernel() * s.kernel();
        float[] wd = w.data();
        Tensor bias = out.get(TensorNames.bias(to));
        float[] b = bias == null ? new float[outKept.length] : bias.data().clone();
        for (int i = 0; i < outKept.length; i++) {
            double delta = 0;
            for (int c = 0; c < cin; c++) {
                if (!kept[c]) {
                    for (int k = 0; k < taps; k++) {
                        delta += (double) wd[(outKept[i] * cin + c) * taps + k] * means[c];
                    }
                }
            }
            b[i] = (float) (b[i] + delta);
        }
        out.put(TensorNames.bias(to), new Tensor(new int[] {outKept.length}, b));
    }

    /** Copies a layer's weight, bias and BN tensors (as the source has them) with the kept channels. */
    private static void copyLayer(Model source, LayerSpec s, String from, String to, int[] inKept, int[] outKept,
            Map<String, Tensor> out) {
        Tensor w = sliceInputs(s, source.tensor(TensorNames.weight(from)), inKept);
        out.put(TensorNames.weight(to), sliceOutputs(w, outKept));
        if (source.has(TensorNames.bias(from))) {
            out.put(TensorNames.bias(to), sliceOutputs(source.tensor(TensorNames.bias(from)), outKept));
        }
        if (source.has(TensorNames.bnGamma(from))) {
            String[] src = TensorNames.bn(from);
            String[] dst = TensorNames.bn(to);
            for (int i = 0; i < src.length; i++) {
                out.put(dst[i], sliceOutputs(source.tensor(src[i]), outKept));
            }
        }
    }
}
