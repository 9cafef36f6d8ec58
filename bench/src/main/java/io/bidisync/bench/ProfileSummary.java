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
import java.util.Map;

/**
 * A JFR recording as text that fits next to the results: Java samples per thread, the hottest
 * methods by own samples and by samples they are on the stack of (overall and in each busy task
 * thread), and the garbage collector's pauses. The recordings themselves are megabytes each; this
 * is what the analysis in docs/performance.md reads.
 */
final class ProfileSummary {
    private ProfileSummary() {}

    /** Writes {@code <recording>.txt} beside the recording; returns its path. */
    static Path write(Path recording) throws IOException {
        SampleCounts counts = new SampleCounts();
        Map<String, Duration> pauses = new HashMap<>();
        Map<String, Integer> collections = new HashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
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
            if (stack == null) {
                continue;
            }
            counts.add(
                    SampleCounts.threadGroup(thread == null ? null : thread.getJavaName(), true),
                    stack.getFrames().stream().map(ProfileSummary::method).toList(),
                    1);
        }
        StringBuilder gc = new StringBuilder("\ngarbage collection:\n");
        collections.forEach(
                (name, n) ->
                        gc.append(
                                String.format(
                                        "  %-10s %6d collections, %,8d ms paused%n",
                                        name, n, pauses.get(name).toMillis())));
        Path summary = recording.resolveSibling(recording.getFileName() + ".txt");
        Files.writeString(summary, counts.text("Java samples", gc.toString()));
        return summary;
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }
}
