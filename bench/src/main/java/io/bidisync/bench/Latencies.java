package io.bidisync.bench;

import java.util.Arrays;
import java.util.Map;

/**
 * Source-commit to target-commit latencies of one step's changes. A change that never arrived
 * counts as infinitely late, so a step that loses more than 1% of its changes cannot have a finite
 * p99.
 *
 * @param changes changes made at the sources
 * @param arrived changes whose value was committed at their target
 * @param p50Millis median latency; {@code Long.MAX_VALUE} when undefined
 * @param p99Millis 99th percentile (nearest rank); {@code Long.MAX_VALUE} when undefined
 * @param maxMillis the largest latency of the changes that arrived
 */
record Latencies(int changes, int arrived, long p50Millis, long p99Millis, long maxMillis) {

    /**
     * Matches each change (value → source commit, µs) with the first commit of the same value at
     * its target (value → target commit, µs).
     */
    static Latencies of(Map<String, Long> sourceCommits, Map<String, Long> targetCommits) {
        long[] micros = new long[sourceCommits.size()];
        int i = 0;
        int arrived = 0;
        long max = 0;
        for (Map.Entry<String, Long> change : sourceCommits.entrySet()) {
            Long target = targetCommits.get(change.getKey());
            if (target == null) {
                micros[i++] = Long.MAX_VALUE;
            } else {
                long latency = Math.max(0, target - change.getValue());
                micros[i++] = latency;
                max = Math.max(max, latency);
                arrived++;
            }
        }
        Arrays.sort(micros);
        return new Latencies(
                micros.length,
                arrived,
                millis(percentile(micros, 0.50)),
                millis(percentile(micros, 0.99)),
                max / 1000);
    }

    /** Nearest-rank percentile of sorted values; {@code Long.MAX_VALUE} for none. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Long.MAX_VALUE;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static long millis(long micros) {
        return micros == Long.MAX_VALUE ? Long.MAX_VALUE : micros / 1000;
    }
}
