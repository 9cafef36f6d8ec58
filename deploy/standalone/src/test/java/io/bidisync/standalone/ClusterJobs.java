package io.bidisync.standalone;

import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.SyncRun;

import org.apache.flink.api.common.JobID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' view of a {@link StandaloneCluster} in {@code target/}: submits the job jar as a user
 * would ({@code flink run}), reads job state, checkpoints and metrics through the REST API.
 *
 * <p>A test class registers one ({@code @RegisterExtension}): the cluster starts before its tests,
 * the jobs still running are cancelled after each test, and it stops after the last.
 */
final class ClusterJobs implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** How long {@link #settle} waits for REST's metrics to show the watermark caught up. */
    private static final Duration WATERMARK_TIMEOUT = Duration.ofMinutes(1);

    private final String name;
    private final int taskManagers;
    private final ObjectMapper json = new ObjectMapper();
    private StandaloneCluster cluster;
    private RestMetrics metrics;

    private ClusterJobs(String name, int taskManagers) {
        this.name = name;
        this.taskManagers = taskManagers;
    }

    /** A cluster of {@code taskManagers} in {@code target/cluster-NAME}. */
    static ClusterJobs of(String name, int taskManagers) {
        return new ClusterJobs(name, taskManagers);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path home = Path.of("target", "cluster-" + name).toAbsolutePath();
        cluster =
                StandaloneCluster.prepareFresh(
                        Path.of(System.getProperty("bidisync.cluster.conf")),
                        home,
                        Files.readString(Path.of(System.getProperty("bidisync.cluster.classpath")))
                                .trim(),
                        // Each TaskManager's work spreads over all TaskManagers, so any one killed
                        // hits the job.
                        Map.of("cluster.evenly-spread-out-slots", "true"),
                        Map.of());
        if (Boolean.getBoolean("bidisync.cluster.debug")) {
            // Every write decision the job executes, in the TaskManagers' logs.
            Files.writeString(
                    home.resolve("conf").resolve("log4j.properties"),
                    "logger.bidisync.name = io.bidisync\nlogger.bidisync.level = DEBUG\n",
                    StandardOpenOption.APPEND);
        }
        metrics = new RestMetrics(cluster.restUrl());
        cluster.start(taskManagers);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        cancelRunningJobs();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.close();
    }

    StandaloneCluster cluster() {
        return cluster;
    }

    /**
     * {@code flink run -d -p 2 [-s from] bidisync.jar --config FILE} with the run's configuration;
     * returns the job id once its tasks are running.
     */
    String submit(SyncRun run, String yaml, String fromPath) throws Exception {
        return submit(run, yaml, fromPath, 2);
    }

    /** {@link #submit(SyncRun, String, String)} at another parallelism. */
    String submit(SyncRun run, String yaml, String fromPath, int parallelism) throws Exception {
        String id = running(flinkRun(run, yaml, fromPath, parallelism));
        run.startedElsewhere();
        return id;
    }

    String submit(SyncRun run) throws Exception {
        return submit(run, run.yaml(), null);
    }

    /**
     * {@code flink run -d -p 2 bidisync.jar --config FILE} of a configuration file named {@code
     * name} (any shape, e.g. several entity types); returns the job id once its tasks are running.
     */
    String submit(String name, String yaml) throws Exception {
        return running(flinkRun(name, yaml, null, 2));
    }

    /** The submitted job's id, once its tasks are running. */
    private String running(StandaloneCluster.ClientResult result) throws Exception {
        String id =
                result.jobId()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "flink run failed ("
                                                        + result.exitCode()
                                                        + "):\n"
                                                        + result.output()));
        awaitRunning(id);
        return id;
    }

    /** {@code flink run -d -p N [-s from] bidisync.jar --config FILE}, whatever comes of it. */
    StandaloneCluster.ClientResult flinkRun(
            SyncRun run, String yaml, String fromPath, int parallelism) throws Exception {
        return flinkRun(run.config().name(), yaml, fromPath, parallelism);
    }

    private StandaloneCluster.ClientResult flinkRun(
            String name, String yaml, String fromPath, int parallelism) throws Exception {
        Path config = cluster.home().resolve("tmp").resolve(name + ".yaml");
        Files.writeString(config, yaml);
        List<String> args =
                new ArrayList<>(List.of("run", "-d", "-p", String.valueOf(parallelism)));
        if (fromPath != null) {
            args.addAll(List.of("-s", fromPath));
        }
        args.addAll(List.of(System.getProperty("bidisync.jar"), "--config", config.toString()));
        return cluster.flink(args.toArray(String[]::new));
    }

    /** The jobs the cluster knows and their states. */
    JsonNode jobs() throws IOException {
        return get("/jobs");
    }

    /** Waits until the job and every one of its tasks run. */
    void awaitRunning(String id) throws Exception {
        Await.until(
                "job " + id + " running",
                TIMEOUT,
                () -> {
                    JsonNode job = get("/jobs/" + id);
                    if (job == null || !job.path("state").asText().equals("RUNNING")) {
                        return false;
                    }
                    for (JsonNode vertex : job.path("vertices")) {
                        if (!vertex.path("status").asText().equals("RUNNING")) {
                            return false;
                        }
                    }
                    return true;
                },
                () -> get("/jobs/" + id));
    }

    String state(String id) throws IOException {
        JsonNode job = get("/jobs/" + id);
        return job == null ? "unknown" : job.path("state").asText();
    }

    /**
     * When the job last went into RESTARTING (ms since the epoch, 0 if never, or while the cluster
     * does not answer): a restart by its restart strategy changes it.
     */
    long lastRestart(String id) throws Exception {
        try {
            return metrics.lastRestart(JobID.fromHexString(id));
        } catch (IOException e) {
            return 0;
        }
    }

    /** Completed checkpoints of the job. */
    long completedCheckpoints(String id) throws IOException {
        JsonNode checkpoints = get("/jobs/" + id + "/checkpoints");
        return checkpoints == null ? 0 : checkpoints.path("counts").path("completed").asLong();
    }

    /** The path of the job's latest completed checkpoint. */
    String latestCheckpoint(String id) throws IOException {
        JsonNode checkpoints = get("/jobs/" + id + "/checkpoints");
        return checkpoints.path("latest").path("completed").path("external_path").asText();
    }

    /** Waits until one more checkpoint than {@code count} has completed; returns the new count. */
    long awaitCheckpointAfter(String id, long count) throws Exception {
        Await.until(
                "a checkpoint after #" + count,
                TIMEOUT,
                () -> completedCheckpoints(id) > count,
                () -> get("/jobs/" + id + "/checkpoints"));
        return completedCheckpoints(id);
    }

    /** Sum of a {@code bidisync} metric over the job's operators and subtasks. */
    long metric(String id, String name) throws Exception {
        return metrics.total(JobID.fromHexString(id), name);
    }

    /**
     * Waits until the job has caught up with everything committed so far and has nothing left to
     * write: canaries ({@link SyncRun#settle}) reach the systems the job inserts into only once the
     * watermark has passed every earlier change, in rounds until nothing but canaries changed; then
     * nobody may change a row for {@code quiet}.
     */
    void settle(SyncRun run, Duration quiet) throws Exception {
        // First the job should be streaming and caught up with now (after a start or a restart its
        // sources may still be reading a snapshot): then the canaries are ordinary changes.
        long now = System.currentTimeMillis();
        try {
            Await.until(
                    "the golden stage's watermark to pass " + now,
                    WATERMARK_TIMEOUT,
                    () -> goldenWatermark() >= now,
                    this::runningJobMetrics);
        } catch (AssertionError e) {
            // The watermark is read from REST's metrics, which the JobManager collects from the
            // TaskManagers. Once, after a TaskManager was killed, they stayed frozen at the moment
            // of the kill while the restarted job synced on (CI, 2026-12-07). The canaries decide:
            // one reaches the other systems only once the watermark has passed it.
            System.out.println("REST's metrics do not show it; the canaries decide. " + e);
        }
        try {
            run.settle(TIMEOUT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + runningJobMetrics(), e);
        }
        run.awaitQuiet(quiet, TIMEOUT);
    }

    /** The lowest input watermark of the golden stage's subtasks in the running job, or MIN. */
    private long goldenWatermark() throws IOException {
        long lowest = Long.MIN_VALUE;
        JsonNode jobs = get("/jobs");
        for (JsonNode job : jobs == null ? json.createArrayNode() : jobs.path("jobs")) {
            if (!job.path("status").asText().equals("RUNNING")) {
                continue;
            }
            String id = job.path("id").asText();
            for (JsonNode vertex : get("/jobs/" + id).path("vertices")) {
                if (!vertex.path("name").asText().startsWith("golden")) {
                    continue;
                }
                JsonNode marks =
                        get(
                                "/jobs/"
                                        + id
                                        + "/vertices/"
                                        + vertex.path("id").asText()
                                        + "/watermarks");
                if (marks == null || marks.isEmpty()) {
                    return Long.MIN_VALUE;
                }
                lowest = Long.MAX_VALUE;
                for (JsonNode mark : marks) {
                    lowest = Math.min(lowest, mark.path("value").asLong(Long.MIN_VALUE));
                }
            }
        }
        return lowest;
    }

    /** The bidisync metrics of the running jobs, for a failure message. */
    private String runningJobMetrics() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonNode jobs = get("/jobs");
        for (JsonNode job : jobs == null ? json.createArrayNode() : jobs.path("jobs")) {
            String id = job.path("id").asText();
            out.append(id).append(' ').append(job.path("status").asText()).append(' ');
            if (job.path("status").asText().equals("RUNNING")) {
                out.append(metrics.totals(JobID.fromHexString(id)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The ids of the TaskManagers that run tasks of the job. */
    Set<String> taskManagersOf(String id) throws IOException {
        Set<String> ids = new TreeSet<>();
        for (JsonNode vertex : get("/jobs/" + id).path("vertices")) {
            JsonNode tms =
                    get(
                            "/jobs/"
                                    + id
                                    + "/vertices/"
                                    + vertex.path("id").asText()
                                    + "/taskmanagers");
            for (JsonNode tm : tms.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** Change records the job has read, over all systems. */
    long recordsIn(String id) throws Exception {
        return metrics.totals(JobID.fromHexString(id)).entrySet().stream()
                .filter(e -> e.getKey().endsWith(".recordsIn"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Cancels whatever still runs (after a failed test), so the next test has the cluster. */
    void cancelRunningJobs() throws Exception {
        JsonNode jobs = get("/jobs");
        for (JsonNode job : jobs == null ? json.createArrayNode() : jobs.path("jobs")) {
            if (job.path("status").asText().equals("RUNNING")
                    || job.path("status").asText().equals("RESTARTING")) {
                cancel(job.path("id").asText());
            }
        }
    }

    /** {@code flink cancel ID}; returns when the job is cancelled. */
    void cancel(String id) throws Exception {
        StandaloneCluster.ClientResult result = cluster.flink("cancel", id);
        if (result.exitCode() != 0) {
            throw new AssertionError("flink cancel failed:\n" + result.output());
        }
        awaitState(id, "CANCELED");
    }

    /** {@code flink stop --savepointPath DIR ID}; returns the savepoint's path. */
    String stopWithSavepoint(String id) throws Exception {
        Path dir = cluster.home().resolve("savepoints");
        StandaloneCluster.ClientResult result =
                cluster.flink("stop", "--savepointPath", dir.toUri().toString(), id);
        Matcher path =
                Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(result.output());
        if (result.exitCode() != 0 || !path.find()) {
            throw new AssertionError("flink stop failed:\n" + result.output());
        }
        awaitState(id, "FINISHED");
        return path.group(1);
    }

    void awaitState(String id, String state) throws Exception {
        Await.until("job " + id + " " + state, TIMEOUT, () -> state(id).equals(state));
    }

    /** The job's log lines on the JobManager and every TaskManager, for assertions on them. */
    String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(cluster.home().resolve("log"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }

    private JsonNode get(String path) throws IOException {
        String body = cluster.get(path);
        return body == null ? null : json.readTree(body);
    }
}
