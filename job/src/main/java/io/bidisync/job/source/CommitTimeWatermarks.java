package io.bidisync.job.source;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time is the source database's commit time; the watermark of a source follows its commit
 * times in log order.
 *
 * <p>Snapshot rows carry time 0, so a source's watermark cannot pass the job's start until its
 * snapshot is done and the log is streaming: that is the initial-completeness gate. There is
 * deliberately no {@code withIdleness}: an idle-marked source would stop holding back the minimum
 * over all sources, which breaks completeness. Idle sources advance through heartbeat rows instead.
 */
public final class CommitTimeWatermarks {
    private CommitTimeWatermarks() {}

    public static WatermarkStrategy<RecordChange> strategy() {
        // Commit order in the log is commit-time order up to clock granularity; a change that is
        // still behind the watermark is processed anyway and counted as late.
        return WatermarkStrategy.<RecordChange>forMonotonousTimestamps()
                .withTimestampAssigner((change, previous) -> change.eventTime());
    }
}
