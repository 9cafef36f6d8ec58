package io.bidisync.job.source;

import io.bidisync.job.metrics.SyncMetrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a system's heartbeats once they have moved its watermark, and reports how far that
 * watermark lags behind the job's clock ({@value SyncMetrics#WATERMARK_LAG}): the first thing to
 * look at when golden records stop being emitted, since the slowest system holds everyone back.
 *
 * <p>The lag is measured whenever a record passes (heartbeats included, several per second), from
 * the watermark as it was then; a system whose records stop arriving altogether shows a lag that
 * keeps growing, which is the point.
 */
public class DropHeartbeats extends ProcessFunction<RecordChange, RecordChange> {
    private static final long serialVersionUID = 1L;

    /** Before the first watermark: no lag to report yet. */
    static final long NO_WATERMARK = -1;

    private final String system;

    private transient long watermark;

    public DropHeartbeats(String system) {
        this.system = system;
    }

    @Override
    public void open(OpenContext openContext) {
        watermark = Long.MIN_VALUE;
        SyncMetrics.forSystem(getRuntimeContext().getMetricGroup(), system)
                .gauge(SyncMetrics.WATERMARK_LAG, (Gauge<Long>) this::lag);
    }

    @Override
    public void processElement(RecordChange change, Context ctx, Collector<RecordChange> out) {
        watermark = ctx.timerService().currentWatermark();
        if (change.kind() != RecordChange.Kind.HEARTBEAT) {
            out.collect(change);
        }
    }

    /** Milliseconds between the job's clock and the system's watermark. */
    long lag() {
        // Before the snapshot is read the watermark is MIN or 0 (snapshot rows carry time 0).
        return watermark <= 0 ? NO_WATERMARK : Math.max(0, System.currentTimeMillis() - watermark);
    }
}
