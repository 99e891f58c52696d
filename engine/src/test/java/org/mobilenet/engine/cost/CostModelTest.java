package org.mobilenet.engine.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;

class CostModelTest {

    private static CostReport cost(double alpha, int res) {
        return CostModel.of(ModelSpec.paper().withAlpha(alpha).withResolution(res));
    }

    @Test
    void mobileNet224MatchesThePapersTotals() {
        CostReport r = cost(1.0, 224);
        assertEquals(568_740_352L, r.totalMultAdds());
        assertEquals(4_209_088L, r.totalParams());
    }

    @Test
    void paramsWithBiasAndBatchNormMatchKerasCount() {
        // Keras's MobileNet(alpha=1.0) reports 4,253,864 params: weights + 4 BN values per channel + FC bias.
        assertEquals(4_253_864L, cost(1.0, 224).totalParams(true));
    }

    @Test
    void table2SharesByLayerType() {
        Map<LayerType, CostReport.TypeShare> t = cost(1.0, 224).byType(false);
        assertShare(t.get(LayerType.CONV_1X1), 94.86, 74.59);
        assertShare(t.get(LayerType.DW_3X3), 3.06, 1.06);
        assertShare(t.get(LayerType.CONV_3X3), 1.91, 0.02);
        assertShare(t.get(LayerType.FC), 0.18, 24.33);
    }

    private static void assertShare(CostReport.TypeShare s, double multAdds, double params) {
        assertEquals(multAdds, s.multAddsPercent(), 0.005, s.type() + " Mult-Adds share");
        assertEquals(params, s.paramsPercent(), 0.005, s.type() + " params share");
    }

    @Test
    void widthMultiplierRowsOfTable6() {
        assertMillions(cost(0.75, 224), 325.4, 2.57);
        assertMillions(cost(0.5, 224), 149.5, 1.32);
        assertMillions(cost(0.25, 224), 41.0, 0.46);
    }

    @Test
    void resolutionRowsOfTable7() {
        assertEquals(418.1, cost(1.0, 192).totalMultAdds() / 1e6, 0.05);
        assertEquals(290.7, cost(1.0, 160).totalMultAdds() / 1e6, 0.05);
        assertEquals(186.4, cost(1.0, 128).totalMultAdds() / 1e6, 0.05);
    }

    @Test
    void convVariantOfTable4() {
        CostReport r = CostModel.of(ModelSpec.paper().withVariant(Variant.CONV));
        assertEquals(4867.3, r.totalMultAdds() / 1e6, 0.05);
        assertEquals(29.28, r.totalParams() / 1e6, 0.005);
    }

    @Test
    void shallowVariantOfTable5() {
        assertMillions(CostModel.of(ModelSpec.paper().withVariant(Variant.SHALLOW)), 307.3, 2.88);
    }

    private static void assertMillions(CostReport r, double multAdds, double params) {
        assertEquals(multAdds, r.totalMultAdds() / 1e6, 0.05, "Mult-Adds (M)");
        assertEquals(params, r.totalParams() / 1e6, 0.005, "params (M)");
    }

    private static LayerSpec layer(LayerKind kind, int k, int size, int inC, int outC) {
        Pads p = k == 3 ? new Pads(1, 1, 1, 1) : Pads.NONE;
        return new LayerSpec("l", kind, k, 1, p, new Shape(size, size, inC), new Shape(size, size, outC));
    }

    @Test
    void table3LayerOf14x14x512() {
        LayerSpec full = layer(LayerKind.CONV, 3, 14, 512, 512);
        assertEquals(462.4, CostModel.multAdds(full) / 1e6, 0.05);
        assertEquals(2.36, CostModel.params(full) / 1e6, 0.005);

        LayerSpec dw = layer(LayerKind.DEPTHWISE, 3, 14, 512, 512);
        LayerSpec pw = layer(LayerKind.POINTWISE, 1, 14, 512, 512);
        assertEquals(52.3, (CostModel.multAdds(dw) + CostModel.multAdds(pw)) / 1e6, 0.05);
        assertEquals(0.27, (CostModel.params(dw) + CostModel.params(pw)) / 1e6, 0.005);

        int c75 = ModelSpec.width(512, 0.75);
        LayerSpec dw75 = layer(LayerKind.DEPTHWISE, 3, 14, c75, c75);
        LayerSpec pw75 = layer(LayerKind.POINTWISE, 1, 14, c75, c75);
        assertEquals(29.6, (CostModel.multAdds(dw75) + CostModel.multAdds(pw75)) / 1e6, 0.05);
        assertEquals(0.15, (CostModel.params(dw75) + CostModel.params(pw75)) / 1e6, 0.005);

        // rho = 0.714: the 14x14 map becomes 10x10.
        LayerSpec dw10 = layer(LayerKind.DEPTHWISE, 3, 10, c75, c75);
        LayerSpec pw10 = layer(LayerKind.POINTWISE, 1, 10, c75, c75);
        assertEquals(15.1, (CostModel.multAdds(dw10) + CostModel.multAdds(pw10)) / 1e6, 0.05);
        assertEquals(0.15, (CostModel.params(dw10) + CostModel.params(pw10)) / 1e6, 0.005);
    }

    @Test
    void separableExampleOf6x6x3To4x4x5() {
        // Valid 3x3 conv on 6x6x3 with 5 filters: 4x4x5 outputs, 27 multiplies each.
        LayerSpec full = new LayerSpec("c", LayerKind.CONV, 3, 1, Pads.NONE, new Shape(6, 6, 3), new Shape(4, 4, 5));
        LayerSpec dw = new LayerSpec("d", LayerKind.DEPTHWISE, 3, 1, Pads.NONE, new Shape(6, 6, 3), new Shape(4, 4, 3));
        LayerSpec pw = new LayerSpec("p", LayerKind.POINTWISE, 1, 1, Pads.NONE, new Shape(4, 4, 3), new Shape(4, 4, 5));
        assertEquals(2160, CostModel.multAdds(full));
        assertEquals(432, CostModel.multAdds(dw));
        assertEquals(240, CostModel.multAdds(pw));
    }

    @Test
    void paddingConventionDoesNotChangeCost() {
        CostReport tf = cost(1.0, 224);
        CostReport pt = CostModel.of(ModelSpec.paper().withPadding(Padding.SYMMETRIC));
        assertEquals(tf.totalMultAdds(), pt.totalMultAdds());
        assertEquals(tf.totalParams(), pt.totalParams());
    }

    @Test
    void aNonSquareV1CostsExactlyItsHeightTimesWidth() {
        // 160x224 gives maps of 80x112, 40x56, ... 5x7: each exactly 5/7 of 224's area, so every conv
        // costs 5/7 of its 224 cost and the classifier the same.
        CostReport square = cost(1.0, 224);
        CostReport wide = CostModel.of(ModelSpec.paper().withResolution(Resolution.parse("160x224")));
        long fc = 1024L * 1000;
        assertEquals((square.totalMultAdds() - fc) * 5 / 7 + fc, wide.totalMultAdds());
        assertEquals(406_535_680L, wide.totalMultAdds());
        assertEquals(square.totalParams(), wide.totalParams());
        // Transposed, the same cost: a conv's cost depends on its output area only.
        CostReport tall = CostModel.of(ModelSpec.paper().withResolution(Resolution.parse("224x160")));
        assertEquals(wide.totalMultAdds(), tall.totalMultAdds());
    }

    @Test
    void aGraphCostsWhatItsSpecCosts() {
        ModelSpec s = ModelSpec.paper().withAlpha(0.5);
        CostReport fromGraph = CostModel.of(s.graph());
        assertEquals(CostModel.of(s).totalMultAdds(), fromGraph.totalMultAdds());
        assertEquals(CostModel.of(s).totalParams(true), fromGraph.totalParams(true));
        assertEquals(s.graph(), fromGraph.architecture());
    }

    private static CostReport v2(double alpha, int res) {
        return CostModel.of(new MobileNetV2Spec(alpha, Resolution.square(res), 1000, true));
    }

    @Test
    void mobileNetV2MatchesThePapersTotals() {
        // Sandler et al. 2018: 300M Mult-Adds, 3.4M params; TF-slim's table: 300M, 3.47M.
        CostReport r = v2(1.0, 224);
        assertEquals(300_774_272L, r.totalMultAdds());
        assertEquals(3_469_760L, r.totalParams());
    }

    @Test
    void mobileNetV2WidthRowsOfTfSlimsTable() {
        assertEquals(582_195_824L, v2(1.4, 224).totalMultAdds());
        assertEquals(6_059_840L, v2(1.4, 224).totalParams());
        assertEquals(59_285_808L, v2(0.35, 224).totalMultAdds());
        assertEquals(1_662_048L, v2(0.35, 224).totalParams());
    }

    @Test
    void mobileNetV2ResolutionRowsOfTfSlimsTable() {
        assertEquals(99_074_048L, v2(1.0, 128).totalMultAdds());
        assertEquals(56_289_152L, v2(1.0, 96).totalMultAdds());
        assertEquals(3_469_760L, v2(1.0, 96).totalParams());
    }

    @Test
    void thePublishedV2NumbersAreForAThousandClasses() {
        // TF's checkpoints have 1001 outputs (background first): one more row of 1280 weights.
        CostReport tf = CostModel.of(new MobileNetV2Spec(1.0, Resolution.square(224), 1001, true));
        assertEquals(300_774_272L + 1280, tf.totalMultAdds());
        assertEquals(3_469_760L + 1280, tf.totalParams());
    }

    @Test
    void residualAddsHaveATable2RowCostingNothing() {
        CostReport r = v2(1.0, 224);
        assertEquals(10, r.layers().stream().filter(c -> c.type() == LayerType.ADD).count());
        CostReport.TypeShare adds = r.byType(true).get(LayerType.ADD);
        assertEquals(0, adds.multAdds());
        assertEquals(0, adds.params());
        long byType = r.byType(false).values().stream().mapToLong(CostReport.TypeShare::multAdds).sum();
        assertEquals(r.totalMultAdds(), byType);
        // v1 has no adds, so its table is exactly the paper's four rows.
        assertEquals(false, cost(1.0, 224).byType(false).containsKey(LayerType.ADD));
    }

    @Test
    void v2BiasAndBatchNormCountMatchesKeras() {
        // Keras's MobileNetV2(alpha=1.0) reports 3,538,984 params: weights, BN (4 per channel), FC bias.
        assertEquals(3_538_984L, v2(1.0, 224).totalParams(true));
    }
}
