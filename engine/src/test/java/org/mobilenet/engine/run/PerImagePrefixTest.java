package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
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
}
