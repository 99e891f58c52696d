package org.mobilenet.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.cost.LayerCost;

/** The stable JSON schema of {@code profile --format json} (documented in the README). */
final class ProfileJson {
    private ProfileJson() {
    }

    static Map<String, Object> report(CostReport r, boolean includeExtra, boolean withLayers, Map<String, Double> times) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model(r.architecture()));
        if (withLayers) {
            List<Object> layers = new ArrayList<>();
            for (LayerCost c : r.layers()) {
                LayerSpec l = c.layer();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", l.name());
                m.put("type", l.kind().id());
                m.put("stride", l.stride());
                m.put("filter", Describe.filterDims(l));
                m.put("input", new int[] {l.in().h(), l.in().w(), l.in().c()});
                m.put("output", new int[] {l.out().h(), l.out().w(), l.out().c()});
                m.put("multAdds", c.multAdds());
                m.put("params", c.params(includeExtra));
                if (times != null) {
                    m.put("timeMs", times.getOrDefault(l.name(), 0.0));
                }
                m.put("activation", l.activation().name().toLowerCase(Locale.ROOT));
                if (l.addend() != null) {
                    m.put("addend", l.addend());
                }
                layers.add(m);
            }
            root.put("layers", layers);
        }
        Map<String, Object> byType = new LinkedHashMap<>();
        r.byType(includeExtra).values().forEach(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("multAdds", s.multAdds());
            m.put("params", s.params());
            m.put("multAddsPercent", s.multAddsPercent());
            m.put("paramsPercent", s.paramsPercent());
            byType.put(s.type().id(), m);
        });
        root.put("byType", byType);
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("multAdds", r.totalMultAdds());
        total.put("params", r.totalParams(includeExtra));
        root.put("total", total);
        return root;
    }

    /**
     * The architecture's fields. Fields came in this order before v2 and non-square inputs, and new
     * ones are appended: {@code resolution} (the side) only for a square input, {@code arch},
     * {@code height} and {@code width} always.
     */
    static Map<String, Object> model(Architecture a) {
        Map<String, Object> m = new LinkedHashMap<>();
        Resolution res;
        if (a instanceof ModelSpec s) {
            res = s.inputResolution();
            m.put("alpha", s.alpha());
            putSide(m, res);
            m.put("classes", s.classes());
            m.put("variant", s.variant().id());
        } else if (a instanceof MobileNetV2Spec s) {
            res = s.resolution();
            m.put("alpha", s.alpha());
            putSide(m, res);
            m.put("classes", s.classes());
        } else {
            LayerGraph g = a.graph();
            res = new Resolution(g.input().h(), g.input().w());
            putSide(m, res);
            m.put("classes", g.classes());
        }
        m.put("arch", a.family());
        m.put("height", res.h());
        m.put("width", res.w());
        return m;
    }

    private static void putSide(Map<String, Object> m, Resolution r) {
        if (r.isSquare()) {
            m.put("resolution", r.h());
        }
    }
}
