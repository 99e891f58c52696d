package org.mobilenet.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency of repeated runs of one batch: min, median and 90th percentile in milliseconds, and the
 * throughput the median implies.
 */
record LatencyStats(double minMs, double medianMs, double p90Ms, double imagesPerSecond) {

    /** Statistics of per-batch wall-clock times in nanoseconds. */
    static LatencyStats of(long[] nanos, int batch) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no runs to summarize");
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        int p90 = Math.min(s.length - 1, (int) Math.ceil(0.9 * s.length) - 1);
        return new LatencyStats(s[0] / 1e6, median / 1e6, s[p90] / 1e6, batch / (median / 1e9));
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minMs", minMs);
        m.put("medianMs", medianMs);
        m.put("p90Ms", p90Ms);
        m.put("imagesPerSecond", imagesPerSecond);
        return m;
    }
}
