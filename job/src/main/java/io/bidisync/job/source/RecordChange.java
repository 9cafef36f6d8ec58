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
 * @param eventTime the source database's commit time in ms; 0 for rows read by the initial snapshot
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
        /** Read by the snapshot, inserted or updated. */
        UPSERT,
        /** Deleted. */
        DELETE,
        /** A heartbeat row: carries commit time for watermarks and nothing else. */
        HEARTBEAT
    }

    /** Whether the job itself wrote this change (an echo of one of its writes). */
    public boolean byJob() {
        return writtenAt.length > 0;
    }

    /** The key of the identity stage: unique per (system, primary key). */
    public String recordKey() {
        return system + '/' + localId;
    }
}
