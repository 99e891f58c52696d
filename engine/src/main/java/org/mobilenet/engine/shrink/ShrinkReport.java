package org.mobilenet.engine.shrink;

import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import java.util.OptionalDouble;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.cost.CostModel;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.model.Model;

/**
 * The cost of a shrink in the style of the paper's Tables 3, 6 and 7: Mult-Adds and params before
 * and after, their ratios, and the paper's prediction beside them: Mult-Adds scale by roughly
 * {@code (alpha' / alpha)^2 (rho' / rho)^2} and params by {@code (alpha' / alpha)^2}.
 */
public record ShrinkReport(CostReport before, CostReport after) {

    public static ShrinkReport of(Model source, Model shrunk) {
        return new ShrinkReport(CostModel.of(source.architecture()), CostModel.of(shrunk.architecture()));
    }

    public double multAddsRatio() {
        return (double) after.totalMultAdds() / before.totalMultAdds();
    }

    public double paramsRatio() {
        return (double) after.totalParams() / before.totalParams();
    }

    /**
     * The alpha^2 rho^2 prediction of the Mult-Adds ratio; empty when the variant changed (the
     * shallow variant removes layers, which the prediction does not cover).
     */
    public OptionalDouble predictedMultAddsRatio() {
        if (variantChanged()) {
            return OptionalDouble.empty();
        }
        double a = alpha(after) / alpha(before);
        // rho^2 is the ratio of pixels: (h' w') / (h w), which is (h' / h)^2 for square inputs.
        Shape in = before.architecture().graph().input();
        Shape out = after.architecture().graph().input();
        double rr = (double) out.h() * out.w() / ((double) in.h() * in.w());
        return OptionalDouble.of(a * a * rr);
    }

    /** The alpha^2 prediction of the params ratio; empty when the variant changed. */
    public OptionalDouble predictedParamsRatio() {
        if (variantChanged()) {
            return OptionalDouble.empty();
        }
        double a = alpha(after) / alpha(before);
        return OptionalDouble.of(a * a);
    }

    /** True when layers were removed (the shallow variant). */
    public boolean variantChanged() {
        return before.architecture() instanceof ModelSpec b && after.architecture() instanceof ModelSpec a
                && b.variant() != a.variant();
    }

    private static double alpha(CostReport r) {
        if (r.architecture() instanceof MobileNetV2Spec v2) {
            return v2.alpha();
        }
        return r.spec().alpha();
    }
}
