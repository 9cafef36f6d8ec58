package io.bidisync.job.source;

import io.bidisync.job.config.DebeziumTopic;
import io.bidisync.job.config.SystemConfig;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Builds the source of a system whose changes a Debezium connector publishes to Kafka (source kind
 * {@code kafka-debezium}): the change topic, plus Debezium's heartbeat topic when configured, as
 * {@link SourceEvent}s (read from the messages' JSON) for the same {@link
 * io.bidisync.job.source.ChangeParser} the CDC source feeds.
 *
 * <p>Without a checkpoint it starts at the consumer group's committed offsets, or at the beginning
 * of the topic (Debezium's snapshot, then the log); with one, where the checkpoint left off.
 * Offsets are committed to the group on every checkpoint, so the usual Kafka lag tools show how far
 * behind the job is.
 */
public final class DebeziumTopicSource {
    private DebeziumTopicSource() {}

    /** The job's source: from the group's offsets, unbounded. */
    public static KafkaSource<SourceEvent> create(SystemConfig system) {
        DebeziumTopic changes = system.changeTopic();
        return builder(changes)
                .setGroupId(changes.groupId())
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .build();
    }

    /**
     * The plan's source: the topic from its beginning to its end when the plan starts — what the
     * job reads first when it has no offsets — under a group of its own that commits nothing.
     */
    public static KafkaSource<SourceEvent> toTheEnd(SystemConfig system, String groupId) {
        Properties noCommits = new Properties();
        noCommits.setProperty("commit.offsets.on.checkpoint", "false");
        noCommits.setProperty("enable.auto.commit", "false");
        return builder(system.changeTopic())
                .setProperties(noCommits)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    private static KafkaSourceBuilder<SourceEvent> builder(DebeziumTopic changes) {
        List<String> topics = new ArrayList<>();
        topics.add(changes.topic());
        if (changes.heartbeatTopic() != null) {
            topics.add(changes.heartbeatTopic());
        }
        return KafkaSource.<SourceEvent>builder()
                .setProperties(changes.kafka().clientProperties())
                .setTopics(topics)
                .setDeserializer(
                        new DebeziumTopicDeserializer(
                                changes.heartbeatTopic(), changes.caughtUpAfter().toMillis()));
    }
}
