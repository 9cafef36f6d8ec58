package io.bidisync.job.identity;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A change to the set of records linked to one golden record: the output of the identity stage,
 * keyed by normalised match key.
 *
 * @param matchKey the golden record this change is about
 * @param kind what happened to the link
 * @param system the record's system
 * @param localId the record's primary key in that system
 * @param version the record's version, {@code null} without a version column
 * @param eventTime the source commit time of the change (0 for snapshot rows)
 * @param values attribute values in attribute order; empty unless {@link Kind#UPSERT}
 * @param changedAt per attribute, the commit time at which the record's value last changed in its
 *     system; empty unless {@link Kind#UPSERT}
 * @param origin who made the change, as far as the identity stage can tell
 */
@TypeInfo(LinkChangeSerializer.Factory.class)
public record LinkChange(
        String matchKey,
        Kind kind,
        String system,
        String localId,
        Long version,
        long eventTime,
        String[] values,
        long[] changedAt,
        Origin origin) {

    /** Who made a change. */
    public enum Origin {
        /** Someone other than the job: an outside change. */
        OUTSIDE,
        /**
         * An outside change whose {@code changedAt} dates every value, also those equal to the
         * record's previous ones: the record's first change from the log after a snapshot read it,
         * when the snapshot may already have held that change (see {@link RecordIdentityFunction}).
         */
        RESTATED,
        /**
         * The job: its own write, as the target stored it (reformatted, perhaps, by a trigger in
         * the same transaction), recognised by the writes table.
         */
        JOB
    }

    /** Whether someone other than the job made the change. */
    public boolean outside() {
        return origin != Origin.JOB;
    }

    /** What happened to the link. */
    public enum Kind {
        /** The record is linked to this golden record (new, or with new values). */
        UPSERT,
        /** The record was deleted in its system. */
        DELETED,
        /** The record's match key changed or became blank: it left this golden record. */
        MOVED_OUT,
        /**
         * Not about a record: the golden record's pending insert into {@code system} is held by the
         * mass-change breaker.
         */
        INSERT_HELD,
        /**
         * Not about a record: the database of {@code system} rejected the golden record's insert
         * (the writer dead-lettered it).
         */
        INSERT_REJECTED
    }

    public String linkId() {
        return system + '/' + localId;
    }
}
