package io.bidisync.job.source;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DropHeartbeatsTest {

    private static RecordChange heartbeat(long time) {
        return new RecordChange(
                "crm",
                RecordChange.Kind.HEARTBEAT,
                null,
                null,
                null,
                time,
                new String[0],
                new long[0]);
    }

    private static RecordChange upsert(long time) {
        return new RecordChange(
                "crm",
                RecordChange.Kind.UPSERT,
                "1",
                "ann@example.com",
                1L,
                time,
                new String[] {"ann@example.com"},
                new long[0]);
    }

    @Test
    void heartbeatsStopHereAndTheWatermarkLagIsMeasured() throws Exception {
        DropHeartbeats function = new DropHeartbeats("crm");
        try (OneInputStreamOperatorTestHarness<RecordChange, RecordChange> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(function)) {
            // Snapshot rows (time 0): no lag to speak of yet.
            harness.processElement(upsert(0), 0);
            assertThat(function.lag()).isEqualTo(DropHeartbeats.NO_WATERMARK);

            long watermark = System.currentTimeMillis() - 5_000;
            harness.processWatermark(watermark);
            harness.processElement(heartbeat(watermark + 1), watermark + 1);
            long lag = function.lag();
            assertThat(lag).isBetween(5_000L, 5_000L + (System.currentTimeMillis() - watermark));

            harness.processElement(upsert(watermark + 2), watermark + 2);
            assertThat(harness.extractOutputValues())
                    .extracting(RecordChange::kind)
                    .containsExactly(RecordChange.Kind.UPSERT, RecordChange.Kind.UPSERT);
        }
    }
}
