package io.bidisync.job.config;

import java.time.Duration;
import java.util.Set;

/**
 * Reads a system's {@code source}: how the job reads the system's changes. {@code postgres-cdc}
 * (the default) has no further keys; {@code kafka-debezium} names a Debezium change topic.
 */
final class SourceReader {
    static final String CDC = "postgres-cdc";
    static final String DEBEZIUM = "kafka-debezium";

    static final Set<String> CDC_KEYS = Set.of("kind");
    static final Set<String> DEBEZIUM_KEYS =
            KafkaConnectionReader.withKafkaKeys(
                    "kind", "topic", "group-id", "heartbeat-topic", "caught-up-after");

    private SourceReader() {}

    /**
     * The change topic in {@code node} (a system's {@code source}); null for CDC, for no source and
     * for one that could not be read.
     *
     * @param syncName the sync's name, part of the default consumer group
     */
    static DebeziumTopic changeTopic(YamlNode node, String syncName, String systemName) {
        if (node == null) {
            return null;
        }
        String kind = node.string("kind", true);
        if (kind == null) {
            return null;
        }
        if (kind.equals(CDC)) {
            node.rejectUnknownKeys(CDC_KEYS);
            return null;
        }
        if (!kind.equals(DEBEZIUM)) {
            node.problem(
                    "kind", "unknown kind '" + kind + "' (use " + CDC + " or " + DEBEZIUM + ")");
            return null;
        }
        node.rejectUnknownKeys(DEBEZIUM_KEYS);
        KafkaConnection kafka = KafkaConnectionReader.read(node);
        String topic = node.string("topic", true);
        String groupId = node.string("group-id", false);
        String heartbeatTopic = node.string("heartbeat-topic", false);
        Duration caughtUpAfter = node.duration("caught-up-after", Duration.ofSeconds(5));
        if (kafka == null || topic == null) {
            return null;
        }
        return new DebeziumTopic(
                kafka,
                topic,
                groupId == null ? "bidisync-" + syncName + "-" + systemName : groupId,
                heartbeatTopic,
                caughtUpAfter);
    }
}
