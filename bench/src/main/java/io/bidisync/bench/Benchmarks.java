package io.bidisync.bench;

import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;

import jdk.jfr.Recording;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the benchmarks in one JVM, baselines first, and prints and writes their report
 * (docs/performance.md): {@code mvn -B -Pbench -pl bench -am verify -DskipTests}.
 *
 * <ol>
 *   <li>PostgreSQL's own limit: batched updates on the data set's CRM table;
 *   <li>the naive sync (Flink CDC → JDBC upsert sink): initial sync, then stepped update rates;
 *   <li>bidisync: the same initial sync and steps, then the invariant checker over the whole run;
 *   <li>the golden operator alone, with generated changes;
 *   <li>two entity types: the initial sync of companies and the contacts that reference them;
 *   <li>scaling: bidisync's initial sync and steps on a standalone cluster at each parallelism.
 * </ol>
 *
 * <p>Settings are system properties ({@code bench.rows}, {@code bench.rates}, {@code
 * bench.step-seconds}, {@code bench.golden-records} (a list), {@code bench.golden-backends}, {@code
 * bench.golden-heap-max}, {@code bench.state-backend}, {@code bench.flink} (Flink options, {@code
 * key=value;…}), {@code bench.managed-memory}, {@code bench.workloads}, {@code
 * bench.scaling-parallelisms}, {@code bench.scaling-rates}, {@code bench.jfr}, {@code
 * bench.native-profile}, {@code bench.out}). Exits with 1 when bidisync broke an invariant or the
 * naive sync lost rows: a fast run that is wrong is a failed run.
 */
public final class Benchmarks {
    private Benchmarks() {}

    /** Whether each workload in this JVM gets a native CPU profile ({@link NativeProfile}). */
    private static final boolean NATIVE_PROFILE = Boolean.getBoolean("bench.native-profile");

    /** The syncs' state backend. */
    private static final String STATE_BACKEND =
            System.getProperty("bench.state-backend", "rocksdb");

    /** A comma-separated setting, each item trimmed. */
    private static List<String> list(String property, String fallback) {
        return Arrays.stream(System.getProperty(property, fallback).split(","))
                .map(String::trim)
                .toList();
    }

    /**
     * The production job settings (deploy/standalone/conf/config.yaml, and what {@code bidisync
     * run} fills in) over the test fixtures' defaults: RocksDB, incremental checkpoints every 10 s,
     * parallelism 2, no Kryo.
     */
    static Configuration jobSettings() {
        Configuration conf = SyncRun.jobSettings();
        conf.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                Duration.ofSeconds(Integer.getInteger("bench.checkpoint-seconds", 10)));
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(StateBackendOptions.STATE_BACKEND, STATE_BACKEND);
        flinkOptions().forEach(conf::setString);
        return conf;
    }

    /**
     * Flink options for an experiment, {@code -Dbench.flink="key=value;key=value"}: the jobs'
     * settings, and the standalone cluster's configuration in the scaling row.
     */
    static Map<String, String> flinkOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : System.getProperty("bench.flink", "").split(";")) {
            int eq = option.indexOf('=');
            if (eq > 0) {
                options.put(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
            }
        }
        return options;
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 100_000);
        List<Integer> rates =
                list("bench.rates", "250,500,1000,1500,2000,3000,4000,6000,8000").stream()
                        .map(Integer::valueOf)
                        .toList();
        Duration step = Duration.ofSeconds(Integer.getInteger("bench.step-seconds", 20));
        List<Integer> goldenRecords =
                list("bench.golden-records", "300000,1000000,3000000").stream()
                        .map(Integer::valueOf)
                        .toList();
        List<String> goldenBackends = list("bench.golden-backends", "rocksdb,hashmap");
        List<String> workloads =
                list("bench.workloads", "postgres,naive,bidisync,golden,entities,scaling");
        List<Integer> parallelisms =
                list("bench.scaling-parallelisms", "1,2").stream().map(Integer::valueOf).toList();
        List<Integer> scalingRates =
                list("bench.scaling-rates", "1000,1500,2000,3000,4000").stream()
                        .map(Integer::valueOf)
                        .toList();
        boolean jfr = Boolean.getBoolean("bench.jfr");
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        Files.createDirectories(out);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rowsPerSystem", rows);
        settings.put("rates", rates);
        settings.put("stepSeconds", step.toSeconds());
        settings.put("goldenRecords", goldenRecords);
        settings.put("goldenStateBackends", goldenBackends);
        settings.put("stateBackend", STATE_BACKEND);
        settings.put("workloads", workloads);
        settings.put("scalingParallelisms", parallelisms);
        settings.put("scalingRates", scalingRates);

        CustomerDataSet data = new CustomerDataSet(rows);
        PostgresLimit.Result postgres = null;
        List<InitialSync.Result> initial = new ArrayList<>();
        List<SteadyState.Result> steady = new ArrayList<>();
        List<GoldenOperator.Result> golden = new ArrayList<>();
        String invariants = null;
        Boolean clean = null;
        Boolean naiveComplete = null;
        Boolean referencesConsistent = null;

        try (BenchCluster cluster = BenchCluster.start()) {
            if (workloads.contains("postgres")) {
                System.out.println("PostgreSQL's own limit …");
                try (SyncRun run =
                        data.seed(SyncRun.of(SyncedSystem.crm(), SyncedSystem.erp())).create()) {
                    postgres =
                            profiled(
                                    jfr,
                                    out,
                                    "postgres",
                                    () ->
                                            PostgresLimit.measure(
                                                    run, "crm", rows, Duration.ofSeconds(10)));
                }
            }
            if (workloads.contains("naive")) {
                System.out.println("Naive sync (Flink CDC → JDBC upsert sink) …");
                naiveComplete =
                        profiled(
                                jfr,
                                out,
                                "naive",
                                () -> naive(data, rates, step, out, initial, steady));
            }
            if (workloads.contains("bidisync")) {
                System.out.println("bidisync …");
                InvariantChecker.Report report =
                        profiled(
                                jfr,
                                out,
                                "bidisync",
                                () ->
                                        bidisync(
                                                data,
                                                rates,
                                                step,
                                                out,
                                                cluster.metrics(),
                                                initial,
                                                steady));
                invariants = "bidisync:\n" + report;
                clean = report.clean();
            }
            if (workloads.contains("golden")) {
                Path savepoints =
                        Files.createDirectories(out.resolve("savepoints")).toAbsolutePath();
                int heapLimit = Integer.getInteger("bench.golden-heap-max", 1_000_000);
                for (String backend : goldenBackends) {
                    for (int size : goldenRecords) {
                        if (backend.equals("hashmap") && size > heapLimit) {
                            // Heap state of this size needs more heap than the benchmark's JVM has
                            // (docs/performance.md: bytes per golden record on the heap).
                            System.out.printf(
                                    "Golden operator alone, hashmap, %,d: skipped (more than"
                                            + " -Dbench.golden-heap-max=%,d)%n",
                                    size, heapLimit);
                            continue;
                        }
                        System.out.printf(
                                "Golden operator alone, %s, %,d golden records …%n", backend, size);
                        golden.add(
                                profiled(
                                        jfr,
                                        out,
                                        "golden-" + backend + "-" + size,
                                        () ->
                                                GoldenOperator.run(
                                                        cluster, size, backend, savepoints)));
                    }
                }
            }
            if (workloads.contains("entities")) {
                System.out.println("Two entity types (companies, contacts) …");
                TwoEntitySync.Outcome outcome =
                        profiled(jfr, out, "entities", () -> TwoEntitySync.run(rows));
                initial.add(outcome.result());
                referencesConsistent = outcome.consistent();
            }
        }
        // After the MiniCluster is gone: the cluster's JVMs get the machine to themselves.
        if (workloads.contains("scaling")) {
            for (int parallelism : parallelisms) {
                System.out.printf(
                        "bidisync on a standalone cluster, parallelism %d …%n", parallelism);
                Scaling.Outcome outcome =
                        Scaling.run(data, parallelism, scalingRates, step, out, jfr);
                initial.add(outcome.initial());
                steady.add(outcome.steady());
                invariants =
                        (invariants == null ? "" : invariants + "\n")
                                + Scaling.name(parallelism)
                                + ":\n"
                                + outcome.invariants();
                clean = (clean == null || clean) && outcome.clean();
            }
        }

        Report report =
                new Report(
                        Machine.describe(),
                        settings,
                        postgres,
                        initial,
                        steady,
                        golden,
                        invariants,
                        clean,
                        naiveComplete,
                        referencesConsistent);
        System.out.println();
        System.out.println(report.table());
        report.writeJson(out.resolve("result.json"));
        System.out.println("Written: " + out.resolve("result.json"));
        boolean failed =
                Boolean.FALSE.equals(clean)
                        || Boolean.FALSE.equals(naiveComplete)
                        || Boolean.FALSE.equals(referencesConsistent);
        if (failed) {
            System.out.println("FAILED RUN: a sync lost or duplicated data (see above).");
        }
        // The CDC connector and the database servers leave non-daemon threads behind.
        System.exit(failed ? 1 : 0);
    }

    /** The naive sync's initial sync and steps; whether its copies hold every row at the end. */
    private static boolean naive(
            CustomerDataSet data,
            List<Integer> rates,
            Duration step,
            Path out,
            List<InitialSync.Result> initial,
            List<SteadyState.Result> steady)
            throws Exception {
        SyncedSystem crm = SyncedSystem.crm();
        SyncedSystem erp = SyncedSystem.erp();
        try (SyncRun run =
                data.seed(SyncRun.of(crm, erp))
                        .seed("crm", NaiveSync.copyTableDdl(erp))
                        .seed("erp", NaiveSync.copyTableDdl(crm))
                        .create()) {
            long started = System.currentTimeMillis() * 1000;
            JobClient job = NaiveSync.start(run, crm, erp);
            try {
                initial.add(
                        InitialSync.await(
                                "naive",
                                run,
                                NaiveSync.APP,
                                started,
                                2L * data.rows(),
                                () ->
                                        count(run, "erp", NaiveSync.copyTable(crm)) >= data.rows()
                                                && count(run, "crm", NaiveSync.copyTable(erp))
                                                        >= data.rows()));
                steady.add(
                        SteadyState.run(
                                "naive",
                                run,
                                NaiveSync.APP,
                                rates,
                                step,
                                SteadyState.threshold(run),
                                out));
                run.awaitQuiet(Duration.ofSeconds(5), Duration.ofMinutes(10));
                return count(run, "erp", NaiveSync.copyTable(crm)) == count(run, "crm", "customer")
                        && count(run, "crm", NaiveSync.copyTable(erp))
                                == count(run, "erp", "client");
            } finally {
                job.cancel().get();
            }
        }
    }

    /** bidisync's initial sync and steps, and the invariant checker's report over both. */
    private static InvariantChecker.Report bidisync(
            CustomerDataSet data,
            List<Integer> rates,
            Duration step,
            Path out,
            RestMetrics metrics,
            List<InitialSync.Result> initial,
            List<SteadyState.Result> steady)
            throws Exception {
        try (SyncRun run = data.seed(SyncRun.of(SyncedSystem.crm(), SyncedSystem.erp())).create()) {
            run.start(jobSettings());
            InitialSync.Result converged =
                    InitialSync.await(
                            "bidisync",
                            run,
                            "bidisync",
                            run.startedMicros(),
                            2L * data.rows(),
                            () -> data.converged(run));
            initial.add(InitialSync.awaitCaughtUp(converged, run, metrics, run.jobId()));
            steady.add(
                    SteadyState.run(
                            "bidisync",
                            run,
                            "bidisync",
                            rates,
                            step,
                            SteadyState.threshold(run),
                            out));
            run.awaitQuiet(Duration.ofSeconds(5), Duration.ofMinutes(10));
            return InvariantChecker.check(run);
        }
    }

    private static long count(SyncRun run, String system, String table) throws SQLException {
        return AuditLog.number(run, system, "SELECT count(*) FROM " + table);
    }

    /** A workload, as a lambda that may throw. */
    @FunctionalInterface
    private interface Workload<T> {
        T run() throws Exception;
    }

    /**
     * Runs a workload, with a JFR recording of it in {@code out} and a native profile of it when
     * asked for.
     */
    private static <T> T profiled(boolean jfr, Path out, String name, Workload<T> workload)
            throws Exception {
        NativeProfile cpu = NATIVE_PROFILE ? NativeProfile.start(out, name) : null;
        try {
            return jfr ? recorded(out, name, workload) : workload.run();
        } finally {
            if (cpu != null) {
                cpu.close();
            }
        }
    }

    /** Runs a workload with a JFR recording of it, and the recording's summary, in {@code out}. */
    private static <T> T recorded(Path out, String name, Workload<T> workload) throws Exception {
        try (Recording recording =
                new Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            recording.start();
            T result = workload.run();
            recording.dump(out.resolve(name + ".jfr"));
            System.out.println("JFR recording: " + out.resolve(name + ".jfr"));
            System.out.println("Its summary: " + ProfileSummary.write(out.resolve(name + ".jfr")));
            return result;
        }
    }
}
