package io.bidisync.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A profile's stack samples counted for a text summary: samples per thread group, and per group the
 * frames by own samples and by samples they are on the stack of. Filled from a JFR recording
 * ({@link ProfileSummary}) or from async-profiler's collapsed stacks ({@link NativeProfile}).
 */
final class SampleCounts {
    private static final String ALL = "(all)";
    private static final int TOP = 25;
    private static final int THREADS = 12;

    private final Map<String, Long> perThread = new HashMap<>();
    private final Map<String, Map<String, Long>> self = new HashMap<>();
    private final Map<String, Map<String, Long>> onStack = new HashMap<>();
    private long samples;

    /**
     * Counts {@code count} samples of thread group {@code thread} with this stack, innermost frame
     * first.
     */
    void add(String thread, List<String> frames, long count) {
        if (frames.isEmpty()) {
            return;
        }
        samples += count;
        perThread.merge(thread, count, Long::sum);
        add(self, ALL, frames.get(0), count);
        add(self, thread, frames.get(0), count);
        Set<String> seen = new HashSet<>();
        for (String frame : frames) {
            if (seen.add(frame)) {
                add(onStack, ALL, frame, count);
                add(onStack, thread, frame, count);
            }
        }
    }

    /**
     * The summary: {@code title} with the number of samples, the busiest thread groups, and the
     * hottest frames overall and in the four busiest groups; {@code extra} goes after the groups.
     */
    String text(String title, String extra) {
        StringBuilder out = new StringBuilder();
        out.append(title).append(": ").append(samples).append("\n\nsamples per thread:\n");
        top(perThread, THREADS).forEach(e -> out.append(line(e.getValue(), samples, e.getKey())));
        out.append(extra);
        section(out, ALL, samples);
        for (var thread : top(perThread, 4)) {
            section(out, thread.getKey(), thread.getValue());
        }
        return out.toString();
    }

    /**
     * A thread's name without its subtask number (and, when {@code digits} is false, without any
     * digits: pool and worker numbers), so that the threads of one operator or pool add up.
     */
    static String threadGroup(String name, boolean digits) {
        if (name == null) {
            return "?";
        }
        int paren = name.indexOf(" (");
        String group = paren > 0 ? name.substring(0, paren) : name;
        if (!digits) {
            group = group.replaceAll("[0-9]+", "N");
        }
        return group.length() > 70 ? group.substring(0, 70) : group;
    }

    private void section(StringBuilder out, String thread, long of) {
        out.append("\n== ").append(thread).append(": own samples\n");
        top(self.getOrDefault(thread, Map.of()), TOP)
                .forEach(e -> out.append(line(e.getValue(), of, e.getKey())));
        out.append("== ").append(thread).append(": on the stack\n");
        top(onStack.getOrDefault(thread, Map.of()), TOP * 2)
                .forEach(e -> out.append(line(e.getValue(), of, e.getKey())));
    }

    private static void add(
            Map<String, Map<String, Long>> counts, String key, String what, long count) {
        counts.computeIfAbsent(key, k -> new HashMap<>()).merge(what, count, Long::sum);
    }

    private static String line(long count, long of, String what) {
        return String.format("  %5.1f%%  %s%n", 100.0 * count / Math.max(1, of), what);
    }

    private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .toList();
    }
}
