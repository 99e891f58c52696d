package org.mobilenet.cli.classify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mobilenet.cli.format.Json;
import org.mobilenet.cli.format.OutputFormat;
import org.mobilenet.cli.format.TextTable;

/**
 * Prints classification results. JSON: {@code [{"path": "cat.bmp", "results": [{"rank": 1, "index": 283,
 * "label": "tiger cat", "score": 0.41}], "features": [...]}]} ("results" only for a classifier,
 * "features" only when asked for or for a headless model). CSV: {@code path,rank,index,label,score}, or
 * with features only {@code path,f0,f1,...}. Table: the classes, then the features when asked for.
 * Failed images are not listed.
 */
public final class ClassifyReport {
    private final List<String> labels;
    private final boolean classifier;
    private final boolean features;

    /**
     * @param labels     one per class, or empty (labels then print as empty / null)
     * @param classifier whether the model ranks classes
     * @param features   whether to print the feature vectors
     */
    public ClassifyReport(List<String> labels, boolean classifier, boolean features) {
        this.labels = labels;
        this.classifier = classifier;
        this.features = features;
    }

    public String render(List<ImageResult> results, OutputFormat format) {
        List<ImageResult> ok = results.stream().filter(r -> !r.failed()).toList();
        if (format == OutputFormat.JSON) {
            return json(ok) + "\n";
        }
        if (format == OutputFormat.CSV && features) {
            return featureTable(ok, format);
        }
        StringBuilder sb = new StringBuilder();
        if (classifier) {
            TextTable t = new TextTable("path", "rank", "index", "label", "score").rightAlign(1, 2, 4);
            for (ImageResult r : ok) {
                for (int k = 0; k < r.indices().length; k++) {
                    t.add(format == OutputFormat.CSV || k == 0 ? r.path().toString() : "", k + 1, r.indices()[k],
                            label(r.indices()[k]), score(r.scores()[k]));
                }
            }
            sb.append(t.render(format));
        }
        if (features) {
            if (classifier) {
                sb.append('\n');
            }
            sb.append(featureTable(ok, format));
        }
        return sb.toString();
    }

    private String featureTable(List<ImageResult> ok, OutputFormat format) {
        int width = ok.isEmpty() || ok.get(0).features() == null ? 0 : ok.get(0).features().length;
        String[] header = new String[width + 1];
        header[0] = "path";
        for (int i = 0; i < width; i++) {
            header[i + 1] = "f" + i;
        }
        TextTable t = new TextTable(header);
        for (ImageResult r : ok) {
            Object[] row = new Object[width + 1];
            row[0] = r.path().toString();
            for (int i = 0; i < width; i++) {
                row[i + 1] = score(r.features()[i]);
            }
            t.add(row);
        }
        return t.render(format);
    }

    private String json(List<ImageResult> ok) {
        List<Object> all = new ArrayList<>();
        for (ImageResult r : ok) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", r.path().toString());
            if (classifier) {
                List<Object> res = new ArrayList<>();
                for (int k = 0; k < r.indices().length; k++) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("rank", k + 1);
                    e.put("index", r.indices()[k]);
                    e.put("label", labels.isEmpty() ? null : labels.get(r.indices()[k]));
                    e.put("score", round(r.scores()[k]));
                    res.add(e);
                }
                m.put("results", res);
            }
            if (features && r.features() != null) {
                List<Double> f = new ArrayList<>(r.features().length);
                for (float v : r.features()) {
                    f.add(round(v));
                }
                m.put("features", f);
            }
            all.add(m);
        }
        return Json.write(all);
    }

    private String label(int index) {
        return labels.isEmpty() ? "" : labels.get(index);
    }

    private static String score(float v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static double round(float v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
