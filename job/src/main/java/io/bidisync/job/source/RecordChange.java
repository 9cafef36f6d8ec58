package io.bidisync.job.source;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One source row change, mapped to the global model: the output of a system's change parser.
 *
 * @param system the system it was read from
 * @param kind what happened to the row
 * @param localId the row's primary key in that system (as text)
 * @param matchKey the normalised match key, {@code null} when the row has none (or for deletes and
 *     heartbeats)
 * @param version the row's version column, {@code null} without one (or for deletes)
 * @param eventTime the source database's commit time in ms; for {@link Kind#SNAPSHOT} rows, when
 *     the snapshot read them (their values have no commit time: they are at least as old as that)
 * @param values attribute values in attribute order, {@code null} where the system does not map an
 *     attribute; empty for deletes and heartbeats
 * @param writtenAt for a row the job itself wrote: per attribute, when the written value was
 *     changed at its source; empty for everyone else's changes
 */
@TypeInfo(RecordChangeSerializer.Factory.class)
public record RecordChange(
        String system,
        Kind kind,
        String localId,
        String matchKey,
        Long version,
        long eventTime,
        String[] values,
        long[] writtenAt) {

    /** What happened to the row. */
    public enum Kind {
        /** Inserted or updated, as read from the log. */
        UPSERT,
        /**
         * Read by a snapshot of the table: the row as it was at some moment before {@code
         * eventTime}, so its values carry no time of their own.
         */
        SNAPSHOT,
        /** Deleted. */
        DELETE,
        /** A heartbeat row: carries commit time for watermarks and nothing else. */
        HEARTBEAT,
        /**
         * Not a row: the job's insert of golden record {@code matchKey} into the system is held by
         * the mass-change breaker, as the breaker recorded in the system's writes table.
         */
        INSERT_HELD,
        /**
         * Not a row: the system's database rejected the job's insert of golden record {@code
         * matchKey}, as its writer recorded in the writes table.
         */
        INSERT_REJECTED
    }

    /**
     * The commit time that orders this change among the others, for watermarks: a snapshot row has
     * none (it is older than anything the log delivers), so it counts as time 0 and cannot move a
     * source's watermark past changes the log has not delivered yet.
     */
    public long commitTime() {
        return kind == Kind.SNAPSHOT ? 0 : eventTime;
    }

    /** Whether the row has values: read by the snapshot, inserted or updated. */
    public boolean hasValues() {
        return kind == Kind.UPSERT || kind == Kind.SNAPSHOT;
    }

    /**
     * Debezium's stand-in for a value the database did not send: an unchanged out-of-line (TOASTed)
     * value of a PostgreSQL table whose replica identity is not FULL. It means "unchanged", never a
     * value: the identity stage puts the last known value in its place.
     */
    public static final String UNAVAILABLE = "__debezium_unavailable_value";

    /**
     * This change with each {@link #UNAVAILABLE} value replaced by the record's last known one
     * ({@code null} where none is known: a null never wins survivorship, so nothing is written from
     * it); this change itself when it has none.
     */
    public RecordChange withUnavailableFrom(String[] known) {
        String[] filled = null;
        for (int i = 0; i < values.length; i++) {
            if (UNAVAILABLE.equals(values[i])) {
                if (filled == null) {
                    filled = values.clone();
                }
                filled[i] = known != null && i < known.length ? known[i] : null;
            }
        }
        return filled == null
                ? this
                : new RecordChange(
                        system, kind, localId, matchKey, version, eventTime, filled, writtenAt);
    }

    /** Whether the job itself wrote this change (an echo of one of its writes). */
    public boolean byJob() {
        return writtenAt.length > 0;
    }

    /** Whether this is a notice about one of the job's inserts, not a row change. */
    public boolean isInsertOutcome() {
        return kind == Kind.INSERT_HELD || kind == Kind.INSERT_REJECTED;
    }

    /**
     * The key of the identity stage: unique per (system, primary key); a notice about an insert
     * goes by the golden record's key instead.
     */
    public String recordKey() {
        return isInsertOutcome() ? system + "/+" + matchKey : system + '/' + localId;
    }
}
