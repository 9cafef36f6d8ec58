package io.bidisync.job.source;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One event of a system's change stream, decoded once where it is read: a row change with its typed
 * row images, a Debezium heartbeat, or what could not be read at all.
 *
 * <p>The CDC source builds it straight from Debezium's records ({@link DebeziumRecords}); a
 * Debezium topic's JSON messages are read into the same shape ({@link DebeziumJson}). The parser of
 * each entity type then maps it to the global model without decoding anything again. Immutable: the
 * chained parsers of several entity types share one instance.
 */
@TypeInfo(SourceEventSerializer.Factory.class)
public final class SourceEvent {
    /** What an event is. */
    public enum Kind {
        /** A row read, inserted, updated or deleted. */
        CHANGE,
        /** Debezium's heartbeat: everything committed before {@link #sourceMillis} was sent. */
        HEARTBEAT,
        /** Not a change event: {@link #problem} says why, {@link #text} is what arrived. */
        UNREADABLE
    }

    private final Kind kind;
    private final String schema;
    private final String table;
    private final String op;
    private final long sourceMillis;
    private final String transaction;
    private final RowImage before;
    private final RowImage after;
    private final String problem;
    private final String text;

    SourceEvent(
            Kind kind,
            String schema,
            String table,
            String op,
            long sourceMillis,
            String transaction,
            RowImage before,
            RowImage after,
            String problem,
            String text) {
        this.kind = kind;
        this.schema = schema;
        this.table = table;
        this.op = op;
        this.sourceMillis = sourceMillis;
        this.transaction = transaction;
        this.before = before;
        this.after = after;
        this.problem = problem;
        this.text = text;
    }

    /**
     * A row change.
     *
     * @param schema the table's schema (MySQL: its database), or null where the source names none
     * @param op Debezium's operation: {@code r} (snapshot read), {@code c}, {@code u} or {@code d}
     * @param sourceMillis the source's {@code ts_ms}: the commit time, or when a snapshot row was
     *     read
     * @param transaction the transaction's id, or null
     */
    static SourceEvent change(
            String schema,
            String table,
            String op,
            long sourceMillis,
            String transaction,
            RowImage before,
            RowImage after) {
        return new SourceEvent(
                Kind.CHANGE,
                schema,
                table,
                op,
                sourceMillis,
                transaction,
                before,
                after,
                null,
                null);
    }

    static SourceEvent heartbeat(long sourceMillis) {
        return new SourceEvent(
                Kind.HEARTBEAT, null, null, null, sourceMillis, null, null, null, null, null);
    }

    static SourceEvent unreadable(String problem, String text) {
        return new SourceEvent(
                Kind.UNREADABLE, null, null, null, 0, null, null, null, problem, text);
    }

    public Kind kind() {
        return kind;
    }

    String schema() {
        return schema;
    }

    /** The table's name; null for a heartbeat, and where an event names none. */
    public String table() {
        return table;
    }

    String op() {
        return op;
    }

    long sourceMillis() {
        return sourceMillis;
    }

    String transaction() {
        return transaction;
    }

    RowImage before() {
        return before;
    }

    RowImage after() {
        return after;
    }

    String problem() {
        return problem;
    }

    /**
     * The event as text, for a dead letter: what arrived where it could not be read, else the
     * envelope's fields and row images in Debezium's JSON shape (built only when asked for).
     */
    public String text() {
        if (kind == Kind.UNREADABLE) {
            return text;
        }
        if (kind == Kind.HEARTBEAT) {
            return "{\"ts_ms\":" + sourceMillis + "}";
        }
        StringBuilder out = new StringBuilder("{\"op\":\"").append(op).append("\",\"source\":{");
        out.append("\"schema\":").append(RowImage.quoted(schema));
        out.append(",\"table\":").append(RowImage.quoted(table));
        out.append(",\"ts_ms\":").append(sourceMillis);
        out.append(",\"txId\":").append(RowImage.quoted(transaction)).append('}');
        out.append(",\"before\":").append(before == null ? "null" : before.toString());
        out.append(",\"after\":").append(after == null ? "null" : after.toString());
        return out.append('}').toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
