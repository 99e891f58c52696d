package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;

class PerImagePrefixTest {

    private static String firstBatchedLayer(ModelSpec spec) {
        List<LayerSpec> layers = spec.layers();
        int n = PerImagePrefix.length(layers);
        return n == layers.size() ? "none" : layers.get(n).name();
    }

    @Test
    void thePaperModelBatchesFromTheFirstPointwiseWhoseWeightsOutgrowBothCacheAndActivations() {
        // blocks.5.pw: 131k weights < 150k activation values; blocks.6.pw: 262k weights > 200k values.
        assertEquals("blocks.6.pw", firstBatchedLayer(ModelSpec.paper()));
    }

    @Test
    void aNarrowModelRunsItsWholeBodyImageByImageAndBatchesTheClassifier() {
        assertEquals("fc", firstBatchedLayer(new ModelSpec(0.25, 128, 1000, Variant.SEPARABLE, Padding.TF_SAME, false)));
        assertEquals("none", firstBatchedLayer(new ModelSpec(0.25, 128, 0, Variant.SEPARABLE, Padding.TF_SAME, false)));
    }

    @Test
    void mobileNetV2BatchesFromTheFirstLayerWhoseWeightsOutgrowBothCacheAndActivations() {
        // blocks.13.project: 576 x 160 = 92k weights > 64k, and > 7x7x576 + 7x7x160 = 36k values.
        List<LayerSpec> layers = MobileNetV2Spec.paper().graph().layers();
        assertEquals("blocks.13.project", layers.get(PerImagePrefix.length(layers)).name());
    }

    @Test
    void thePrefixEndsWhereNoLaterAddReachesBackIntoIt() {
        // v2 up to blocks.12.add (14x14x96, all cheap), a cheap 1x1 conv, a heavy 3x3 conv (83k
        // weights), then an add of blocks.12.add's output: the batched layers need that output, so the
        // prefix cannot end after the cheap conv as weights alone would have it, but at blocks.12.add.
        LayerGraph v2 = MobileNetV2Spec.paper().graph();
        List<LayerSpec> layers = new ArrayList<>(v2.layers().subList(0, v2.indexOf("blocks.12.add") + 1));
        Shape map = layers.get(layers.size() - 1).out();
        layers.add(new LayerSpec("x.pw", LayerKind.POINTWISE, 1, 1, Pads.NONE, map, map, Activation.NONE, null));
        layers.add(new LayerSpec("x.heavy", LayerKind.CONV, 3, 1, new Pads(1, 1, 1, 1), map, map, Activation.RELU6, null));
        layers.add(LayerSpec.add("x.add", map, "blocks.12.add"));
        LayerGraph g = new LayerGraph("v2", v2.input(), layers);
        int p = PerImagePrefix.length(g.layers());
        assertEquals("blocks.12.add", g.layers().get(p - 1).name());
        // Without the reaching add, the prefix runs up to the heavy conv.
        LayerGraph plain = new LayerGraph("v2", v2.input(), layers.subList(0, layers.size() - 1));
        assertEquals("x.heavy", plain.layers().get(PerImagePrefix.length(plain.layers())).name());
    }
}
