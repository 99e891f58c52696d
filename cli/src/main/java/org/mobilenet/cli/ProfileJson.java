package org.mobilenet.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.cost.CostReport;
import org.mobilenet.engine.cost.LayerCost;

/** The stable JSON schema of {@code profile --format json} (documented in the README). */
final class ProfileJson {
    private ProfileJson() {
    }

    static Map<String, Object> report(CostReport r, boolean includeExtra, boolean withLayers, Map<String, Double> times) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model(r.spec()));
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

    static Map<String, Object> model(ModelSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", s.alpha());
        m.put("resolution", s.resolution());
        m.put("classes", s.classes());
        m.put("variant", s.variant().id());
        return m;
    }
}
