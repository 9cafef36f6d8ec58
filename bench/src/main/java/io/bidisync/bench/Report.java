package io.bidisync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one benchmark run: the measurements, the targets they are judged against, the
 * invariant checker's verdict, and the machine. Printed as a table, written as JSON.
 *
 * @param machine what it ran on
 * @param settings what was asked for (rows, rates, step length …)
 * @param postgres PostgreSQL's own write limit; {@code null} if not run
 * @param initialSyncs the initial syncs (naive, bidisync, two entities, the scaling row's runs on a
 *     standalone cluster), in run order
 * @param steadyStates the steady-state steps (naive, bidisync, the scaling row's), in run order
 * @param golden the golden operator alone, per state backend and number of golden records (empty if
 *     not run)
 * @param invariants the invariant checker's report of the bidisync runs, {@code null} if none ran
 * @param invariantsClean whether the bidisync runs kept every promise
 * @param naiveCopiesComplete whether the naive sync copied every row (null if not run)
 * @param referencesConsistent whether the two-entity sync left every contact at the same company in
 *     both systems, nothing twice (null if not run)
 */
record Report(
        Map<String, Object> machine,
        Map<String, Object> settings,
        PostgresLimit.Result postgres,
        List<InitialSync.Result> initialSyncs,
        List<SteadyState.Result> steadyStates,
        List<GoldenOperator.Result> golden,
        String invariants,
        Boolean invariantsClean,
        Boolean naiveCopiesComplete,
        Boolean referencesConsistent) {

    /** The state size the golden operator's figure is quoted at, and growth is measured from. */
    static final long REFERENCE_SIZE = 1_000_000;

    /**
     * One target of the issue: what it compares, the required and the measured ratio or value.
     *
     * @param shown whether the run decides the target: a ratio against a limit the run did not
     *     reach is only a bound, and a bound above the requirement shows nothing
     */
    record Target(String name, String required, String measured, boolean met, boolean shown) {
        Target(String name, String required, String measured, boolean met) {
            this(name, required, measured, met, true);
        }

        String verdict() {
            return !shown ? "not shown" : met ? "met" : "MISSED";
        }
    }

    /** Every target the measurements that ran allow to judge. */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        SteadyState.Result naive = steady("naive");
        SteadyState.Result bidi = steady("bidisync");
        if (bidi != null && naive != null && naive.sustainedRate() > 0) {
            double ratio = (double) bidi.sustainedRate() / naive.sustainedRate();
            // Where the load generator could not offer the naive sync its limit, the ratio is an
            // upper bound: it shows a miss, never a success.
            boolean bound = naive.limitAboveSteps();
            targets.add(
                    new Target(
                            "steady-state rate vs naive sync",
                            "≥ 70%",
                            bound
                                    ? "≤ " + percent(ratio) + " (naive's limit not reached)"
                                    : percent(ratio),
                            ratio >= 0.7 && !bound,
                            ratio < 0.7 || !bound));
        }
        if (bidi != null && postgres != null) {
            double ratio = bidi.sustainedRate() / postgres.rowsPerSecond();
            targets.add(
                    new Target(
                            "steady-state rate vs PostgreSQL's limit",
                            "≥ 40%",
                            percent(ratio),
                            ratio >= 0.4));
        }
        if (bidi != null) {
            SteadyState.Step half = bidi.atHalfSustained();
            targets.add(
                    new Target(
                            "p99 at half the sustained rate",
                            "≤ " + bidi.thresholdMillis() + " ms",
                            half == null
                                    ? "no step at half"
                                    : millis(half.latency().p99Millis())
                                            + " at "
                                            + half.rate()
                                            + "/s",
                            half != null && half.latency().p99Millis() <= bidi.thresholdMillis()));
        }
        InitialSync.Result naiveLoad = initial("naive");
        InitialSync.Result bidiLoad = initial("bidisync");
        if (naiveLoad != null && bidiLoad != null) {
            double ratio = bidiLoad.seconds() / naiveLoad.seconds();
            targets.add(
                    new Target(
                            "initial sync time vs naive sync",
                            "≤ 2.0×",
                            String.format("%.2f×", ratio),
                            ratio <= 2.0));
        }
        for (String backend :
                golden.stream().map(GoldenOperator.Result::stateBackend).distinct().toList()) {
            List<GoldenOperator.Result> sizes =
                    golden.stream().filter(g -> g.stateBackend().equals(backend)).toList();
            GoldenOperator.Result base =
                    sizes.stream()
                            .filter(g -> g.goldenRecords() == REFERENCE_SIZE)
                            .findFirst()
                            .orElse(sizes.get(0));
            targets.add(
                    new Target(
                            "golden operator records/s per core (" + backend + ")",
                            "≥ 50,000",
                            String.format(
                                    "%,.0f at %,d",
                                    base.recordsPerCoreSecond(), base.goldenRecords()),
                            base.recordsPerCoreSecond() >= 50_000));
            GoldenOperator.Result largest =
                    sizes.stream()
                            .max(
                                    java.util.Comparator.comparingLong(
                                            GoldenOperator.Result::goldenRecords))
                            .orElseThrow();
            if (largest.goldenRecords() > base.goldenRecords()) {
                // Cost per record, so the ratio reads "times as expensive".
                double ratio = base.recordsPerCoreSecond() / largest.recordsPerCoreSecond();
                targets.add(
                        new Target(
                                String.format(
                                        "golden cost at %,d vs %,d (%s)",
                                        largest.goldenRecords(), base.goldenRecords(), backend),
                                "≤ 1.5×",
                                String.format("%.2f×", ratio),
                                ratio <= 1.5));
            }
        }
        return targets;
    }

    private SteadyState.Result steady(String sync) {
        return steadyStates.stream().filter(s -> s.sync().equals(sync)).findFirst().orElse(null);
    }

    private InitialSync.Result initial(String sync) {
        return initialSyncs.stream().filter(s -> s.sync().equals(sync)).findFirst().orElse(null);
    }

    /** The run as a table for the terminal (and docs/performance.md). */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(machine).append('\n');
        out.append("Settings: ").append(settings).append("\n\n");
        if (postgres != null) {
            out.append(
                    String.format(
                            "PostgreSQL's own limit (batched UPDATE, %d per batch, %d connections):"
                                    + " %,.0f rows/s audited, %,.0f rows/s without the audit trigger%n%n",
                            postgres.batchSize(),
                            postgres.connections(),
                            postgres.rowsPerSecond(),
                            postgres.bareRowsPerSecond()));
        }
        if (!initialSyncs.isEmpty()) {
            out.append(
                    String.format(
                            "%-10s %10s %12s %10s %12s %12s%n",
                            "initial",
                            "rows read",
                            "rows written",
                            "seconds",
                            "rows read/s",
                            "caught up s"));
            for (InitialSync.Result r : initialSyncs) {
                out.append(
                        String.format(
                                "%-10s %,10d %,12d %10.1f %,12.0f %12s%n",
                                r.sync(),
                                r.rowsRead(),
                                r.rowsWritten(),
                                r.seconds(),
                                r.rowsPerSecond(),
                                r.caughtUpSeconds() == null
                                        ? "-"
                                        : String.format("%.1f", r.caughtUpSeconds())));
            }
            out.append(
                    "(seconds: from the start to the last write's commit; caught up: until the job"
                            + " has also read back its own writes, ready for new changes)\n");
            out.append('\n');
        }
        for (SteadyState.Result r : steadyStates) {
            out.append(
                    String.format(
                            "%-10s %8s %10s %12s %9s %9s %9s %5s %5s %5s %5s %7s %7s  (kept up: p99"
                                    + " ≤ %d ms; cores busy; CPU ms per update: whole machine,"
                                    + " without the load generator)%n",
                            "steady",
                            "rate/s",
                            "offered/s",
                            "arrived",
                            "p50 ms",
                            "p99 ms",
                            "max ms",
                            "JVM",
                            "PG",
                            "all",
                            "gen",
                            "ms/upd",
                            "sync",
                            r.thresholdMillis()));
            for (SteadyState.Step s : r.steps()) {
                out.append(
                        String.format(
                                "%-10s %,8d %,10.0f %,6d/%-,6d %9s %9s %,9d %5.1f %5.1f %5.1f %5.1f %7.2f"
                                        + " %7.2f  %s%n",
                                r.sync(),
                                s.rate(),
                                s.offeredRate(),
                                s.latency().arrived(),
                                s.latency().changes(),
                                millis(s.latency().p50Millis()),
                                millis(s.latency().p99Millis()),
                                s.latency().maxMillis(),
                                s.jvmCores(),
                                s.postgresCores(),
                                s.machineCores(),
                                s.loadCores(),
                                s.cpuMillisPerUpdate(),
                                s.syncCpuMillisPerUpdate(),
                                SteadyState.verdict(s)));
                if (!s.jvmThreadMicrosPerUpdate().isEmpty()) {
                    out.append(
                            String.format(
                                    "%-10s %,8d   JVM µs per update: %s%n",
                                    "", s.rate(), s.jvmThreadMicrosPerUpdate()));
                }
            }
            out.append(
                    String.format(
                            "%-10s sustained: %,d/s%s%n%n",
                            r.sync(),
                            r.sustainedRate(),
                            r.limitAboveSteps()
                                    ? " (or more: the top step was kept up with)"
                                    : ""));
        }
        for (GoldenOperator.Result g : golden) {
            out.append(
                    String.format(
                            "golden operator alone (%s): %,d records → %,d golden records at"
                                    + " parallelism %d in %.1f s (%.1f CPU s): %,.0f records/s,"
                                    + " %,.0f records/s per core (%,.0f per core of the two stages'"
                                    + " task threads alone, %.1f CPU s); savepoint %,d bytes = %.0f"
                                    + " bytes per golden record; live heap %.0f bytes per golden"
                                    + " record%n",
                            g.stateBackend(),
                            g.records(),
                            g.goldenRecords(),
                            g.parallelism(),
                            g.seconds(),
                            g.cpuSeconds(),
                            g.recordsPerSecond(),
                            g.recordsPerCoreSecond(),
                            g.recordsPerOperatorCoreSecond(),
                            g.operatorCpuSeconds(),
                            g.stateBytes(),
                            g.stateBytesPerGoldenRecord(),
                            g.heapBytesPerGoldenRecord()));
            if (!g.threadCores().isEmpty()) {
                out.append(String.format("  JVM µs per record: %s%n", g.microsPerRecordByThread()));
            }
            out.append(System.lineSeparator());
        }
        if (invariants != null) {
            out.append("Invariant checker (bidisync runs, initial sync and steady state):\n")
                    .append(invariants)
                    .append('\n');
        }
        if (naiveCopiesComplete != null) {
            out.append("Naive sync copied every row: ").append(naiveCopiesComplete).append("\n\n");
        }
        if (referencesConsistent != null) {
            out.append("Two entity types: every contact at the same company in both systems: ")
                    .append(referencesConsistent)
                    .append("\n\n");
        }
        out.append(String.format("%-42s %-10s %-28s %s%n", "target", "required", "measured", ""));
        for (Target t : targets()) {
            out.append(
                    String.format(
                            "%-42s %-10s %-28s %s%n",
                            t.name(), t.required(), t.measured(), t.verdict()));
        }
        return out.toString();
    }

    /** Writes the run as JSON (measurements, targets, machine) to {@code file}. */
    void writeJson(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("report", this);
        json.put("targets", targets());
        Files.createDirectories(file.getParent());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), json);
    }

    static String millis(long millis) {
        return millis == Long.MAX_VALUE ? "lost" : String.format("%,d", millis);
    }

    private static String percent(double ratio) {
        return String.format("%.0f%%", ratio * 100);
    }
}
