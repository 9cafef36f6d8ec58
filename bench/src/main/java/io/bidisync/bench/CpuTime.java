package io.bidisync.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CPU time used so far by this JVM (Flink, the benchmark's writers) or the standalone cluster's, by
 * the PostgreSQL server processes and by the whole machine, to tell which of them a rate step ran
 * out of. PostgreSQL's share and the machine's are read from {@code /proc} (Linux); elsewhere they
 * are 0.
 *
 * <p>PostgreSQL's share counts the processes alive at both ends of a step: the sync's connections
 * and the replication, not the benchmark writers' own connections (opened and closed within the
 * step). The machine's busy time counts everything, those included: it is what tells that a step
 * ran out of cores.
 *
 * @param jvmNanos this process's CPU time, and a standalone cluster's (the scaling row)
 * @param postgresNanos the CPU time of every process named {@code postgres}
 * @param machineNanos the busy time of all cores (everything but idle and I/O wait)
 */
record CpuTime(long jvmNanos, long postgresNanos, long machineNanos) {
    /** The unit of {@code /proc}'s CPU times. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private static final Set<String> FLINK_ENTRY_POINTS =
            Set.of(
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");

    static CpuTime now() {
        return new CpuTime(jvmCpuNanos(), postgresCpuNanos(), machineBusyNanos());
    }

    /**
     * This JVM's CPU time so far, and that of a standalone Flink cluster's JobManager and
     * TaskManagers while one runs (the scaling row's job runs there, not here).
     */
    static long jvmCpuNanos() {
        long nanos =
                ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime();
        return nanos
                + flinkProcesses()
                        .mapToLong(
                                p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                        .sum();
    }

    /** The processes {@link #jvmCpuNanos} counts: this one and a standalone cluster's. */
    static List<Long> jvmPids() {
        return Stream.concat(Stream.of(ProcessHandle.current()), flinkProcesses())
                .map(ProcessHandle::pid)
                .toList();
    }

    private static Stream<ProcessHandle> flinkProcesses() {
        return ProcessHandle.allProcesses().filter(CpuTime::isFlinkProcess);
    }

    private static boolean isFlinkProcess(ProcessHandle process) {
        // ProcessHandle.Info cuts command lines at 4 KiB, before a classpath ends.
        try {
            String command =
                    Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
            return FLINK_ENTRY_POINTS.stream().anyMatch(command::contains);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Cores busy on average between {@code earlier} and now, over {@code wallNanos}. */
    double[] coresSince(CpuTime earlier, long wallNanos) {
        return new double[] {
            (double) (jvmNanos - earlier.jvmNanos) / wallNanos,
            (double) (postgresNanos - earlier.postgresNanos) / wallNanos,
            (double) (machineNanos - earlier.machineNanos) / wallNanos
        };
    }

    /**
     * The first line of /proc/stat: every state's ticks summed over the cores, less idle/iowait.
     */
    private static long machineBusyNanos() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal (guest time is in user already)
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long postgresCpuNanos() {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return 0;
        }
        long ticks = 0;
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                ticks += postgresTicks(dir.resolve("stat"));
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
    }

    /** utime + stime of a postgres process, else 0. */
    private static long postgresTicks(Path stat) {
        if (!stat.getParent().getFileName().toString().chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return ticks(stat, "postgres");
    }

    /** The CPU time a process has used so far (0 if it has ended, or where there is no /proc). */
    static long processNanos(long pid) {
        return ticks(Path.of("/proc", String.valueOf(pid), "stat"), null)
                * 1_000_000_000L
                / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * utime + stime (fields 14 and 15 of /proc/PID/stat) of a process named {@code name} (any if
     * null), else 0.
     */
    private static long ticks(Path stat, String name) {
        try {
            String line = Files.readString(stat);
            return name == null || statName(line).equals(name) ? statTicks(line) : 0;
        } catch (IOException | RuntimeException e) {
            // A process that ended meanwhile.
            return 0;
        }
    }

    /** The process's or thread's name in a {@code /proc/…/stat} line. */
    static String statName(String statLine) {
        return statLine.substring(statLine.indexOf('(') + 1, statLine.lastIndexOf(')'));
    }

    /** utime + stime in a {@code /proc/…/stat} line: clock ticks used so far. */
    static long statTicks(String statLine) {
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
