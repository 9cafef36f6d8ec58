package io.bidisync.job.kafka;

import io.bidisync.job.config.DebeziumTopic;
import io.bidisync.job.config.SystemConfig;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the source of a system whose changes a Debezium connector publishes to Kafka (source kind
 * {@code kafka-debezium}): the change topic, plus Debezium's heartbeat topic when configured, as
 * JSON strings for the same {@link io.bidisync.job.source.ChangeParser} the CDC source feeds.
 *
 * <p>Without a checkpoint it starts at the consumer group's committed offsets, or at the beginning
 * of the topic (Debezium's snapshot, then the log); with one, where the checkpoint left off.
 * Offsets are committed to the group on every checkpoint, so the usual Kafka lag tools show how far
 * behind the job is.
 */
public final class DebeziumTopicSource {
    private DebeziumTopicSource() {}

    public static KafkaSource<String> create(SystemConfig system) {
        DebeziumTopic changes = system.changeTopic();
        List<String> topics = new ArrayList<>();
        topics.add(changes.topic());
        if (changes.heartbeatTopic() != null) {
            topics.add(changes.heartbeatTopic());
        }
        return KafkaSource.<String>builder()
                .setProperties(changes.kafka().clientProperties())
                .setTopics(topics)
                .setGroupId(changes.groupId())
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(
                        new DebeziumTopicDeserializer(
                                changes.heartbeatTopic(), changes.caughtUpAfter().toMillis()))
                .build();
    }
}
