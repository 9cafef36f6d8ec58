package io.bidisync.job.source;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time is the source database's commit time; the watermark of a source follows its commit
 * times in log order.
 *
 * <p>Snapshot rows carry time 0, so a source's watermark cannot pass the job's start until its
 * snapshot is done and the log is streaming: that is the initial-completeness gate. There is
 * deliberately no {@code withIdleness}: an idle-marked source would stop holding back the minimum
 * over all sources, which breaks completeness. Idle sources advance through heartbeat rows instead.
 *
 * <p>Watermarks are emitted periodically and, in addition, at once on every heartbeat: a write
 * waits for the slowest system's watermark, so the periodic interval (200 ms by default) would be
 * added to the latency of every write. Heartbeats are few (one per system per heartbeat interval),
 * so the extra watermarks cost nothing.
 */
public final class CommitTimeWatermarks implements WatermarkGenerator<RecordChange> {
    private long maxCommitTime = Long.MIN_VALUE + 1;

    private CommitTimeWatermarks() {}

    public static WatermarkStrategy<RecordChange> strategy() {
        // Commit order in the log is commit-time order up to clock granularity; a change that is
        // still behind the watermark is processed anyway and counted as late.
        return WatermarkStrategy.<RecordChange>forGenerator(context -> new CommitTimeWatermarks())
                .withTimestampAssigner((change, previous) -> change.commitTime());
    }

    @Override
    public void onEvent(RecordChange change, long eventTimestamp, WatermarkOutput output) {
        maxCommitTime = Math.max(maxCommitTime, eventTimestamp);
        if (change.kind() == RecordChange.Kind.HEARTBEAT) {
            onPeriodicEmit(output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // As forMonotonousTimestamps: everything up to just before the latest commit time is in.
        output.emitWatermark(new Watermark(maxCommitTime - 1));
    }
}
