package io.bidisync.job.source;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommitTimeWatermarksTest {

    /** The watermarks a generator emitted. */
    private static final class Emitted implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            throw new AssertionError("a source is never marked idle: it would skip completeness");
        }

        @Override
        public void markActive() {}
    }

    private static RecordChange change(RecordChange.Kind kind, long time) {
        return new RecordChange(
                "crm",
                kind,
                kind == RecordChange.Kind.HEARTBEAT ? null : "1",
                null,
                null,
                time,
                new String[0],
                new long[0]);
    }

    @Test
    void changesWaitForThePeriodicWatermarkHeartbeatsEmitAtOnce() {
        WatermarkGenerator<RecordChange> generator =
                CommitTimeWatermarks.strategy().createWatermarkGenerator(null);
        Emitted out = new Emitted();

        generator.onEvent(change(RecordChange.Kind.UPSERT, 1_000), 1_000, out);
        assertThat(out.watermarks).isEmpty();

        generator.onEvent(change(RecordChange.Kind.HEARTBEAT, 1_250), 1_250, out);
        assertThat(out.watermarks).containsExactly(1_249L);

        generator.onEvent(change(RecordChange.Kind.UPSERT, 1_300), 1_300, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(1_249L, 1_299L);
    }

    @Test
    void aHeartbeatBehindTheLatestChangeDoesNotMoveTheWatermarkBack() {
        WatermarkGenerator<RecordChange> generator =
                CommitTimeWatermarks.strategy().createWatermarkGenerator(null);
        Emitted out = new Emitted();

        generator.onEvent(change(RecordChange.Kind.UPSERT, 2_000), 2_000, out);
        generator.onEvent(change(RecordChange.Kind.HEARTBEAT, 1_900), 1_900, out);

        assertThat(out.watermarks).containsExactly(1_999L);
    }
}
