package io.bidisync.job.testutil;

import io.bidisync.embedded.CustomerTables;
import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.embedded.LocalPostgres;
import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.SyncJob;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.job.database.Database;
import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.submit.ClusterEntry;
import io.bidisync.job.upgrade.Upgrade;
import io.bidisync.job.validation.TableTypes;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One run of the job between fresh databases of the given systems (each on its own server), with an
 * audit trail of every row change for the {@link InvariantChecker}. Closing it cancels the job and
 * waits until its tasks are gone.
 */
public final class SyncRun implements AutoCloseable {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Map<String, SyncedSystem> systems;
    private final String database;
    private SyncConfig config;
    private final Map<String, List<Row>> before = new LinkedHashMap<>();
    private JobClient job;
    private long startedMicros = Long.MAX_VALUE;

    private String yaml;

    private SyncRun(
            Map<String, SyncedSystem> systems, String database, String yaml, SyncConfig config) {
        this.systems = systems;
        this.database = database;
        this.yaml = yaml;
        this.config = config;
    }

    /** Starts describing a run between these systems. */
    public static Builder of(SyncedSystem... systems) {
        return new Builder(systems);
    }

    /** What a run is made of, before its databases exist. */
    public static final class Builder {
        private final Map<String, SyncedSystem> systems = new LinkedHashMap<>();
        private final Map<String, StringBuilder> seeds = new LinkedHashMap<>();
        private UnaryOperator<String> settings = UnaryOperator.identity();
        private String extra = "";

        private Builder(SyncedSystem... systems) {
            for (SyncedSystem s : systems) {
                this.systems.put(s.name(), s);
                seeds.put(s.name(), new StringBuilder());
            }
        }

        /** SQL run in the system's database before the job starts (tables exist by then). */
        public Builder seed(String system, String sql) {
            seeds.get(system).append(sql).append(';');
            return this;
        }

        /** Changes the sample settings (everything but the systems), e.g. a rule or a delay. */
        public Builder settings(UnaryOperator<String> change) {
            settings = settings.andThen(change)::apply;
            return this;
        }

        /** Extra top-level configuration appended after the systems. */
        public Builder extra(String yaml) {
            extra = extra + yaml;
            return this;
        }

        /** Creates the databases, tables, audit trails and seed rows. */
        public SyncRun create() throws SQLException {
            int run = RUNS.incrementAndGet();
            String database = "run" + run;
            StringBuilder yaml =
                    new StringBuilder(
                            settings.apply(SampleCustomers.SETTINGS)
                                    .replace("name: demo", "name: run" + run));
            yaml.append("systems:\n");
            for (SyncedSystem s : systems.values()) {
                LocalPostgres server = TestServers.of(s.name());
                server.createDatabase(database);
                server.execute(database, s.ddl() + ";" + s.auditDdl() + seeds.get(s.name()));
                yaml.append(s.yaml(server.jdbcUrl(database)));
            }
            yaml.append(extra);
            SyncRun syncRun =
                    new SyncRun(
                            systems, database, yaml.toString(), TestConfigs.parse(yaml.toString()));
            for (String name : systems.keySet()) {
                syncRun.before.put(name, syncRun.rows(name));
            }
            return syncRun;
        }
    }

    /**
     * The job's settings in tests: parallelism 2 ({@code -Dbidisync.parallelism=N} for another),
     * RocksDB (with the settings a cluster start gives it), checkpoints every second (in files
     * under the temp folder), no Kryo.
     */
    public static Configuration jobSettings() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, Integer.getInteger("bidisync.parallelism", 2));
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        ClusterEntry.TUNING.forEach(conf::setString);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Checkpoints in files, as on a cluster: the JobManager's memory takes a few MB of state
        // at most, and a larger load's checkpoints would fail and restart the job.
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Path.of(System.getProperty("java.io.tmpdir"), "bidisync-checkpoints")
                        .toAbsolutePath()
                        .toUri()
                        .toString());
        return conf;
    }

    /**
     * Changes the configuration for the next start, as an operator edits the file between a stop
     * with a savepoint and a start from it.
     */
    public void reconfigure(UnaryOperator<String> change) {
        yaml = change.apply(yaml);
        config = TestConfigs.parse(yaml);
    }

    /**
     * The configuration file's text (no password: the test servers' superuser needs none, see
     * {@link TestServers}).
     */
    public String yaml() {
        return yaml;
    }

    /** Notes that the job was started elsewhere (on a cluster) now. */
    public void startedElsewhere() {
        startedMicros = Math.min(startedMicros, System.currentTimeMillis() * 1000);
    }

    public SyncConfig config() {
        return config;
    }

    /** The name of the run's database, the same on every system's server. */
    public String database() {
        return database;
    }

    public SyncedSystem system(String name) {
        return systems.get(name);
    }

    public List<String> systemNames() {
        return new ArrayList<>(systems.keySet());
    }

    /** Starts the job on the test cluster and returns at once. */
    public JobID start() throws Exception {
        return start(jobSettings());
    }

    /**
     * Starts the job at {@code parallelism} from {@code savepoint} (a path, or {@code null} for a
     * fresh start) and returns at once.
     */
    public JobID start(int parallelism, String savepoint) throws Exception {
        Configuration settings = jobSettings();
        settings.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        if (savepoint != null) {
            settings.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        return start(settings);
    }

    /** Starts the job with these settings ({@link #jobSettings()}, changed) and returns at once. */
    public JobID start(Configuration settings) throws Exception {
        startedMicros = Math.min(startedMicros, System.currentTimeMillis() * 1000);
        job = submit(config, settings);
        return job.getJobID();
    }

    /**
     * Submits the job of {@code config} to the test cluster as a start does (slots created, from
     * the savepoint the settings name, if any) and returns at once.
     */
    public static JobClient submit(SyncConfig declared, Configuration settings) throws Exception {
        // As a start does: the types not declared, and what lossy columns store, from the tables.
        SyncConfig config = TableTypes.infer(declared).config();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(settings);
        Upgrade upgrade = Upgrade.of(config, env);
        SyncJob.prepareDatabases(config);
        SyncJob.ofDatabases(config).continuing(upgrade).build(env);
        return env.executeAsync(config.name());
    }

    /**
     * Submits the job of a file of several entity types as a start does (types read from the
     * tables, slots created, from the savepoint the settings name, if any); returns at once.
     */
    public static JobClient submit(JobConfig declared, Configuration settings) throws Exception {
        JobConfig job = declared.map(entity -> TableTypes.infer(entity).config());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(settings);
        List<Upgrade> upgrades = Upgrade.of(job, env);
        SyncJob.prepareDatabases(job);
        SyncJob.ofDatabases(job).continuing(upgrades).build(env);
        return env.executeAsync(job.name());
    }

    /** Stops the job with a savepoint in {@code directory} and returns the savepoint's path. */
    public String stopWithSavepoint(Path directory) throws Exception {
        String savepoint =
                job.stopWithSavepoint(
                                false, directory.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
        try {
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            // Stopped: its sources may still be closing.
        }
        job = null;
        return savepoint;
    }

    /**
     * When the job was started (µs since the epoch); rows committed before it are in its snapshot.
     */
    public long startedMicros() {
        return startedMicros;
    }

    public JobID jobId() {
        return job.getJobID();
    }

    /** The status of the job this run started last. */
    public JobStatus jobStatus() throws Exception {
        return job.getJobStatus().get(30, TimeUnit.SECONDS);
    }

    public long metric(RestMetrics metrics, String name) throws Exception {
        return metrics.total(job.getJobID(), name);
    }

    public void execute(String system, String sql) throws SQLException {
        TestServers.of(system).execute(database, sql);
    }

    public Connection connect(String system) throws SQLException {
        return TestServers.of(system).connect(database);
    }

    /** The rows as they were when the run was created (before the job started). */
    public List<Row> rowsBefore(String system) {
        return before.get(system);
    }

    public List<Row> rows(String system) throws SQLException {
        try (Connection c = connect(system)) {
            return CustomerTables.rows(c, systems.get(system).selectRows());
        }
    }

    /** How many row changes the audit trails hold, over all systems (cheap: no rows are read). */
    public long changeCount() throws SQLException {
        long total = 0;
        for (String system : systems.keySet()) {
            try (Connection c = connect(system);
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT coalesce(max(seq), 0) FROM bidisync_audit")) {
                rs.next();
                total += rs.getLong(1);
            }
        }
        return total;
    }

    /**
     * Waits until nobody has changed a synced row for {@code quiet} (the job included), then
     * returns: the job has nothing left to write.
     */
    public void awaitQuiet(Duration quiet, Duration timeout) throws Exception {
        long[] last = {-1};
        long[] since = {System.nanoTime()};
        Await.until(
                "quiescence",
                timeout,
                () -> {
                    long changes = changeCount();
                    if (changes != last[0]) {
                        last[0] = changes;
                        since[0] = System.nanoTime();
                    }
                    return System.nanoTime() - since[0] > quiet.toNanos();
                });
    }

    /**
     * The systems that send canaries, so that every system the job inserts into receives some: one
     * the job never inserts into if there is one (Billing), else the first two.
     */
    private List<String> canarySenders() {
        for (String name : systems.keySet()) {
            if (!config.system(name).mayWrite(WriteOperation.INSERT)) {
                return List.of(name);
            }
        }
        return systemNames().subList(0, Math.min(2, systems.size()));
    }

    /** The systems other than {@code from} that the job inserts into. */
    private List<String> canaryTargets(String from) {
        return systems.keySet().stream()
                .filter(s -> !s.equals(from))
                .filter(s -> config.system(s).mayWrite(WriteOperation.INSERT))
                .toList();
    }

    /**
     * Inserts a batch of {@link Canary canaries} into {@code from} and waits until every other
     * system the job inserts into has them: then the job has processed every change committed
     * before, in any system, and written what it decided. Needs the job's sources streaming (after
     * a fresh start: its first golden records). Returns the canaries' e-mail addresses.
     */
    public List<String> awaitCanaries(String from, Duration timeout) throws Exception {
        SyncedSystem s = systems.get(from);
        Map<String, Callable<List<Row>>> targets = new LinkedHashMap<>();
        for (String target : canaryTargets(from)) {
            targets.put(target, () -> rows(target));
        }
        return Canary.send(
                from,
                emails ->
                        execute(
                                from,
                                Canary.insert(
                                        s.table(), s.column("email"), s.column("name"), emails)),
                targets,
                timeout);
    }

    /**
     * Returns once the job has processed every change committed before the call and everything
     * those caused: rounds of canaries (into every system the job inserts into) until a round in
     * which nobody changed a row but the canaries. Unlike waiting for quiet, it cannot return
     * because the job is slow. Needs the job's sources streaming, see {@link #awaitCanaries}.
     */
    public void settle(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Long> marks = new LinkedHashMap<>();
            for (String system : systems.keySet()) {
                marks.put(system, lastAuditSeq(system));
            }
            for (String from : canarySenders()) {
                awaitCanaries(from, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            List<String> others = new ArrayList<>();
            for (String system : systems.keySet()) {
                for (AuditEvent e : AuditEvent.read(this, system, marks.get(system))) {
                    if (!e.isCanary()) {
                        others.add(
                                system
                                        + "/"
                                        + e.pk()
                                        + " "
                                        + e.op()
                                        + (e.byJob() ? " by the job" : ""));
                    }
                }
            }
            if (others.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "The job did not settle within " + timeout + "; last changes: " + others);
            }
        }
    }

    private long lastAuditSeq(String system) throws SQLException {
        try (Connection c = connect(system);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM bidisync_audit")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Races the job's update of a row: another session runs {@code otherChange} in {@code held} and
     * keeps the row uncommitted while {@code change} in {@code changed} makes the job update that
     * row; the other session commits once the job's update waits for the row lock, so the job's
     * conditional update meets a version it has not read.
     */
    public void raceTheJobsUpdate(String held, String otherChange, String changed, String change)
            throws Exception {
        try (Connection otherWriter = connect(held)) {
            otherWriter.setAutoCommit(false);
            try (Statement s = otherWriter.createStatement()) {
                s.executeUpdate(otherChange);
            }
            execute(changed, change);
            Await.until(
                    "the job's update to wait for the row",
                    Duration.ofSeconds(120),
                    () -> jobWaitsForLock(held));
            otherWriter.commit();
        }
    }

    /** Whether one of the job's sessions waits for a row lock in {@code system} right now. */
    public boolean jobWaitsForLock(String system) throws SQLException {
        try (Connection c = connect(system)) {
            return Database.sessionsWaitingForLock(c) > 0;
        }
    }

    /** The audit trail of the system's table, in the order the changes happened. */
    public List<AuditEvent> audit(String system) throws SQLException {
        return AuditEvent.read(this, system);
    }

    @Override
    public void close() throws ExecutionException {
        if (job != null) {
            try {
                job.cancel().get();
                // Most tasks are gone within a second; the CDC connector's stream reader can take
                // its whole 30 s close timeout, and the next test need not wait for that.
                job.getJobExecutionResult().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // A cancelled job ends "exceptionally", or is still closing its sources.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            job = null;
        }
        dropReplicationSlots();
    }

    /**
     * Drops the run's replication slots that nobody reads any more: the test servers' slots are few
     * and shared by every run of the JVM. A slot whose reader is still closing stays.
     */
    private void dropReplicationSlots() {
        for (String system : systems.keySet()) {
            try (Connection c = connect(system);
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                            + " WHERE database = ? AND NOT active")) {
                ps.setString(1, database);
                ps.execute();
            } catch (SQLException e) {
                // Best effort: a server a test stopped, say.
            }
        }
    }
}
