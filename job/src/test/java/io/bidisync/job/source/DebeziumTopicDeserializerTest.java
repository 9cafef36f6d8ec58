package io.bidisync.job.source;

import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DebeziumTopicDeserializerTest {
    private static final String HEARTBEATS = "__debezium-heartbeat.erp";

    private final DebeziumTopicDeserializer deserializer =
            new DebeziumTopicDeserializer(HEARTBEATS, 5_000);

    private static ConsumerRecord<byte[], byte[]> record(String topic, long time, String value) {
        return new ConsumerRecord<>(
                topic,
                0,
                0,
                time,
                TimestampType.CREATE_TIME,
                0,
                0,
                null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                Optional.empty());
    }

    private List<SourceEvent> read(ConsumerRecord<byte[], byte[]> record) {
        List<SourceEvent> out = new ArrayList<>();
        deserializer.deserialize(
                record,
                new Collector<>() {
                    @Override
                    public void collect(SourceEvent value) {
                        out.add(value);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    @Test
    void changesPassAndTombstonesAreSkipped() {
        assertThat(read(record("erp.changes", 1_000, "{\"op\":\"c\"}")))
                .extracting(SourceEvent::kind, SourceEvent::op)
                .containsExactly(tuple(SourceEvent.Kind.CHANGE, "c"));
        assertThat(read(record("erp.changes", 1_000, null))).isEmpty();
    }

    @Test
    void aHeartbeatAheadOfUnreadChangesIsHeldBack() {
        // Changes are still arriving and none was published after the heartbeat: the change
        // topic may have a backlog the heartbeat would jump.
        deserializer.changeRead(1_000, 50_000);
        assertThat(deserializer.heartbeatTrusted(2_000, 51_000)).isFalse();
        // A change published after the heartbeat has been read: everything before it was too.
        deserializer.changeRead(2_500, 51_500);
        assertThat(deserializer.heartbeatTrusted(2_000, 51_500)).isTrue();
    }

    @Test
    void aHeartbeatCountsOnceTheChangeTopicHasBeenQuiet() {
        deserializer.changeRead(1_000, 50_000);
        assertThat(deserializer.heartbeatTrusted(9_000, 54_999)).isFalse();
        assertThat(deserializer.heartbeatTrusted(9_000, 55_000)).isTrue();
    }

    @Test
    void rightAfterTheStartHeartbeatsWaitForTheQuietTime() {
        assertThat(deserializer.heartbeatTrusted(9_000, 100_000)).isFalse();
        assertThat(deserializer.heartbeatTrusted(9_500, 104_999)).isFalse();
        assertThat(deserializer.heartbeatTrusted(10_000, 105_000)).isTrue();
    }
}
