package io.bidisync.job.metrics;

import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees of a running job through Flink's REST API (the dashboard's source): every
 * metric of {@link SyncMetrics} under {@code /jobs/<id>/vertices/<vid>/metrics}, per system where
 * it is about one, and operator names that read like the data flow.
 */
class MetricsITCase extends MiniClusterITCase {
    /** Metrics about one system, registered once per system. */
    private static final Set<String> PER_SYSTEM =
            Set.of(
                    SyncMetrics.RECORDS_IN,
                    SyncMetrics.DEAD_LETTERS,
                    SyncMetrics.WATERMARK_LAG,
                    SyncMetrics.INSERTS,
                    SyncMetrics.UPDATES,
                    SyncMetrics.DELETES,
                    SyncMetrics.CONFLICTS,
                    SyncMetrics.INSERTS_BLOCKED,
                    SyncMetrics.WRITES_HELD);

    @Test
    void everyMetricIsVisibleThroughTheRestApiUnderReadableOperatorNames() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        // The breaker's metrics exist only with one configured.
                        .extra("safety: { max-writes-per-system: 100%, window: 1m }\n")
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES ('ann@example.com', 'Ann', 'Oslo')")
                        .create()) {
            run.start();
            Await.until(
                    "Ann in ERP", CONVERGENCE, () -> run.rows("erp").size() == 1, () -> state(run));

            List<String> expected = new ArrayList<>();
            for (String name : metricNames()) {
                if (name.equals(SyncMetrics.UNRESOLVED_REFERENCES)) {
                    // Only a job with references has it: ReferencesITCase looks at it.
                    continue;
                }
                if (PER_SYSTEM.contains(name)) {
                    expected.add("bidisync.system.crm." + name);
                    expected.add("bidisync.system.erp." + name);
                } else {
                    expected.add("bidisync." + name);
                }
            }
            Await.until(
                    "every metric listed",
                    CONVERGENCE,
                    () -> listed(run).containsAll(expected),
                    () -> "missing " + missing(expected, listed(run)));

            Map<String, List<String>> byVertex = metrics.ids(run.jobId());
            assertThat(byVertex.keySet())
                    .anyMatch(v -> v.contains("crm: read changes (CDC)"))
                    .anyMatch(v -> v.contains("erp: map to global model"))
                    .anyMatch(v -> v.contains("identity: follow each record's match key"))
                    .anyMatch(
                            v -> v.contains("golden: merge, wait for completeness, decide writes"))
                    .anyMatch(v -> v.contains("safety: mass-change breaker per system"))
                    .anyMatch(v -> v.contains("erp: conditional writes (JDBC)"));
            // The values behind them are the job's: ERP got one insert, both systems stream.
            Await.until(
                    "the watermarks of both systems",
                    CONVERGENCE,
                    () ->
                            metrics.total(run.jobId(), "system.crm." + SyncMetrics.WATERMARK_LAG)
                                            >= 0
                                    && metrics.total(
                                                    run.jobId(),
                                                    "system.erp." + SyncMetrics.WATERMARK_LAG)
                                            >= 0);
            assertThat(metrics.total(run.jobId(), "system.erp." + SyncMetrics.INSERTS))
                    .isEqualTo(1);
            assertThat(metrics.total(run.jobId(), "system.crm." + SyncMetrics.RECORDS_IN))
                    .isEqualTo(1);

            // The Prometheus reporter the deployments configure exports every series the Grafana
            // dashboard queries, per system as a label.
            String scraped = scrape();
            Set<String> exported = new TreeSet<>();
            Matcher line = Pattern.compile("(?m)^(flink_[A-Za-z0-9_]+)\\{").matcher(scraped);
            while (line.find()) {
                exported.add(line.group(1));
            }
            Set<String> queried = new TreeSet<>();
            Matcher name =
                    Pattern.compile("flink_[A-Za-z0-9_]+")
                            .matcher(
                                    Files.readString(
                                            Path.of("../deploy/grafana/bidisync-dashboard.json")));
            while (name.find()) {
                queried.add(name.group());
            }
            queried.remove(
                    "flink_taskmanager_job_task_operator_bidisync_"
                            + SyncMetrics.UNRESOLVED_REFERENCES);
            assertThat(queried).hasSizeGreaterThan(10);
            assertThat(exported).containsAll(queried);
            assertThat(scraped)
                    .containsPattern(
                            "flink_taskmanager_job_task_operator_bidisync_system_recordsIn\\{[^}]*system=\"crm\"");
        }
    }

    private static String scrape() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:" + PROMETHEUS_PORT + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The names {@link SyncMetrics} defines. */
    private static List<String> metricNames() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field field : SyncMetrics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && field.getType() == String.class
                    && !field.getName().equals("GROUP")) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    /** The metric names listed for the job, without subtask index and operator name. */
    private Set<String> listed(SyncRun run) throws Exception {
        Set<String> out = new TreeSet<>();
        for (List<String> ids : metrics.ids(run.jobId()).values()) {
            for (String id : ids) {
                out.add(id.substring(id.indexOf("bidisync.")));
            }
        }
        return out;
    }

    private static List<String> missing(List<String> expected, Set<String> listed) {
        return expected.stream().filter(e -> !listed.contains(e)).toList();
    }
}
