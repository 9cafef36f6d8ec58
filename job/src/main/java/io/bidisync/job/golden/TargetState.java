package io.bidisync.job.golden;

/**
 * What a golden record remembers about one system beyond its links there: its insert into that
 * system, from the decision until the inserted row comes back, and what it must not do again.
 *
 * @param pendingInsertAt the event time at which the job asked to insert the golden record into the
 *     system and the inserted row has not come back yet; {@link #NONE} if no insert is pending.
 *     Blocks a second insert
 * @param insertedHash fingerprint of the inserted values, to recognise the inserted row's echo
 * @param insertedAt per attribute, when the inserted values were changed at their source
 * @param left whether a record of this system left the golden record (deleted, or its match key
 *     changed): the golden record is then never inserted into that system again
 * @param attempts how often the pending insert (or the one waiting to be tried again) was sent
 * @param held whether the mass-change breaker holds the pending insert: it waits, without timing
 *     out, until the breaker lets it go
 * @param refused whether an insert of values with fingerprint {@code refusedHash} was rejected by
 *     the database (a dead letter) or never confirmed: the same values are not sent again
 * @param refusedHash the fingerprint of the refused values
 */
public record TargetState(
        long pendingInsertAt,
        long insertedHash,
        long[] insertedAt,
        boolean left,
        int attempts,
        boolean held,
        boolean refused,
        long refusedHash) {
    public static final long NONE = Long.MIN_VALUE;

    static final TargetState EMPTY =
            new TargetState(NONE, 0L, new long[0], false, 0, false, false, 0L);

    boolean insertPending() {
        return pendingInsertAt != NONE;
    }

    /** Whether an insert of values with fingerprint {@code hash} was refused. */
    boolean refuses(long hash) {
        return refused && refusedHash == hash;
    }

    /** A new insert was sent (again). */
    TargetState withInsert(long at, long hash, long[] valueTimes) {
        return new TargetState(at, hash, valueTimes, left, attempts + 1, false, false, 0L);
    }

    /** The insert came back (or a row with the key did): nothing pending, nothing refused. */
    TargetState withoutInsert() {
        return new TargetState(NONE, 0L, new long[0], left, 0, false, false, 0L);
    }

    /** The pending insert timed out: it may be sent again, counting as a further attempt. */
    TargetState retrying() {
        return new TargetState(NONE, 0L, new long[0], left, attempts, false, refused, refusedHash);
    }

    /** The pending insert is held by the mass-change breaker. */
    TargetState asHeld() {
        return new TargetState(
                pendingInsertAt,
                insertedHash,
                insertedAt,
                left,
                attempts,
                true,
                refused,
                refusedHash);
    }

    /** The pending insert will not land: its values are not sent again. */
    TargetState asRefused() {
        return new TargetState(NONE, 0L, new long[0], left, 0, false, true, insertedHash);
    }

    TargetState asLeft() {
        return new TargetState(
                pendingInsertAt,
                insertedHash,
                insertedAt,
                true,
                attempts,
                held,
                refused,
                refusedHash);
    }

    boolean isEmpty() {
        return !insertPending() && !left && !refused && attempts == 0;
    }
}
