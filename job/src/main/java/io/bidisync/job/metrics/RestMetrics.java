package io.bidisync.job.metrics;

import org.apache.flink.api.common.JobID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the job's own metrics (group {@value SyncMetrics#GROUP}) through Flink's REST API, summed
 * over subtasks: what an operator sees in the dashboard, as numbers. Keys are the metric names
 * below the group, e.g. {@code goldenRecordsEmitted} or {@code system.erp.updates}.
 */
public final class RestMetrics {
    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl the REST endpoint, e.g. {@code http://localhost:8081}
     */
    public RestMetrics(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The current totals of the job's metrics; a metric not reported yet is absent. */
    public Map<String, Long> totals(JobID job) throws IOException, InterruptedException {
        Map<String, Long> totals = new TreeMap<>();
        for (JsonNode vertex : get("/jobs/" + job + "").path("vertices")) {
            String path =
                    "/jobs/"
                            + job
                            + "/vertices/"
                            + vertex.path("id").asText()
                            + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : get(path)) {
                String id = metric.path("id").asText();
                if (id.contains(SyncMetrics.GROUP + ".")) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            String query = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
            for (JsonNode metric : get(path + "?agg=sum&get=" + query)) {
                String id = metric.path("id").asText();
                String name =
                        id.substring(
                                id.indexOf(SyncMetrics.GROUP + ".")
                                        + SyncMetrics.GROUP.length()
                                        + 1);
                totals.merge(name, (long) metric.path("sum").asDouble(), Long::sum);
            }
        }
        return totals;
    }

    /**
     * The job's own metrics as the dashboard lists them for each operator chain (vertex name →
     * metric ids like {@code 0.crm__map_to_global_model.bidisync.system.crm.recordsIn}).
     */
    public Map<String, List<String>> ids(JobID job) throws IOException, InterruptedException {
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            List<String> ids = new ArrayList<>();
            for (JsonNode metric :
                    get("/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/metrics")) {
                String id = metric.path("id").asText();
                if (id.contains("." + SyncMetrics.GROUP + ".")) {
                    ids.add(id);
                }
            }
            out.put(vertex.path("name").asText(), ids);
        }
        return out;
    }

    /** One total, 0 when not reported yet. */
    public long total(JobID job, String name) throws IOException, InterruptedException {
        return totals(job).getOrDefault(name, 0L);
    }

    /**
     * When the job last went into RESTARTING (ms since the epoch), 0 if it never did: a restart by
     * its restart strategy changes it.
     */
    public long lastRestart(JobID job) throws IOException, InterruptedException {
        return get("/jobs/" + job).path("timestamps").path("RESTARTING").asLong();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
