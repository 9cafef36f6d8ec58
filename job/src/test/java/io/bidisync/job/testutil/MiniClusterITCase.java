package io.bidisync.job.testutil;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.metrics.RestMetrics;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /** The MiniCluster's REST endpoint. */
    protected String restUrl;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

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
        restUrl = cluster.getRestAddress().get().toString();
        metrics = new RestMetrics(restUrl);
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
     * returns. A slow job looks quiet too: before asserting that something did not happen, {@link
     * #settle} instead.
     */
    protected void awaitQuiet(SyncRun run, Duration quiet) throws Exception {
        run.awaitQuiet(quiet, CONVERGENCE);
    }

    /**
     * Returns once the run's current job has processed every change committed so far and whatever
     * those caused ({@link SyncRun#settle}: rounds of {@link Canary canaries}). First its golden
     * stage's watermark must pass now: after a start its sources may still read a snapshot, whose
     * rows carry no time, and a canary read there would prove nothing.
     */
    protected void settle(SyncRun run) throws Exception {
        long now = System.currentTimeMillis();
        Await.until(
                "the golden stage's watermark to pass " + now,
                CONVERGENCE,
                () -> goldenWatermark(run.jobId()) >= now,
                () -> "watermark " + goldenWatermark(run.jobId()));
        run.settle(CONVERGENCE);
    }

    /**
     * The lowest input watermark of the job's golden stage subtasks, or MIN before there is one.
     */
    protected long goldenWatermark(JobID job) throws Exception {
        long lowest = Long.MIN_VALUE;
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            if (!vertex.path("name").asText().startsWith("golden")) {
                continue;
            }
            JsonNode marks =
                    get("/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/watermarks");
            if (marks.isEmpty()) {
                return Long.MIN_VALUE;
            }
            lowest = Long.MAX_VALUE;
            for (JsonNode mark : marks) {
                lowest = Math.min(lowest, mark.path("value").asLong(Long.MIN_VALUE));
            }
        }
        return lowest;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(restUrl + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + response.statusCode());
        }
        return json.readTree(response.body());
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
