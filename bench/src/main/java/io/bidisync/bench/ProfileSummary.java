package io.bidisync.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JFR recording as text that fits next to the results: Java samples per thread, the hottest
 * methods by own samples and by samples they are on the stack of (overall and in each busy task
 * thread), and the garbage collector's pauses. The recordings themselves are megabytes each; this
 * is what the analysis in docs/performance.md reads.
 */
final class ProfileSummary {
    private static final int TOP = 25;
    private static final int THREADS = 12;

    private ProfileSummary() {}

    /** Writes {@code <recording>.txt} beside the recording; returns its path. */
    static Path write(Path recording) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        Map<String, Integer> perThread = new HashMap<>();
        Map<String, Map<String, Integer>> selfByThread = new HashMap<>();
        Map<String, Map<String, Integer>> onStackByThread = new HashMap<>();
        Map<String, Duration> pauses = new HashMap<>();
        Map<String, Integer> collections = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : events) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                String name = event.getString("name");
                pauses.merge(name, event.getDuration("sumOfPauses"), Duration::plus);
                collections.merge(name, 1, Integer::sum);
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            RecordedThread thread = event.getThread("sampledThread");
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            String group = threadGroup(thread == null ? null : thread.getJavaName());
            perThread.merge(group, 1, Integer::sum);
            List<RecordedFrame> frames = stack.getFrames();
            count(selfByThread, "(all)", method(frames.get(0)));
            count(selfByThread, group, method(frames.get(0)));
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = method(frame);
                if (seen.add(method)) {
                    count(onStackByThread, "(all)", method);
                    count(onStackByThread, group, method);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        int all = samples;
        out.append("Java samples: ").append(all).append("\n\nsamples per thread:\n");
        top(perThread, THREADS).forEach(e -> out.append(line(e.getValue(), all, e.getKey())));
        out.append("\ngarbage collection:\n");
        collections.forEach(
                (name, n) ->
                        out.append(
                                String.format(
                                        "  %-10s %6d collections, %,8d ms paused%n",
                                        name, n, pauses.get(name).toMillis())));
        section(out, "(all)", samples, selfByThread, onStackByThread);
        for (var thread : top(perThread, 4)) {
            section(out, thread.getKey(), thread.getValue(), selfByThread, onStackByThread);
        }
        Path summary = recording.resolveSibling(recording.getFileName() + ".txt");
        Files.writeString(summary, out);
        return summary;
    }

    private static void section(
            StringBuilder out,
            String thread,
            int samples,
            Map<String, Map<String, Integer>> self,
            Map<String, Map<String, Integer>> onStack) {
        out.append("\n== ").append(thread).append(": own samples\n");
        top(self.getOrDefault(thread, Map.of()), TOP)
                .forEach(e -> out.append(line(e.getValue(), samples, e.getKey())));
        out.append("== ").append(thread).append(": on the stack\n");
        top(onStack.getOrDefault(thread, Map.of()), TOP * 2)
                .forEach(e -> out.append(line(e.getValue(), samples, e.getKey())));
    }

    private static String line(int count, int of, String what) {
        return String.format("  %5.1f%%  %s%n", 100.0 * count / Math.max(1, of), what);
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(n)
                .toList();
    }

    private static void count(Map<String, Map<String, Integer>> counts, String key, String what) {
        counts.computeIfAbsent(key, k -> new HashMap<>()).merge(what, 1, Integer::sum);
    }

    /** A thread's name without its subtask number, so the subtasks of an operator add up. */
    private static String threadGroup(String name) {
        if (name == null) {
            return "?";
        }
        int paren = name.indexOf(" (");
        String group = paren > 0 ? name.substring(0, paren) : name;
        return group.length() > 70 ? group.substring(0, 70) : group;
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }
}
