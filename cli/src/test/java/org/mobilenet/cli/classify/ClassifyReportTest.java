package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mobilenet.io.json.Json;

class ClassifyReportTest {
    private static final List<String> LABELS = List.of("zero", "one, with a comma", "two \"quoted\"", "three");

    private static ImageResult ok(String path, int[] idx, float[] scores, float[] features) {
        return new ImageResult(Path.of(path), idx, scores, features, null);
    }

    private static List<ImageResult> sample() {
        return List.of(
                ok("a.jpg", new int[] {1, 3}, new float[] {0.75f, 0.125f}, new float[] {0.5f, 1.5f}),
                ImageResult.failure(Path.of("bad.jpg"), "bad.jpg: corrupt"),
                ok("b c.png", new int[] {}, new float[] {}, new float[] {2f, 3f}),
                ok("dir/c.bmp", new int[] {2}, new float[] {0.3333333f}, new float[] {0f, -1f}));
    }

    @Test
    void theStreamedJsonArrayIsWhatPrettyPrintingTheWholeArrayGives() {
        ClassifyReport report = new ClassifyReport(LABELS, true, true);
        List<Object> objects = new ArrayList<>();
        for (ImageResult r : sample()) {
            if (r.failed()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", r.path().toString());
            List<Object> res = new ArrayList<>();
            for (int k = 0; k < r.indices().length; k++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("rank", k + 1);
                e.put("index", r.indices()[k]);
                e.put("label", LABELS.get(r.indices()[k]));
                e.put("score", r.scores()[k]); // not rounded: the float itself
                res.add(e);
            }
            m.put("results", res);
            List<Float> f = new ArrayList<>();
            for (float v : r.features()) {
                f.add(v);
            }
            m.put("features", f);
            objects.add(m);
        }
        assertEquals(Json.pretty(objects) + "\n", report.render(sample(), ClassifyFormat.JSON));
        assertTrue(report.render(sample(), ClassifyFormat.JSON).contains("0.3333333"), "not rounded to 6 places");
        assertEquals("[]\n", report.render(List.of(), ClassifyFormat.JSON));
        StringBuilder lines = new StringBuilder();
        for (Object o : objects) {
            lines.append(Json.write(o)).append('\n');
        }
        assertEquals(lines.toString(), report.render(sample(), ClassifyFormat.JSONL));
        assertEquals("", report.render(List.of(), ClassifyFormat.JSONL));
    }

    @Test
    void theTableWritesControlCharactersInFileNamesAsEscapes() {
        List<ImageResult> one = List.of(ok("a\nb\tc\u0001.jpg", new int[] {1}, new float[] {0.5f}, null));
        String t = new ClassifyReport(LABELS, true, false).render(one, ClassifyFormat.TABLE);
        assertTrue(t.contains("a\\nb\\tc\\x01.jpg"), t);
        assertEquals(3, t.lines().count(), t); // header, rule, one row
        assertEquals("C:\\photos\\cat.jpg", ClassifyReport.TableWriter.visible("C:\\photos\\cat.jpg"));
        assertEquals("plain.jpg", ClassifyReport.TableWriter.visible("plain.jpg"));
    }

    @Test
    void nonFiniteScoresAreJsonNulls() {
        String json = new ClassifyReport(LABELS, true, false).render(List.of(ok("n.jpg", new int[] {0, 1},
                new float[] {Float.NaN, Float.POSITIVE_INFINITY}, null)), ClassifyFormat.JSON);
        assertTrue(json.contains("\"score\": null"), json);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        com.google.gson.JsonParser.parseString(json); // valid JSON
    }

    @Test
    void csvQuotesAndHoldsOneTable() {
        String ranking = new ClassifyReport(LABELS, true, false).render(sample(), ClassifyFormat.CSV);
        assertEquals("path,rank,index,label,score\n"
                + "a.jpg,1,1,\"one, with a comma\",0.7500\n"
                + "a.jpg,2,3,three,0.1250\n"
                + "b c.png,,,,\n" // no class over the threshold: the image keeps its row
                + "dir/c.bmp,1,2,\"two \"\"quoted\"\"\",0.3333\n", ranking);
        String features = new ClassifyReport(LABELS, true, true).render(sample(), ClassifyFormat.CSV);
        assertEquals("path,f0,f1\na.jpg,0.5000,1.5000\nb c.png,2.0000,3.0000\ndir/c.bmp,0.0000,-1.0000\n", features);
        assertEquals("", new ClassifyReport(LABELS, true, false).render(List.of(sample().get(1)), ClassifyFormat.CSV));
    }

    @Test
    void theTableWithFeaturesPutsThemOnEachImagesFirstRow() {
        String t = new ClassifyReport(LABELS, true, true).render(sample(), ClassifyFormat.TABLE);
        assertEquals(""
                + "path       rank  index  label               score  f0      f1\n"
                + "---------  ----  -----  -----------------  ------  ------  -------\n"
                + "a.jpg         1      1  one, with a comma  0.7500  0.5000  1.5000\n"
                + "              2      3  three              0.1250\n"
                + "b c.png                                            2.0000  3.0000\n"
                + "dir/c.bmp     1      2  two \"quoted\"       0.3333  0.0000  -1.0000\n", t);
    }

    @Test
    void theTablePrintsItsFirstRowsOnceItHasSeenEightImages() {
        StringWriter s = new StringWriter();
        PrintWriter out = new PrintWriter(s, true);
        ClassifyReport.Writer w = new ClassifyReport(LABELS, true, false).writer(out, ClassifyFormat.TABLE);
        for (int i = 0; i < ClassifyReport.TABLE_SIZING_IMAGES - 1; i++) {
            w.add(List.of(ok("img" + i + ".jpg", new int[] {0}, new float[] {1f}, null)));
        }
        out.flush();
        assertEquals("", s.toString());
        w.add(List.of(ok("img7.jpg", new int[] {0}, new float[] {1f}, null)));
        out.flush();
        assertEquals(2 + 8, s.toString().lines().count(), s.toString());
        w.add(List.of(ok("a-much-longer-name.jpg", new int[] {3}, new float[] {0.5f}, null)));
        out.flush();
        assertTrue(s.toString().endsWith("a-much-longer-name.jpg     1      3  three  0.5000\n"), s.toString());
        w.finish();
    }
}
