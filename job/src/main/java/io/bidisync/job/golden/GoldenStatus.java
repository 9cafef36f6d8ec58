package io.bidisync.job.golden;

/**
 * The emission status of one golden record.
 *
 * @param firstPending the earliest event time of a change not yet emitted; {@link TargetState#NONE}
 *     when everything is emitted
 * @param pendingUntil the latest event time of a change not yet emitted. The golden record is
 *     emitted once the watermark passes this time plus the completeness delay, or the first pending
 *     change plus the maximum wait, whichever comes first
 * @param deleteRequested whether a delete in a system with delete policy {@code propagate} asks to
 *     delete the linked rows elsewhere at the next emission
 */
public record GoldenStatus(long firstPending, long pendingUntil, boolean deleteRequested) {
    static final GoldenStatus IDLE = new GoldenStatus(TargetState.NONE, TargetState.NONE, false);

    boolean waiting() {
        return pendingUntil != TargetState.NONE;
    }

    /** When the golden record is due for emission (event time); only valid while waiting. */
    long due(long delay, long maxWait) {
        return Math.min(pendingUntil + delay, firstPending + maxWait);
    }

    GoldenStatus withChange(long eventTime) {
        return waiting()
                ? new GoldenStatus(
                        Math.min(firstPending, eventTime),
                        Math.max(pendingUntil, eventTime),
                        deleteRequested)
                : new GoldenStatus(eventTime, eventTime, deleteRequested);
    }

    GoldenStatus emitted() {
        return new GoldenStatus(TargetState.NONE, TargetState.NONE, deleteRequested);
    }

    GoldenStatus withDeleteRequested(boolean requested) {
        return new GoldenStatus(firstPending, pendingUntil, requested);
    }
}
