package io.bidisync.bench;

import one.profiler.AsyncProfiler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CPU profile of this JVM that also sees native code (async-profiler): RocksDB's lookups and
 * compactions, the JDBC driver's socket writes, the JIT. JFR samples only threads running Java
 * code, so it cannot tell how much of a keyed stage's time is RocksDB; this can. Written as
 * collapsed stacks ({@code <name>.collapsed}, for flame graph tools) and as a text summary in the
 * shape of {@link ProfileSummary}'s: samples per thread, and for the busiest threads the hottest
 * frames by own samples and by samples they are on the stack of.
 */
final class NativeProfile implements AutoCloseable {
    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private final AsyncProfiler profiler;
    private final Path collapsed;

    private NativeProfile(AsyncProfiler profiler, Path collapsed) {
        this.profiler = profiler;
        this.collapsed = collapsed;
    }

    /** Starts sampling every thread's CPU time, to be written as {@code <out>/<name>.*}. */
    static NativeProfile start(Path out, String name) throws IOException {
        Path library = out.resolve("libasyncProfiler.so");
        if (!Files.exists(library)) {
            try (InputStream in =
                    NativeProfile.class.getClassLoader().getResourceAsStream(LIBRARY)) {
                if (in == null) {
                    throw new IOException(LIBRARY + " is not on the class path");
                }
                Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        AsyncProfiler profiler = AsyncProfiler.getInstance(library.toString());
        // cpu: perf_events where the kernel allows them for the own process, else a CPU timer
        // per thread. A sample per 5 ms of a thread's CPU time: at 1 ms a whole run's stacks took
        // 125 MB, and the profiler's own work weighs on the steps it measures.
        profiler.execute("start,event=cpu,interval=5ms,threads");
        return new NativeProfile(profiler, out.resolve(name + ".collapsed"));
    }

    /** Stops sampling; writes the collapsed stacks and their summary. */
    @Override
    public void close() throws IOException {
        profiler.execute("stop,file=" + collapsed + ",collapsed");
        System.out.println("Native profile: " + collapsed);
        System.out.println("Its summary: " + writeSummary(collapsed));
    }

    /** Writes the summary of a file of collapsed stacks beside it; returns its path. */
    static Path writeSummary(Path collapsed) throws IOException {
        Path summary = collapsed.resolveSibling(collapsed.getFileName() + ".txt");
        Files.writeString(summary, summary(Files.readAllLines(collapsed)));
        return summary;
    }

    /** The text summary of collapsed stacks ({@code [thread tid=N];frame;…;frame count}). */
    static String summary(List<String> lines) {
        SampleCounts counts = new SampleCounts();
        // A whole run's stacks repeat the same few thousand frames millions of times.
        Map<String, String> shortened = new HashMap<>();
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            String[] frames = space < 0 ? new String[0] : line.substring(0, space).split(";");
            String thread = frames.length < 2 ? null : thread(frames[0]);
            if (thread == null) {
                continue;
            }
            List<String> innermostFirst = new ArrayList<>(frames.length - 1);
            for (int i = frames.length - 1; i > 0; i--) {
                innermostFirst.add(shortened.computeIfAbsent(frames[i], NativeProfile::frame));
            }
            counts.add(thread, innermostFirst, Long.parseLong(line.substring(space + 1)));
        }
        return counts.text("CPU samples (Java and native)", "");
    }

    /**
     * The thread group of a collapsed stack's first frame, {@code [name tid=N]}: without the
     * subtask number and without digits (pool and worker numbers), so that alike threads add up;
     * {@code null} when the frame is not a thread.
     */
    static String thread(String frame) {
        if (!frame.startsWith("[") || !frame.endsWith("]")) {
            return null;
        }
        String name = frame.substring(1, frame.length() - 1);
        int tid = name.lastIndexOf(" tid=");
        if (tid >= 0) {
            name = name.substring(0, tid);
        }
        return SampleCounts.threadGroup(name, false);
    }

    /**
     * A frame as short as it can be told apart: a Java method as {@code Class.method}, a C++ one
     * without template arguments and parameters, a library without its directory.
     */
    static String frame(String frame) {
        if (frame.contains("::")) {
            String f = frame;
            for (String before = null; !f.equals(before); ) {
                before = f;
                f = f.replaceAll("<[^<>]*>", "");
            }
            int paren = f.indexOf('(');
            return paren > 0 ? f.substring(0, paren) : f;
        }
        if (frame.startsWith("/")) {
            return frame.substring(frame.lastIndexOf('/') + 1);
        }
        if (frame.contains("/")) {
            int dot = frame.lastIndexOf('.');
            return frame.substring(frame.lastIndexOf('/', dot < 0 ? frame.length() - 1 : dot) + 1);
        }
        return frame;
    }

    /**
     * Summarises collapsed stacks recorded some other way (async-profiler attached to a running JVM
     * for one rate step, see docs/performance.md): writes {@code <file>.txt} beside each file.
     */
    public static void main(String[] files) throws IOException {
        for (String file : files) {
            System.out.println(writeSummary(Path.of(file)));
        }
    }
}
