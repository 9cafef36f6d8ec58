package io.bidisync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * Writes every change of a step as a CSV line, in commit order: ms since the step's first
     * commit, latency in ms (empty if it never arrived), and the value. For plotting a step, or
     * finding the moment a step went wrong.
     */
    static void writeCsv(
            Path file, Map<String, Long> sourceCommits, Map<String, Long> targetCommits)
            throws IOException {
        List<Map.Entry<String, Long>> changes = new ArrayList<>(sourceCommits.entrySet());
        changes.sort(Map.Entry.comparingByValue());
        long first = changes.isEmpty() ? 0 : changes.get(0).getValue();
        List<String> lines = new ArrayList<>();
        // commit_ms from the step's first commit; commit_utc to line it up with other recordings
        // (top, JFR, database logs).
        lines.add("commit_ms,latency_ms,value,commit_utc");
        for (Map.Entry<String, Long> change : changes) {
            Long target = targetCommits.get(change.getKey());
            lines.add(
                    (change.getValue() - first) / 1000
                            + ","
                            + (target == null ? "" : (target - change.getValue()) / 1000)
                            + ","
                            + change.getKey()
                            + ","
                            + Instant.ofEpochMilli(change.getValue() / 1000));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
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
