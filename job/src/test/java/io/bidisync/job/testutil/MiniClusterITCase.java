package io.bidisync.job.testutil;

import io.bidisync.job.demo.CustomerTables.Row;
import io.bidisync.job.metrics.RestMetrics;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Base of the end-to-end tests: a MiniCluster with one TaskManager of four slots (the job runs at
 * parallelism 2), its REST metrics, and waits with deadlines.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class MiniClusterITCase {
    protected static final Duration CONVERGENCE = Duration.ofSeconds(120);

    private static final String PROMETHEUS_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /** Where the MiniCluster's Prometheus reporter serves {@code /metrics}. */
    protected static final int PROMETHEUS_PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(clusterConfig())
                            .build());

    protected RestMetrics metrics;

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Configuration clusterConfig() {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        // RocksDB lives in managed memory; the MiniCluster's default is so small that RocksDB
        // flushes its memtables constantly and the keyed stages crawl.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(512));
        // The Prometheus reporter the deployments configure, so tests see what it exports.
        conf.setString("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
        conf.setString("metrics.reporter.prom.port", String.valueOf(PROMETHEUS_PORT));
        return conf;
    }

    @BeforeEach
    void connectMetrics(@InjectMiniCluster MiniCluster cluster) throws Exception {
        metrics = new RestMetrics(cluster.getRestAddress().get().toString());
    }

    /** Waits until the job has emitted its first golden records: both snapshots are read. */
    protected void awaitFirstGoldenRecords(SyncRun run) throws Exception {
        Await.until(
                "the first golden records",
                CONVERGENCE,
                () -> run.metric(metrics, "goldenRecordsEmitted") >= 1);
    }

    /**
     * Waits until nobody has changed a synced row for {@code quiet} (the job included), then
     * returns: the job has nothing left to write.
     */
    protected void awaitQuiet(SyncRun run, Duration quiet) throws Exception {
        run.awaitQuiet(quiet, CONVERGENCE);
    }

    protected static String state(SyncRun run) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (String system : run.systemNames()) {
            out.append(system).append(' ').append(run.rows(system)).append(' ');
        }
        return out.toString();
    }

    /** The rows whose e-mail is {@code email}, ignoring case and surrounding spaces. */
    protected static List<Row> withEmail(List<Row> rows, String email) {
        return rows.stream()
                .filter(r -> r.email() != null && r.email().trim().equalsIgnoreCase(email))
                .toList();
    }

    protected static Row only(List<Row> rows) {
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows);
        }
        return rows.get(0);
    }
}
