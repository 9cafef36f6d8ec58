package io.bidisync.job.golden;

import java.util.Arrays;

/**
 * How often the job has rewritten one golden record since the last outside change, and whether it
 * is frozen for that.
 *
 * @param writes the job's writes since the last outside change (a change to a row the job was not
 *     writing), counted from {@code since}
 * @param since the event time of the first of those writes
 * @param frozenUntil the event time until which the golden record writes nothing; {@link
 *     TargetState#NONE} when not frozen
 * @param history the latest writes, oldest first, for the dead letter of a frozen record: time,
 *     operation and row, without values (the record keeps them until the next outside change)
 */
public record LoopGuard(int writes, long since, long frozenUntil, String[] history) {
    static final int HISTORY = 12;
    static final LoopGuard CLEAR =
            new LoopGuard(0, TargetState.NONE, TargetState.NONE, new String[0]);

    boolean frozenAt(long time) {
        return frozenUntil != TargetState.NONE && time < frozenUntil;
    }

    /** Counts writes made at {@code time}; the count starts over once {@code window} has passed. */
    LoopGuard counting(int count, long time, long window, String[] entries) {
        boolean fresh = writes == 0 || time - since > window;
        String[] kept = fresh ? new String[0] : history;
        String[] all = Arrays.copyOf(kept, kept.length + entries.length);
        System.arraycopy(entries, 0, all, kept.length, entries.length);
        String[] last = Arrays.copyOfRange(all, Math.max(0, all.length - HISTORY), all.length);
        return fresh
                ? new LoopGuard(count, time, frozenUntil, last)
                : new LoopGuard(writes + count, since, frozenUntil, last);
    }

    LoopGuard frozen(long until) {
        return new LoopGuard(writes, since, until, history);
    }
}
