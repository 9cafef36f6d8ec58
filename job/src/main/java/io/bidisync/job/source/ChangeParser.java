package io.bidisync.job.source;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.mapping.PrimaryKey;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.types.StoredType;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Maps one system's change events ({@link SourceEvent}, decoded where they were read) to {@link
 * RecordChange}s of one entity type's global model.
 *
 * <p>Rows of the heartbeat table, and Debezium's own heartbeat messages, become {@link
 * RecordChange.Kind#HEARTBEAT}s, which carry time for the watermark only. Anything that cannot be
 * mapped (unreadable, unknown table, no row image, no primary key, a version that is not a number)
 * goes to {@link DeadLetters#TAG} with the reason; the job keeps running.
 */
public class ChangeParser extends ProcessFunction<SourceEvent, RecordChange>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChangeParser.class);

    /**
     * The job's transaction being read when a checkpoint was taken: its id and its writes-table
     * payload. A checkpoint barrier can fall inside a transaction; after a restore the source
     * resumes behind the writes-table row, so without this the rest of the transaction would look
     * like someone else's changes made at commit time — newer than they are.
     */
    private static final ListStateDescriptor<String> JOB_TRANSACTION =
            new ListStateDescriptor<>("job-transaction", Types.STRING);

    private final SystemConfig system;
    private final ColumnMapping mapping;

    /** No attribute values: every key part read as its column's text. */
    private static final String[] NO_VALUES = new String[0];

    private final PrimaryKey primaryKey;

    /** Per attribute, what the system's column stores where the mapping is lossy. */
    private final StoredType[] stored;

    private final int[] matchKeyIndexes;
    private final MatchKey matchKey;
    private final String heartbeatTable;
    private final String writesTable;

    /** The entity type whose rows this parser maps; {@code null} in a job of one entity type. */
    private final String entity;

    /** The tables of the system's other entity types, read by the same source: not this one's. */
    private final Set<String> otherTables;

    /** What its dead letters name as the operation: {@code parse}, with the entity type. */
    private final String parseOperation;

    /** The job's own transaction being read (its changes arrive together). */
    private transient JobTransaction jobTransaction;

    private transient ListState<String> jobTransactionState;

    private transient Counter recordsIn;
    private transient Counter deadLetters;

    public ChangeParser(SyncConfig config, SystemConfig system) {
        this(config, system, Set.of());
    }

    /**
     * @param otherTables the tables of the system's other entity types (their names in the system's
     *     schema), which the system's one source also reads: skipped here
     */
    public ChangeParser(SyncConfig config, SystemConfig system, Set<String> otherTables) {
        this.entity = config.entity();
        this.parseOperation = config.scoped("parse");
        this.otherTables = Set.copyOf(otherTables);
        this.system = system;
        this.mapping = system.mapping(config.attributes());
        this.primaryKey = system.key(config.attributes());
        this.stored = system.storedTypes(config.attributes());
        this.matchKeyIndexes = config.matchKeyIndexes();
        this.matchKey = config.matchKey();
        this.heartbeatTable = config.completeness().heartbeatTable();
        this.writesTable = config.writer().writesTable();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        jobTransaction = new JobTransaction();
        jobTransactionState = context.getOperatorStateStore().getListState(JOB_TRANSACTION);
        List<String> restored = new ArrayList<>();
        jobTransactionState.get().forEach(restored::add);
        jobTransaction.restore(restored);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        jobTransactionState.update(jobTransaction.checkpoint());
    }

    @Override
    public void open(Configuration parameters) {
        var metrics = SyncMetrics.forSystem(getRuntimeContext().getMetricGroup(), system.name());
        recordsIn = metrics.counter(SyncMetrics.RECORDS_IN);
        deadLetters = metrics.counter(SyncMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(SourceEvent event, Context ctx, Collector<RecordChange> out) {
        try {
            for (RecordChange change : parse(event)) {
                if (change.hasValues() || change.kind() == RecordChange.Kind.DELETE) {
                    recordsIn.inc();
                }
                out.collect(change);
            }
        } catch (UnmappableException e) {
            deadLetters.inc();
            ctx.output(
                    DeadLetters.TAG,
                    new DeadLetter(
                            System.currentTimeMillis(),
                            system.name(),
                            e.key,
                            parseOperation,
                            e.getMessage(),
                            event.text()));
        }
    }

    /** The change an event describes; a row of the writes table may also carry insert notices. */
    List<RecordChange> parse(SourceEvent event) throws UnmappableException {
        switch (event.kind()) {
            case UNREADABLE -> throw new UnmappableException(null, event.problem());
            // The connector had published everything until then.
            case HEARTBEAT -> {
                return List.of(heartbeat(event.sourceMillis()));
            }
            case CHANGE -> {}
        }
        String table = event.table();
        String op = event.op();
        // A snapshot row has no commit time: it counts as time 0 for the watermark, and as a row
        // at most as new as the moment it was read (RecordChange.Kind.SNAPSHOT).
        boolean snapshot = op.equals("r");
        long commitTime = snapshot ? 0 : event.sourceMillis();
        if (table == null) {
            throw new UnmappableException(null, "no source.table in the change event");
        }
        if (otherTables.contains(table)) {
            return List.of();
        }
        String transaction = event.transaction();
        if (table.equals(heartbeatTable)) {
            return List.of(heartbeat(commitTime));
        }
        if (table.equals(writesTable)) {
            LOG.debug(
                    "system {}: the job's transaction {} at {}",
                    system.name(),
                    transaction,
                    commitTime);
            RowImage row = event.after();
            String payload = row == null ? null : row.text("payload");
            JobTransaction.Written written =
                    rememberJobTransaction(transaction, payload == null ? "{}" : payload);
            // It is a committed change like any other: its commit time moves the watermark.
            List<RecordChange> out = new ArrayList<>();
            out.add(heartbeat(commitTime));
            if (!snapshot && Objects.equals(written.entity(), entity)) {
                notices(written.held(), RecordChange.Kind.INSERT_HELD, commitTime, out);
                notices(written.rejected(), RecordChange.Kind.INSERT_REJECTED, commitTime, out);
            }
            return out;
        }
        String schema = event.schema();
        if (!table.equals(system.table().table())
                || (schema != null && !schema.equals(system.table().schema()))) {
            throw new UnmappableException(
                    null,
                    "change of unknown table "
                            + schema
                            + "."
                            + table
                            + " (expected "
                            + system.table()
                            + ")");
        }
        return List.of(rowChange(event, op, snapshot, commitTime, transaction));
    }

    private RecordChange rowChange(
            SourceEvent event, String op, boolean snapshot, long commitTime, String transaction)
            throws UnmappableException {
        switch (op) {
            case "r", "c", "u" -> {
                RowImage row = image(event.after(), "after");
                String[] values = attributeValues(row);
                String localId = primaryKey(row, values);
                Long version = version(row, localId);
                String key = matchKey.of(values, matchKeyIndexes);
                return new RecordChange(
                        system.name(),
                        snapshot ? RecordChange.Kind.SNAPSHOT : RecordChange.Kind.UPSERT,
                        localId,
                        key,
                        version,
                        snapshot ? readAt(event.sourceMillis()) : commitTime,
                        values,
                        writtenAt(transaction, op, localId, key));
            }
            case "d" -> {
                RowImage row = image(event.before(), "before");
                String localId = primaryKey(row, attributeValues(row));
                return new RecordChange(
                        system.name(),
                        RecordChange.Kind.DELETE,
                        localId,
                        null,
                        null,
                        commitTime,
                        new String[0],
                        new long[0]);
            }
            default -> throw new UnmappableException(null, "unknown operation '" + op + "'");
        }
    }

    private static RowImage image(RowImage image, String name) throws UnmappableException {
        if (image == null) {
            throw new UnmappableException(null, "no '" + name + "' row image in the change event");
        }
        return image;
    }

    /**
     * When a snapshot row was read: Debezium's stamp, or now where the source gives none (a row is
     * parsed after it was read, so now is never too early).
     */
    private static long readAt(long stamp) {
        return stamp > 0 ? stamp : System.currentTimeMillis();
    }

    private RecordChange heartbeat(long eventTime) {
        return new RecordChange(
                system.name(),
                RecordChange.Kind.HEARTBEAT,
                null,
                null,
                null,
                eventTime,
                new String[0],
                new long[0]);
    }

    /**
     * What the job's writer or mass-change breaker recorded about inserts it did not make: golden
     * record keys, one notice each, to the golden stage.
     */
    private void notices(
            List<String> keys, RecordChange.Kind kind, long commitTime, List<RecordChange> out) {
        for (String key : keys) {
            out.add(
                    new RecordChange(
                            system.name(),
                            kind,
                            null,
                            key,
                            null,
                            commitTime,
                            new String[0],
                            new long[0]));
        }
    }

    private JobTransaction.Written rememberJobTransaction(String transaction, String payload)
            throws UnmappableException {
        try {
            return jobTransaction.begin(transaction, payload);
        } catch (IllegalArgumentException e) {
            throw new UnmappableException(null, e.getMessage());
        }
    }

    /** For a row the job wrote in its current transaction, the source times of its values. */
    private long[] writtenAt(String transaction, String op, String localId, String key) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "system {}: row {} in transaction {} (the job's last: {})",
                    system.name(),
                    localId,
                    transaction,
                    jobTransaction.id());
        }
        return jobTransaction.writtenAt(transaction, op, localId, key);
    }

    /**
     * The row's attribute values; a value not of its type is reported under the row's key as its
     * columns' text (computed only then: this runs for every event).
     */
    private String[] attributeValues(RowImage row) throws UnmappableException {
        try {
            return row.attributeValues(mapping, stored);
        } catch (UnmappableException e) {
            throw new UnmappableException(primaryKey.of(NO_VALUES, row::text), e.getMessage());
        }
    }

    private String primaryKey(RowImage row, String[] values) throws UnmappableException {
        String id = primaryKey.of(values, row::text);
        if (id == null) {
            String missing =
                    primaryKey.columns().stream()
                            .filter(column -> row.text(column) == null)
                            .findFirst()
                            .orElse(primaryKey.columns().get(0));
            throw new UnmappableException(
                    null, "row has no value for primary key column '" + missing + "'");
        }
        return id;
    }

    private Long version(RowImage row, String localId) throws UnmappableException {
        if (!system.hasVersionColumn()) {
            return null;
        }
        String text = row.text(system.versionColumn());
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            throw new UnmappableException(
                    localId,
                    "version column '"
                            + system.versionColumn()
                            + "' is not a whole number: "
                            + text);
        }
    }

    /** A change event that cannot be mapped to the global model. */
    static final class UnmappableException extends Exception {
        private static final long serialVersionUID = 1L;
        final String key;

        UnmappableException(String key, String message) {
            super(message);
            this.key = key;
        }
    }
}
