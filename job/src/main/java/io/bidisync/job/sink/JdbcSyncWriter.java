package io.bidisync.job.sink;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.audit.AuditLog;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.VersionOwner;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetterReporter;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.udfs.mapping.ColumnMapping;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.MetricGroup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffers one system's write intents and executes them as conditional statements in one transaction
 * per flush.
 *
 * <p>Flushes happen when the buffer is full, on the runtime's processing-time timer, and before
 * every checkpoint, all on the task's own thread. Within a buffer only the latest intent per row
 * (per golden record for inserts) is kept. A failed flush is retried with exponential backoff
 * (capped), on the task thread, which backpressures the job: a bounded number of times for an
 * error, for up to the outage timeout while the database is unreachable; then it fails the job so
 * Flink restarts it. Every statement is conditional, so re-running a flush whose commit may have
 * happened is harmless (it finds its own version, or its own row). A flush failing on the data
 * itself (a value the column cannot hold, a constraint) is re-run one statement at a time and only
 * the failing ones become dead letters; everything else is written.
 *
 * <p>Every transaction first records itself in the system's writes table ({@link JobTables}): what
 * it writes and how old those values are at their source, so the job can tell its own changes
 * coming back through CDC. On subtask 0 the writer also updates the system's heartbeat row every
 * heartbeat interval.
 */
final class JdbcSyncWriter implements SinkWriter<WriteIntent> {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncWriter.class);

    private final SyncConfig config;
    private final SystemConfig system;
    private final ColumnMapping mapping;
    private final ProcessingTimeService time;
    private final WriteCounters counters;
    private final Map<String, WriteIntent> buffer = new LinkedHashMap<>();
    private final String heartbeatSql;
    private final DeadLetterReporter deadLetters;

    /** The write audit; {@code null} when off. */
    private final AuditLog audit;

    private final String markWritesSql;
    private final int subtask;
    private final ObjectMapper json = new ObjectMapper();
    private final SqlDialect dialect;

    private Connection connection;
    private SqlStatements sql;
    private boolean flushScheduled;
    private boolean heartbeatFailing;

    JdbcSyncWriter(
            SyncConfig config,
            SystemConfig system,
            ProcessingTimeService time,
            MetricGroup metrics,
            int subtask)
            throws IOException {
        this.config = config;
        this.system = system;
        this.mapping = system.mapping(config.attributes());
        this.dialect = SqlDialect.of(system);
        this.time = time;
        this.counters = new WriteCounters(metrics, system.name());
        this.heartbeatSql = JobTables.beatSql(config, system);
        this.deadLetters = new DeadLetterReporter(config);
        this.audit = AuditLog.of(config);
        this.markWritesSql = JobTables.markWritesSql(config, system);
        this.subtask = subtask;
        try {
            connect();
        } catch (SQLException e) {
            if (!isUnreachable(e)) {
                throw new IOException(
                        "system " + system.name() + ": cannot connect: " + describe(e), e);
            }
            // A database that is down when the job (re)starts is an outage like any other: the
            // first flush waits for it.
            LOG.warn(
                    "system {}: database unreachable at start ({}); writes wait for it",
                    system.name(),
                    describe(e));
        }
        if (subtask == 0) {
            scheduleHeartbeat();
        }
    }

    /** The outcome counters (for tests). */
    WriteCounters counters() {
        return counters;
    }

    @Override
    public void write(WriteIntent intent, Context context)
            throws IOException, InterruptedException {
        if (!system.mayWrite(operation(intent))) {
            LOG.warn(
                    "system {}: dropping {} not in its write list",
                    system.name(),
                    intent.operation());
            return;
        }
        String key =
                intent.operation() == WriteIntent.Operation.INSERT
                        ? "insert/" + intent.goldenKey()
                        : "row/" + intent.localId();
        buffer.remove(key);
        buffer.put(key, intent);
        if (buffer.size() >= config.writer().batchSize()) {
            flushBuffer();
        } else if (!flushScheduled) {
            flushScheduled = true;
            time.registerTimer(
                    time.getCurrentProcessingTime() + config.writer().flushInterval().toMillis(),
                    now -> {
                        flushScheduled = false;
                        flushBuffer();
                    });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    @Override
    public void close() {
        closeQuietly();
        deadLetters.close();
        if (audit != null) {
            audit.close();
        }
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<WriteIntent> batch = new ArrayList<>(buffer.values());
        buffer.clear();
        SyncConfig.Writer settings = config.writer();
        int failures = 0;
        long downSince = -1;
        for (int attempt = 0; ; attempt++) {
            try {
                ensureConnected();
                report(execute(batch));
                if (downSince >= 0) {
                    LOG.info(
                            "system {}: database reachable again after {} s; writing resumed",
                            system.name(),
                            (System.currentTimeMillis() - downSince) / 1000);
                }
                return;
            } catch (SQLException e) {
                rollbackQuietly();
                if (isDataError(e)) {
                    executeOneByOne(batch);
                    return;
                }
                closeQuietly();
                long now = System.currentTimeMillis();
                boolean unreachable = isUnreachable(e);
                if (unreachable) {
                    downSince = downSince < 0 ? now : downSince;
                    if (now - downSince >= settings.outageTimeout().toMillis()) {
                        throw new IOException(
                                "system "
                                        + system.name()
                                        + ": database unreachable for "
                                        + (now - downSince) / 1000
                                        + " s (writer.outage-timeout), "
                                        + batch.size()
                                        + " rows not written: "
                                        + describe(e),
                                e);
                    }
                } else if (++failures > settings.maxRetries()) {
                    throw new IOException(
                            "system "
                                    + system.name()
                                    + ": writing "
                                    + batch.size()
                                    + " rows failed after "
                                    + failures
                                    + " attempts: "
                                    + describe(e),
                            e);
                }
                long wait =
                        Math.min(
                                settings.maxBackoff().toMillis(),
                                settings.retryBackoff().toMillis() << Math.min(attempt, 20));
                if (unreachable) {
                    LOG.warn(
                            "system {}: database unreachable ({}); {} writes held back (down for {} s), retry in {} ms",
                            system.name(),
                            describe(e),
                            batch.size(),
                            (now - downSince) / 1000,
                            wait);
                } else {
                    LOG.warn(
                            "system {}: write failed ({}); retry {} of {} in {} ms",
                            system.name(),
                            describe(e),
                            failures,
                            settings.maxRetries(),
                            wait);
                }
                // Sleeping on the task thread is the backpressure: nothing new reaches this
                // writer until the database takes what it holds.
                Thread.sleep(wait);
            }
        }
    }

    private void executeOneByOne(List<WriteIntent> batch) throws IOException {
        List<String> rejectedInserts = new ArrayList<>();
        for (WriteIntent intent : batch) {
            try {
                report(execute(List.of(intent)));
            } catch (SQLException e) {
                rollbackQuietly();
                if (!isDataError(e)) {
                    throw new IOException(
                            "system " + system.name() + ": write failed: " + describe(e), e);
                }
                counters.deadLetters.inc();
                deadLetters.report(
                        new DeadLetter(
                                System.currentTimeMillis(),
                                system.name(),
                                intent.localId() != null ? intent.localId() : intent.goldenKey(),
                                intent.operation().name().toLowerCase(),
                                describe(e),
                                payload(intent)));
                if (intent.operation() == WriteIntent.Operation.INSERT) {
                    rejectedInserts.add(intent.goldenKey());
                }
            }
        }
        if (!rejectedInserts.isEmpty()) {
            recordRejectedInserts(rejectedInserts);
        }
    }

    /**
     * Tells the golden stage, through the writes table and the change stream, which inserts the
     * database rejected, so that it does not send them again.
     */
    private void recordRejectedInserts(List<String> goldenKeys) throws IOException {
        ObjectNode payload = json.createObjectNode();
        payload.put("at", System.nanoTime());
        ArrayNode rejected = payload.putArray("r");
        goldenKeys.forEach(rejected::add);
        try (PreparedStatement ps = connection.prepareStatement(markWritesSql)) {
            ps.setInt(1, subtask);
            ps.setString(2, payload.toString());
            ps.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            // Not fatal: the golden stage then retries the insert, and it is rejected again.
            LOG.warn(
                    "system {}: cannot record {} rejected inserts ({})",
                    system.name(),
                    goldenKeys.size(),
                    describe(e));
        }
    }

    /** Runs the statements in one transaction; returns one outcome per intent. */
    private List<Outcome> execute(List<WriteIntent> batch) throws SQLException {
        markWrites(batch);
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        List<WriteIntent> updates = new ArrayList<>();
        List<WriteIntent> deletes = new ArrayList<>();
        for (WriteIntent intent : batch) {
            if (intent.operation() == WriteIntent.Operation.UPDATE) {
                updates.add(intent);
            } else if (intent.operation() == WriteIntent.Operation.DELETE) {
                deletes.add(intent);
            }
        }
        runBatch(sql.update(), updates, true, outcomes);
        runBatch(sql.delete(), deletes, false, outcomes);
        List<WriteIntent> inserts = new ArrayList<>();
        for (WriteIntent intent : batch) {
            if (intent.operation() == WriteIntent.Operation.INSERT) {
                inserts.add(intent);
            }
        }
        runInserts(inserts, outcomes);
        connection.commit();
        return outcomes;
    }

    /**
     * Records the transaction in the writes table, first, so its change precedes the rows it
     * describes in the change stream: updated rows by primary key, inserted rows by match key, each
     * with the source times of the written values.
     */
    private void markWrites(List<WriteIntent> batch) throws SQLException {
        ObjectNode payload = json.createObjectNode();
        // Never the same payload twice in a row: MySQL logs no change for an UPDATE that changes
        // nothing, and the row must reach the change stream with every transaction.
        payload.put("at", System.nanoTime());
        ObjectNode updates = payload.putObject("u");
        ObjectNode inserts = payload.putObject("i");
        for (WriteIntent intent : batch) {
            ObjectNode target =
                    switch (intent.operation()) {
                        case UPDATE -> updates;
                        case INSERT -> inserts;
                        case DELETE -> null;
                    };
            if (target != null) {
                ArrayNode times =
                        target.putArray(
                                intent.operation() == WriteIntent.Operation.INSERT
                                        ? intent.goldenKey()
                                        : intent.localId());
                for (long t : intent.valueTimes()) {
                    times.add(t);
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(markWritesSql)) {
            ps.setInt(1, subtask);
            ps.setString(2, payload.toString());
            ps.executeUpdate();
        }
    }

    /**
     * Runs the guarded INSERTs as one batch. The driver returns the keys of the rows that were
     * inserted, in order, so a count of 1 takes the next key and a count of 0 was blocked.
     */
    private void runInserts(List<WriteIntent> inserts, List<Outcome> outcomes) throws SQLException {
        if (inserts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps =
                connection.prepareStatement(sql.insert(), Statement.RETURN_GENERATED_KEYS)) {
            for (WriteIntent intent : inserts) {
                int p = bindValues(ps, 1, intent.values());
                for (String key : dialect.keyParameters(intent.goldenKey())) {
                    ps.setString(p++, key);
                }
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                for (int i = 0; i < inserts.size(); i++) {
                    String key = counts[i] > 0 && keys.next() ? keys.getString(1) : null;
                    outcomes.add(new Outcome(inserts.get(i), counts[i], key));
                }
            }
        }
    }

    private void runBatch(
            String statement, List<WriteIntent> intents, boolean setValues, List<Outcome> outcomes)
            throws SQLException {
        if (intents.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            for (WriteIntent intent : intents) {
                int p = setValues ? bindValues(ps, 1, intent.values()) : 1;
                ps.setString(p++, intent.localId());
                if (sql.versioned()) {
                    if (intent.expectedVersion() == null) {
                        ps.setNull(p, Types.BIGINT);
                    } else {
                        ps.setLong(p, intent.expectedVersion());
                    }
                } else {
                    bindValues(ps, p, intent.expectedValues());
                }
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < intents.size(); i++) {
                outcomes.add(new Outcome(intents.get(i), counts[i], intents.get(i).localId()));
            }
        }
    }

    private int bindValues(PreparedStatement ps, int first, String[] values) throws SQLException {
        int p = first;
        for (int attribute : sql.mappedAttributes()) {
            ps.setString(p++, values[attribute]);
        }
        return p;
    }

    private void report(List<Outcome> outcomes) {
        if (audit != null) {
            audit.record(outcomes.stream().map(this::auditEntry).toList());
        }
        for (Outcome o : outcomes) {
            WriteIntent intent = o.intent();
            boolean applied = o.rows() > 0;
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "system {}: {} golden={} row={} expected version {} values {} times {} at {}: {}",
                        system.name(),
                        intent.operation(),
                        intent.goldenKey(),
                        intent.localId(),
                        intent.expectedVersion(),
                        Arrays.toString(intent.values()),
                        Arrays.toString(intent.valueTimes()),
                        intent.eventTime(),
                        applied ? "applied" : "not applied");
            }
            switch (o.action()) {
                case Action.UPDATED -> counters.updates.inc();
                case Action.DELETED -> counters.deletes.inc();
                case Action.CONFLICT -> {
                    counters.conflicts.inc();
                    LOG.info(
                            "Conflict: system={} key={} golden={} operation={}: the row changed since version {} or is gone; not overwritten, waiting for its change through CDC",
                            system.name(),
                            intent.localId(),
                            intent.goldenKey(),
                            intent.operation(),
                            sql.versioned()
                                    ? String.valueOf(intent.expectedVersion())
                                    : "(values last seen)");
                }
                case Action.INSERTED -> {
                    counters.inserts.inc();
                    LOG.debug(
                            "system {}: inserted key {} as {}",
                            system.name(),
                            intent.goldenKey(),
                            o.detail());
                }
                case Action.BLOCKED_INSERT -> {
                    counters.insertsBlocked.inc();
                    LOG.info(
                            "Insert blocked: system={} golden={}: a row with this match key already exists (not read by the job yet); it will be linked when it arrives through CDC",
                            system.name(),
                            intent.goldenKey());
                }
                default -> throw new IllegalStateException(o.action());
            }
        }
    }

    private void scheduleHeartbeat() {
        time.registerTimer(
                time.getCurrentProcessingTime()
                        + config.completeness().heartbeatInterval().toMillis(),
                now -> beat());
    }

    private void beat() {
        try {
            ensureConnected();
            try (Statement s = connection.createStatement()) {
                s.executeUpdate(heartbeatSql);
            }
            connection.commit();
            if (heartbeatFailing) {
                LOG.info("system {}: heartbeat written again", system.name());
            }
            heartbeatFailing = false;
        } catch (SQLException e) {
            rollbackQuietly();
            closeQuietly();
            if (!heartbeatFailing) {
                LOG.warn(
                        "system {}: cannot write heartbeat ({}); its watermark will stall until it can",
                        system.name(),
                        describe(e));
            }
            heartbeatFailing = true;
        }
        scheduleHeartbeat();
    }

    private void connect() throws SQLException {
        connection = Database.connect(system);
        connection.setAutoCommit(false);
        if (sql == null) {
            TableColumns columns = TableColumns.read(dialect, connection, system.table());
            connection.commit();
            sql =
                    new SqlStatements(
                            system,
                            mapping,
                            config.matchKeyIndex(),
                            config.matchKey().normalizer(),
                            columns);
        }
    }

    private void ensureConnected() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connect();
        }
    }

    private void rollbackQuietly() {
        try {
            if (connection != null && !connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    private void closeQuietly() {
        Database.closeQuietly(connection);
        connection = null;
    }

    /** Data errors are about a record (a value the column cannot hold, a constraint). */
    private boolean isDataError(SQLException e) {
        return dialect.isDataError(e);
    }

    /**
     * The database is down or not taking connections (class 08 connection exception, 53
     * insufficient resources, 57P operator intervention such as a shutdown): worth waiting for.
     */
    private static boolean isUnreachable(SQLException e) {
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
    }

    private static String describe(SQLException e) {
        SQLException cause = e.getNextException() != null ? e.getNextException() : e;
        return "SQLState " + cause.getSQLState() + ": " + cause.getMessage();
    }

    /** The row the intent meant to write, or for a delete the row it meant to delete. */
    private String payload(WriteIntent intent) {
        String[] values =
                intent.operation() == WriteIntent.Operation.DELETE
                        ? intent.expectedValues()
                        : intent.values();
        return String.valueOf(mapping.toColumnValues(values));
    }

    private static WriteOperation operation(WriteIntent intent) {
        return switch (intent.operation()) {
            case INSERT -> WriteOperation.INSERT;
            case UPDATE -> WriteOperation.UPDATE;
            case DELETE -> WriteOperation.DELETE;
        };
    }

    /** What the write audit says of an outcome (after its transaction committed). */
    private AuditEntry auditEntry(Outcome o) {
        WriteIntent intent = o.intent();
        String resulting = null;
        String reason;
        switch (o.action()) {
            case Action.INSERTED -> {
                resulting = "new row " + o.detail();
                reason = "guarded insert: no row had this match key";
            }
            case Action.BLOCKED_INSERT ->
                    reason = "a row with this match key exists (not read by the job yet)";
            case Action.CONFLICT ->
                    reason =
                            "the row changed since the version last read, or is gone: not"
                                    + " overwritten, waiting for its change";
            default -> {
                if (o.action().equals(Action.UPDATED) && intent.expectedVersion() != null) {
                    resulting =
                            system.versionManagedBy() == VersionOwner.JOB
                                    ? String.valueOf(intent.expectedVersion() + 1)
                                    : "(set by the database)";
                }
                reason = "the row still had the version last read";
            }
        }
        return new AuditEntry(
                intent.eventTime(),
                intent.goldenKey(),
                system.name(),
                intent.operation() == WriteIntent.Operation.INSERT ? o.detail() : intent.localId(),
                o.action(),
                intent.expectedVersion() == null ? null : String.valueOf(intent.expectedVersion()),
                resulting,
                reason,
                intent.operation() == WriteIntent.Operation.DELETE
                        ? null
                        : Arrays.toString(intent.values()));
    }

    /**
     * A write's outcome: the rows it affected, and the row's key.
     *
     * @param detail the new row's key of an applied insert ({@code null} for a blocked one), the
     *     row's key of an update or delete
     */
    private record Outcome(WriteIntent intent, int rows, String detail) {
        /** What happened, named as the audit names it. */
        String action() {
            boolean applied = rows > 0;
            return switch (intent.operation()) {
                case INSERT -> applied ? Action.INSERTED : Action.BLOCKED_INSERT;
                case UPDATE -> applied ? Action.UPDATED : Action.CONFLICT;
                case DELETE -> applied ? Action.DELETED : Action.CONFLICT;
            };
        }
    }
}
