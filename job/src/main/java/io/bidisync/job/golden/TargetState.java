package io.bidisync.job.golden;

/**
 * What a golden record remembers about one system beyond its links there.
 *
 * @param pendingInsertAt the event time at which the job asked to insert the golden record into the
 *     system and the inserted row has not come back yet; {@link #NONE} if no insert is pending.
 *     Blocks a second insert
 * @param insertedHash fingerprint of the inserted values, to recognise the inserted row's echo
 * @param insertedAt per attribute, when the inserted values were changed at their source
 * @param left whether a record of this system left the golden record (deleted, or its match key
 *     changed): the golden record is then never inserted into that system again
 */
public record TargetState(
        long pendingInsertAt, long insertedHash, long[] insertedAt, boolean left) {
    public static final long NONE = Long.MIN_VALUE;

    static final TargetState EMPTY = new TargetState(NONE, 0L, new long[0], false);

    boolean insertPending() {
        return pendingInsertAt != NONE;
    }

    TargetState withInsert(long at, long hash, long[] valueTimes) {
        return new TargetState(at, hash, valueTimes, left);
    }

    TargetState withoutInsert() {
        return new TargetState(NONE, 0L, new long[0], left);
    }

    TargetState asLeft() {
        return new TargetState(pendingInsertAt, insertedHash, insertedAt, true);
    }

    boolean isEmpty() {
        return !insertPending() && !left;
    }
}
