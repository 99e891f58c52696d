package org.mobilenet.cli.verify;

import java.util.Locale;

/** A JUnit XML report of a verification: one test case for the outputs and one per compared layer. */
public final class JunitReport {
    private JunitReport() {
    }

    public static String xml(VerifyReport r, double atol, double rtol) {
        atol = r.halfAtol() > 0 ? r.halfAtol() : atol; // a float16 graph's tolerance when not the one asked for
        int tests = 1 + r.layers().size();
        long failures = (r.pass() ? 0 : 1) + r.layers().stream().filter(l -> !l.diff().within()).count();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuite name=\"mobilenet verify\" tests=\"").append(tests).append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" skipped=\"0\">\n");
        sb.append("  <properties>\n");
        property(sb, "model", r.model());
        property(sb, "inputs", Integer.toString(r.inputs()));
        property(sb, "atol", Double.toString(atol));
        property(sb, "rtol", Double.toString(rtol));
        property(sb, "top1Agreement", Double.toString(r.top1Agreement()));
        property(sb, "top5Agreement", Double.toString(r.top5Agreement()));
        sb.append("  </properties>\n");
        testCase(sb, r.model(), "output", r.output(), atol, rtol);
        for (VerifyReport.LayerDiff l : r.layers()) {
            testCase(sb, r.model(), "layer " + l.layer(), l.diff(), atol, rtol);
        }
        sb.append("</testsuite>\n");
        return sb.toString();
    }

    private static void testCase(StringBuilder sb, String model, String name, DiffStats d, double atol, double rtol) {
        sb.append("  <testcase classname=\"").append(escape(model)).append("\" name=\"").append(escape(name)).append("\"");
        if (d.within()) {
            sb.append("/>\n");
            return;
        }
        String msg = String.format(Locale.ROOT, "max abs diff %.3g, max rel diff %.3g, cosine %.9f exceed atol %.3g + rtol %.3g",
                d.maxAbsDiff(), d.maxRelDiff(), d.cosine(), atol, rtol);
        sb.append(">\n    <failure message=\"").append(escape(msg)).append("\"/>\n  </testcase>\n");
    }

    private static void property(StringBuilder sb, String name, String value) {
        sb.append("    <property name=\"").append(escape(name)).append("\" value=\"").append(escape(value)).append("\"/>\n");
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
