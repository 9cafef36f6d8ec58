package io.bidisync.bench;

import io.bidisync.job.testutil.SyncRun;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The steady-state workload: external updates in both systems at stepped rates, each change's
 * latency from its commit in one system to the commit of the same value in the other. A step is
 * kept up with when the p99 latency stays within the threshold (completeness delay + 1 s); the
 * sustained rate is the highest rate kept up with. Stepping stops at the first step not kept up
 * with, or when the writers themselves cannot offer 90% of the step's rate (then the sync's limit
 * lies above what this machine can offer it).
 */
final class SteadyState {
    /** Time after a step's last update for its stragglers, beyond the threshold. */
    private static final Duration DRAIN = Duration.ofSeconds(15);

    /**
     * One rate step.
     *
     * @param jvmCores cores the JVM (Flink and the writers) kept busy while the writers ran
     * @param postgresCores cores the PostgreSQL servers kept busy meanwhile for the sync
     * @param machineCores cores busy on the whole machine meanwhile, the writers' own work included
     * @param loadCores cores the load generator kept busy: the writers' threads and their database
     *     connections' server processes (the statements, the audit trigger, the commits)
     * @param jvmThreadCores {@code jvmCores} by group of threads ({@link ThreadCpu}): the sync's
     *     stages, RocksDB's background threads, the JIT compiler, the garbage collector, the load
     *     generator
     */
    record Step(
            int rate,
            double offeredRate,
            Latencies latency,
            boolean keptUp,
            boolean writerLimited,
            double jvmCores,
            double postgresCores,
            double machineCores,
            double loadCores,
            Map<String, Double> jvmThreadCores) {

        /**
         * Milliseconds of the whole machine's CPU per external update: the sync, its databases and
         * the load generator, as busy cores over the rate the writers offered.
         */
        @JsonProperty
        double cpuMillisPerUpdate() {
            return offeredRate > 0 ? machineCores * 1000 / offeredRate : 0;
        }

        /**
         * Milliseconds of machine CPU per external update without the load generator's: what the
         * sync costs (its JVM, its database connections, the WAL decoding for its CDC readers, the
         * databases' background work for its writes).
         */
        @JsonProperty
        double syncCpuMillisPerUpdate() {
            return offeredRate > 0 ? (machineCores - loadCores) * 1000 / offeredRate : 0;
        }

        /**
         * The JVM's CPU per external update by group of threads, in microseconds, largest first:
         * {@code golden + writers 54, identity 32, …}.
         */
        String jvmThreadMicrosPerUpdate() {
            if (offeredRate <= 0) {
                return "";
            }
            return ThreadCpu.microsPerUnit(jvmThreadCores, offeredRate, "%.0f");
        }
    }

    /** All steps run, and the verdict. */
    record Result(String sync, long thresholdMillis, List<Step> steps) {

        /**
         * The highest rate kept up with (the offered rate where the writers fell short); 0 if none.
         */
        @JsonProperty
        int sustainedRate() {
            return steps.stream()
                    .filter(Step::keptUp)
                    .mapToInt(s -> s.writerLimited() ? (int) Math.round(s.offeredRate()) : s.rate())
                    .max()
                    .orElse(0);
        }

        /** Whether the last step run was kept up with: the sync's real limit is higher. */
        @JsonProperty
        boolean limitAboveSteps() {
            return !steps.isEmpty() && steps.get(steps.size() - 1).keptUp();
        }

        /** The highest step at or below half the sustained rate, if any ran. */
        Step atHalfSustained() {
            Step best = null;
            for (Step s : steps) {
                if (s.rate() * 2 <= sustainedRate() && (best == null || s.rate() > best.rate())) {
                    best = s;
                }
            }
            return best;
        }
    }

    private SteadyState() {}

    /** Completeness delay + 1 s: the latency a kept-up-with step stays within at p99. */
    static Duration threshold(SyncRun run) {
        return run.config().completeness().delay().plusSeconds(1);
    }

    /**
     * Runs the steps against a converged run whose changes are copied by writers with application
     * name {@code syncApp}.
     */
    static Result run(
            String sync,
            SyncRun run,
            String syncApp,
            List<Integer> rates,
            Duration stepDuration,
            Duration threshold,
            Path out)
            throws Exception {
        UpdateWriters writers = UpdateWriters.of(run, 7);
        List<Step> steps = new ArrayList<>();
        for (int rate : rates) {
            Step step = step(sync, run, syncApp, writers, rate, stepDuration, threshold, out);
            steps.add(step);
            System.out.printf(
                    "  %s: %5d/s offered %7.0f/s  arrived %d/%d  p50 %s  p99 %s"
                            + "  cores: JVM %.1f, PostgreSQL %.1f, machine %.1f, load generator %.1f"
                            + "  %s%n",
                    sync,
                    rate,
                    step.offeredRate(),
                    step.latency().arrived(),
                    step.latency().changes(),
                    Report.millis(step.latency().p50Millis()),
                    Report.millis(step.latency().p99Millis()),
                    step.jvmCores(),
                    step.postgresCores(),
                    step.machineCores(),
                    step.loadCores(),
                    verdict(step));
            System.out.printf("    JVM µs per update: %s%n", step.jvmThreadMicrosPerUpdate());
            if (!step.keptUp() || step.writerLimited()) {
                break;
            }
            Thread.sleep(2000);
        }
        return new Result(sync, threshold.toMillis(), steps);
    }

    private static Step step(
            String sync,
            SyncRun run,
            String syncApp,
            UpdateWriters writers,
            int rate,
            Duration duration,
            Duration threshold,
            Path out)
            throws Exception {
        Map<String, Long> marks = new HashMap<>();
        for (String system : run.systemNames()) {
            marks.put(system, AuditLog.lastSeq(run, system));
        }
        long started = System.nanoTime();
        CpuTime cpu = CpuTime.now();
        ThreadCpu threads = ThreadCpu.now();
        UpdateWriters.Written written = writers.write("s" + rate, rate, duration);
        int changes = written.changes();
        long wall = System.nanoTime() - started;
        double[] cores = CpuTime.now().coresSince(cpu, wall);
        Map<String, Double> threadCores = ThreadCpu.now().coresSince(threads, wall, cores[0]);
        double offered = changes / (wall / 1e9 - 0.1);
        long deadline = System.nanoTime() + threshold.plus(DRAIN).toNanos();
        while (System.nanoTime() < deadline && arrivals(run, syncApp, marks) < changes) {
            Thread.sleep(250);
        }
        Map<String, Long> sourceCommits = new HashMap<>();
        Map<String, Long> targetCommits = new HashMap<>();
        for (String system : run.systemNames()) {
            long mark = marks.get(system);
            sourceCommits.putAll(AuditLog.phoneCommits(run, system, AuditLog.WRITER, mark));
            targetCommits.putAll(AuditLog.phoneCommits(run, system, syncApp, mark));
        }
        Latencies latency = Latencies.of(sourceCommits, targetCommits);
        Latencies.writeCsv(
                out.resolve("latency-" + sync.replace(' ', '-') + "-" + rate + ".csv"),
                sourceCommits,
                targetCommits);
        return new Step(
                rate,
                offered,
                latency,
                latency.p99Millis() <= threshold.toMillis(),
                offered < 0.9 * rate,
                cores[0],
                cores[1],
                cores[2],
                (double) written.cpuNanos() / wall,
                threadCores);
    }

    static String verdict(Step step) {
        return (step.keptUp() ? "kept up" : "NOT kept up")
                + (step.writerLimited() ? " (writers' limit)" : "");
    }

    private static long arrivals(SyncRun run, String syncApp, Map<String, Long> marks)
            throws Exception {
        long arrived = 0;
        for (String system : run.systemNames()) {
            arrived += AuditLog.count(run, system, syncApp, marks.get(system));
        }
        return arrived;
    }
}
