package io.bidisync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time by group of threads in this JVM and a standalone cluster's (the processes {@link
 * CpuTime} counts as the JVM), read from {@code /proc/PID/task} (Linux; elsewhere nothing): which
 * stage of a sync a step's JVM cores went to.
 *
 * <p>Read from the operating system, not from a profiler's samples: a sampling profiler sees a
 * thread only while it runs Java code, so the stages that spend their time in RocksDB's native code
 * look cheaper there than they are, and the garbage collector, the JIT compiler and RocksDB's
 * background threads do not show at all.
 *
 * @param threads per thread ({@code pid/tid}): its group and the clock ticks (1/100 s) it used so
 *     far
 */
record ThreadCpu(Map<String, Usage> threads) {
    /** One thread's group and clock ticks. */
    record Usage(String group, long ticks) {}

    /**
     * The load generator's threads, and the part of the JVM's CPU that no live thread accounts for:
     * threads that ended within the step, which are the load generator's pool.
     */
    static final String LOAD_GENERATOR = "load generator";

    /**
     * Groups by the start of a thread's name (the kernel keeps 15 characters of it), first match
     * wins; every other thread is {@code other}.
     */
    private static final List<Map.Entry<String, String>> GROUPS =
            List.of(
                    Map.entry("golden", "golden + writers"),
                    Map.entry("identity", "identity"),
                    Map.entry("debezium-", "CDC readers (Debezium)"),
                    Map.entry("Source Data Fet", "CDC fetchers"),
                    Map.entry("Source: ", "source tasks"),
                    Map.entry("rocksdb:", "RocksDB background"),
                    Map.entry("C1 CompilerThre", "JIT compiler"),
                    Map.entry("C2 CompilerThre", "JIT compiler"),
                    Map.entry("GC Thread", "garbage collector"),
                    Map.entry("G1 ", "garbage collector"),
                    Map.entry(UpdateWriters.THREAD_NAME, LOAD_GENERATOR));

    static ThreadCpu now() {
        Map<String, Usage> threads = new HashMap<>();
        for (long pid : CpuTime.jvmPids()) {
            Path tasks = Path.of("/proc", String.valueOf(pid), "task");
            if (!Files.isDirectory(tasks)) {
                continue;
            }
            try (Stream<Path> list = Files.list(tasks)) {
                list.forEach(t -> add(pid + "/" + t.getFileName(), t.resolve("stat"), threads));
            } catch (IOException | RuntimeException e) {
                // The process ended meanwhile: its threads count as ended.
            }
        }
        return new ThreadCpu(threads);
    }

    private static void add(String id, Path stat, Map<String, Usage> threads) {
        try {
            String line = Files.readString(stat);
            threads.put(id, new Usage(group(CpuTime.statName(line)), CpuTime.statTicks(line)));
        } catch (IOException | RuntimeException e) {
            // A thread that ended meanwhile.
        }
    }

    static String group(String threadName) {
        for (Map.Entry<String, String> g : GROUPS) {
            if (threadName.startsWith(g.getKey())) {
                return g.getValue();
            }
        }
        return "other";
    }

    /**
     * Cores busy on average since {@code earlier}, by group, largest first: what each thread alive
     * now used since then (all of it for a thread started since); what they do not account for of
     * {@code jvmCores} — threads that ended meanwhile — counts as {@link #LOAD_GENERATOR}'s. Groups
     * below 0.005 cores are left out.
     */
    Map<String, Double> coresSince(ThreadCpu earlier, long wallNanos, double jvmCores) {
        return coresSince(earlier, wallNanos, jvmCores, LOAD_GENERATOR);
    }

    /** As above, with what the live threads do not account for counted as group {@code ended}. */
    Map<String, Double> coresSince(
            ThreadCpu earlier, long wallNanos, double jvmCores, String ended) {
        Map<String, Double> cores = new HashMap<>();
        double live = 0;
        for (Map.Entry<String, Usage> e : threads.entrySet()) {
            Usage before = earlier.threads.get(e.getKey());
            long used = e.getValue().ticks() - (before == null ? 0 : before.ticks());
            double c = Math.max(0, used * 1e9 / CpuTime.CLOCK_TICKS_PER_SECOND / wallNanos);
            cores.merge(e.getValue().group(), c, Double::sum);
            live += c;
        }
        cores.merge(ended, Math.max(0, jvmCores - live), Double::sum);
        Map<String, Double> out = new LinkedHashMap<>();
        cores.entrySet().stream()
                .filter(e -> e.getValue() >= 0.005)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * Cores by group as microseconds of CPU per unit of work done at {@code unitsPerSecond},
     * formatted with {@code format}: {@code golden + writers 54, identity 32, …}.
     */
    static String microsPerUnit(Map<String, Double> cores, double unitsPerSecond, String format) {
        StringBuilder out = new StringBuilder();
        cores.forEach(
                (group, c) ->
                        out.append(out.isEmpty() ? "" : ", ")
                                .append(group)
                                .append(' ')
                                .append(String.format(format, c * 1e6 / unitsPerSecond)));
        return out.toString();
    }
}
