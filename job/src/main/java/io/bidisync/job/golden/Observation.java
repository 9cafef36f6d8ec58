package io.bidisync.job.golden;

import io.bidisync.job.identity.LinkChange;

/**
 * What a new or changed row means for the golden record: whether it is the job's own write coming
 * back (an echo, never a new observation), whether someone other than the job made it (an outside
 * change, which resets the loop breaker), and how old each of its values is — what {@code
 * most-recent} survivorship compares.
 *
 * @param changedAt per attribute, when someone other than the job last changed the value
 * @param echo whether the row is the job's own write as it wrote it
 * @param outside whether someone other than the job made the change
 */
record Observation(long[] changedAt, boolean echo, boolean outside) {

    /**
     * @param previous the row as the golden record had it; {@code null} for a row new to it
     * @param target what the golden record remembers about the row's system (its own insert)
     */
    static Observation of(LinkChange change, Link previous, TargetState target, GoldenRules rules) {
        boolean[] mask = rules.mask(change.system());
        if (previous == null) {
            if (target.insertPending()
                    && target.insertedHash()
                            == rules.fingerprint(change.system(), change.values(), mask)) {
                // Our own insert: its values are the golden record's, as old as at their source.
                return new Observation(
                        withTimes(new long[change.values().length], target.insertedAt(), mask),
                        true,
                        false);
            }
            // A new row, or one whose match key changed: its values are as old as they are in
            // their own system.
            return new Observation(change.changedAt().clone(), false, change.outside());
        }
        boolean[] updatable = rules.updateMask(change.system());
        if (previous.writePending()
                && previous.writtenHash()
                        == rules.fingerprint(change.system(), change.values(), updatable)) {
            // Our own write: the row now holds values as old as they are at their source.
            return new Observation(
                    withTimes(previous.changedAt(), previous.writtenAt(), updatable), true, false);
        }
        if (change.origin() == LinkChange.Origin.RESTATED) {
            // The identity stage could not tell which values changed: it dated them all.
            return new Observation(change.changedAt().clone(), false, true);
        }
        long[] changedAt = new long[change.values().length];
        for (int i = 0; i < changedAt.length; i++) {
            boolean same = rules.comparison().same(i, previous.values()[i], change.values()[i]);
            // A changed value is as old as the identity stage says: the commit time, or for the
            // job's own write (recognised by the writes table, also after a restore that forgot
            // the write was pending) the time at its source.
            changedAt[i] =
                    same
                            ? previous.changedAt()[i]
                            : i < change.changedAt().length
                                    ? change.changedAt()[i]
                                    : change.eventTime();
        }
        return new Observation(changedAt, false, change.outside());
    }

    /** {@code base} with the attributes selected by {@code mask} taken from {@code times}. */
    private static long[] withTimes(long[] base, long[] times, boolean[] mask) {
        long[] out = base.clone();
        for (int i = 0; i < out.length && i < times.length; i++) {
            if (mask[i]) {
                out[i] = times[i];
            }
        }
        return out;
    }
}
