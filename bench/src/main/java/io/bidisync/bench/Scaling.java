package io.bidisync.bench;

import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.standalone.StandaloneCluster;

import org.apache.flink.api.common.JobID;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scaling row: bidisync as users run it, the job jar submitted with {@code flink run -p N} to a
 * standalone cluster (a JobManager and one TaskManager with two slots, JVMs of their own, the
 * production configuration of {@code deploy/standalone/conf}), once per parallelism. Each run gets
 * fresh databases with the same data set, a fresh cluster, the initial sync, the steady-state steps
 * and the invariant checker. With {@code -Dbench.jfr=true} the TaskManager records a profile.
 *
 * <p>It needs the job jar and the cluster's classpath, which {@code -am} builds: {@code
 * -Dbench.jar}, {@code -Dbench.cluster.conf}, {@code -Dbench.cluster.classpath} (the pom sets
 * them).
 */
final class Scaling {
    /**
     * One parallelism's outcome.
     *
     * @param invariants the invariant checker's report of its run
     */
    record Outcome(
            InitialSync.Result initial,
            SteadyState.Result steady,
            String invariants,
            boolean clean) {}

    private Scaling() {}

    /** The name a parallelism's rows carry in the report. */
    static String name(int parallelism) {
        return "cluster p" + parallelism;
    }

    static Outcome run(
            CustomerDataSet data,
            int parallelism,
            List<Integer> rates,
            Duration step,
            Path out,
            boolean jfr)
            throws Exception {
        Path home = out.resolve("cluster-p" + parallelism).toAbsolutePath();
        Map<String, String> settings = new HashMap<>(Benchmarks.flinkOptions());
        Path recording = out.resolve("scaling-p" + parallelism + ".jfr").toAbsolutePath();
        if (jfr) {
            // The job runs in the TaskManager's JVM: its recording is written when it stops.
            Files.deleteIfExists(recording);
            settings.put(
                    "env.java.opts.taskmanager",
                    "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                            + recording);
        }
        Outcome outcome = run(data, parallelism, rates, step, out, home, settings);
        if (jfr) {
            System.out.println("JFR recording: " + recording);
            System.out.println("Its summary: " + ProfileSummary.write(recording));
        }
        return outcome;
    }

    private static Outcome run(
            CustomerDataSet data,
            int parallelism,
            List<Integer> rates,
            Duration step,
            Path out,
            Path home,
            Map<String, String> settings)
            throws Exception {
        String sync = name(parallelism);
        try (SyncRun run = data.seed(SyncRun.of(SyncedSystem.crm(), SyncedSystem.erp())).create();
                StandaloneCluster cluster =
                        StandaloneCluster.prepareFresh(
                                Path.of(System.getProperty("bench.cluster.conf")),
                                home,
                                Files.readString(
                                                Path.of(
                                                        System.getProperty(
                                                                "bench.cluster.classpath")))
                                        .trim(),
                                settings,
                                Map.of())) {
            cluster.start(1);
            Path config = home.resolve("tmp").resolve("sync.yaml");
            Files.writeString(config, run.yaml());
            long started = System.currentTimeMillis() * 1000;
            StandaloneCluster.ClientResult submitted =
                    cluster.flink(
                            "run",
                            "-d",
                            "-p",
                            String.valueOf(parallelism),
                            System.getProperty("bench.jar"),
                            "--config",
                            config.toString());
            JobID job =
                    JobID.fromHexString(
                            submitted
                                    .jobId()
                                    .orElseThrow(
                                            () ->
                                                    new IllegalStateException(
                                                            "flink run failed:\n"
                                                                    + submitted.output())));
            run.startedElsewhere();
            try {
                InitialSync.Result converged =
                        InitialSync.await(
                                sync,
                                run,
                                "bidisync",
                                started,
                                2L * data.rows(),
                                () -> data.converged(run));
                InitialSync.Result initial =
                        InitialSync.awaitCaughtUp(
                                converged, run, new RestMetrics(cluster.restUrl()), job);
                SteadyState.Result steady =
                        SteadyState.run(
                                sync,
                                run,
                                "bidisync",
                                rates,
                                step,
                                SteadyState.threshold(run),
                                out);
                run.awaitQuiet(Duration.ofSeconds(5), Duration.ofMinutes(10));
                InvariantChecker.Report report = InvariantChecker.check(run);
                return new Outcome(initial, steady, report.toString(), report.clean());
            } finally {
                StandaloneCluster.ClientResult cancelled = cluster.flink("cancel", job.toString());
                if (cancelled.exitCode() != 0) {
                    System.out.println("flink cancel failed:\n" + cancelled.output());
                }
            }
        }
    }
}
