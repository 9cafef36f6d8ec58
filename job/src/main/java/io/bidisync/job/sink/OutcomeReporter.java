package io.bidisync.job.sink;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.audit.AuditLog;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.VersionOwner;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetterReporter;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.udfs.mapping.ColumnMapping;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Says what became of one system's writes: counters, log lines and write-audit entries for the
 * outcomes of committed transactions; dead letters for the writes the database rejected, and the
 * notice that keeps the golden stage from sending a rejected insert again.
 */
final class OutcomeReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeReporter.class);

    /** Where the rejected-inserts notice goes ({@link WritesTable}). */
    @FunctionalInterface
    interface RejectedInsertsNotice {
        /** Records that the database rejected the inserts of these golden records. */
        void send(List<String> goldenKeys) throws SQLException;
    }

    private final SystemConfig system;
    private final ColumnMapping mapping;
    private final WriteCounters counters;
    private final DeadLetterReporter deadLetters;
    private final RejectedInsertsNotice rejectedInserts;

    /** The write audit; {@code null} when off. */
    private final AuditLog audit;

    private final SyncConfig config;

    OutcomeReporter(
            SyncConfig config,
            SystemConfig system,
            WriteCounters counters,
            RejectedInsertsNotice rejectedInserts) {
        this.system = system;
        this.config = config;
        this.mapping = system.mapping(config.attributes());
        this.counters = counters;
        this.deadLetters = new DeadLetterReporter(config);
        this.audit = AuditLog.of(config);
        this.rejectedInserts = rejectedInserts;
    }

    /** Reports the outcomes of a committed transaction. */
    void committed(List<WriteOutcome> outcomes) {
        if (audit != null) {
            audit.record(outcomes.stream().map(this::auditEntry).toList());
        }
        for (WriteOutcome o : outcomes) {
            WriteIntent intent = o.intent();
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
                        o.rows() > 0 ? "applied" : "not applied");
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
                            system.hasVersionColumn()
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

    /** Dead-letters a write the database rejected for its data. */
    void rejected(WriteIntent intent, SQLException e) {
        counters.deadLetters.inc();
        deadLetters.report(
                new DeadLetter(
                        System.currentTimeMillis(),
                        system.name(),
                        intent.localId() != null ? intent.localId() : intent.goldenKey(),
                        config.scoped(intent.operation().name().toLowerCase()),
                        SqlErrors.describe(e),
                        payload(intent)));
    }

    /**
     * Tells the golden stage which of its inserts the database rejected. Not fatal when that fails:
     * the golden stage then retries the insert, and it is rejected again.
     */
    void rejectedInserts(List<String> goldenKeys) {
        if (goldenKeys.isEmpty()) {
            return;
        }
        try {
            rejectedInserts.send(goldenKeys);
        } catch (SQLException e) {
            LOG.warn(
                    "system {}: cannot record {} rejected inserts ({})",
                    system.name(),
                    goldenKeys.size(),
                    SqlErrors.describe(e));
        }
    }

    @Override
    public void close() {
        deadLetters.close();
        if (audit != null) {
            audit.close();
        }
    }

    /** The row the intent meant to write, or for a delete the row it meant to delete. */
    private String payload(WriteIntent intent) {
        String[] values =
                intent.operation() == WriteIntent.Operation.DELETE
                        ? intent.expectedValues()
                        : intent.values();
        return String.valueOf(mapping.toColumnValues(values));
    }

    /** What the write audit says of an outcome (after its transaction committed). */
    private AuditEntry auditEntry(WriteOutcome o) {
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
                config.scoped(intent.goldenKey()),
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
}
