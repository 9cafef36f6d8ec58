package io.bidisync.job.golden;

/**
 * The emission status of one golden record.
 *
 * @param pendingUntil the latest event time of a change not yet emitted; {@link TargetState#NONE}
 *     when everything is emitted. The golden record is emitted once the watermark passes this time
 *     plus the completeness delay
 * @param deleteRequested whether a delete in a system with delete policy {@code propagate} asks to
 *     delete the linked rows elsewhere at the next emission
 */
public record GoldenStatus(long pendingUntil, boolean deleteRequested) {
    static final GoldenStatus IDLE = new GoldenStatus(TargetState.NONE, false);

    boolean waiting() {
        return pendingUntil != TargetState.NONE;
    }
}
