package io.bidisync.job.source;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Turns the messages of a Debezium change topic (and its heartbeat topic) into the {@link
 * SourceEvent}s {@link io.bidisync.job.source.ChangeParser} reads.
 *
 * <p>Tombstones (the empty message Debezium sends after a delete, for compaction) carry nothing and
 * are skipped. A heartbeat from the separate heartbeat topic says that the connector had published
 * everything up to that moment — but it may be read before the change topic's backlog, being
 * another topic. It is passed on only when the change topic has already delivered a message
 * published after it, or has delivered nothing for {@code caughtUpAfter}: otherwise it would move
 * the watermark past changes that are still unread. Held-back heartbeats are dropped; the next one
 * does the job.
 */
public class DebeziumTopicDeserializer implements KafkaRecordDeserializationSchema<SourceEvent> {
    private static final long serialVersionUID = 1L;

    private final String heartbeatTopic;
    private final long caughtUpAfterMillis;

    /** Kafka timestamp of the last change message read; 0 before the first. */
    private transient long lastChangePublished;

    /** When (job clock) the last change message was read; 0 before the first message. */
    private transient long lastChangeRead;

    public DebeziumTopicDeserializer(String heartbeatTopic, long caughtUpAfterMillis) {
        this.heartbeatTopic = heartbeatTopic;
        this.caughtUpAfterMillis = caughtUpAfterMillis;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceEvent> out) {
        if (record.value() == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (record.topic().equals(heartbeatTopic)) {
            if (!heartbeatTrusted(record.timestamp(), now)) {
                return;
            }
        } else {
            changeRead(record.timestamp(), now);
        }
        out.collect(DebeziumJson.read(new String(record.value(), StandardCharsets.UTF_8)));
    }

    void changeRead(long published, long now) {
        lastChangePublished = published;
        lastChangeRead = now;
    }

    /** Whether nothing published before a heartbeat published at {@code published} is unread. */
    boolean heartbeatTrusted(long published, long now) {
        if (lastChangeRead == 0) {
            // Nothing read yet since the start: the topic may still be on its way.
            lastChangeRead = now;
        }
        return lastChangePublished >= published || now - lastChangeRead >= caughtUpAfterMillis;
    }

    @Override
    public TypeInformation<SourceEvent> getProducedType() {
        return TypeInformation.of(SourceEvent.class);
    }
}
