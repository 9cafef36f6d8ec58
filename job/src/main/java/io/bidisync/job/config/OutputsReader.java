package io.bidisync.job.config;

import java.util.Map;
import java.util.Set;

/**
 * Reads where the job's by-products go, each optional: {@code dead-letters} (a table or a Kafka
 * topic), {@code golden-output} (a Kafka topic) and {@code audit} (a table or a Kafka topic).
 */
final class OutputsReader {
    static final Set<String> DEAD_LETTER_TABLE_KEYS = Set.of("system", "table");
    static final Set<String> DEAD_LETTER_TOPIC_KEYS = KafkaConnectionReader.withKafkaKeys("topic");
    static final Set<String> GOLDEN_OUTPUT_KEYS =
            KafkaConnectionReader.withKafkaKeys("topic", "transactional-id-prefix");
    static final Set<String> AUDIT_TABLE_KEYS = Set.of("system", "table", "topic");
    static final Set<String> AUDIT_TOPIC_KEYS = KafkaConnectionReader.withKafkaKeys("topic");

    private final YamlNode file;
    private final String syncName;
    private final YamlNode systemsNode;
    private final Map<String, SystemConfig> systems;

    /**
     * @param syncName the sync's name, part of the default transactional id prefix
     * @param systemsNode the {@code systems} mapping (the names outputs may refer to), or null
     * @param systems the systems that could be read, in file order
     */
    OutputsReader(
            YamlNode file,
            String syncName,
            YamlNode systemsNode,
            Map<String, SystemConfig> systems) {
        this.file = file;
        this.syncName = syncName;
        this.systemsNode = systemsNode;
        this.systems = systems;
    }

    /**
     * Where dead letters are stored besides the log: at most one of the two is set.
     *
     * @param table a table in a system's database, or null
     * @param topic a Kafka topic, or null
     */
    record DeadLetters(SyncConfig.DeadLetterTable table, DeadLetterTopic topic) {}

    /** {@code dead-letters}: a topic when it names one, else a table (or nothing when absent). */
    DeadLetters deadLetters() {
        YamlNode node = file.map("dead-letters", false);
        if (node == null) {
            return new DeadLetters(null, null);
        }
        if (node.has("topic")) {
            return new DeadLetters(null, deadLetterTopic(node));
        }
        node.rejectUnknownKeys(DEAD_LETTER_TABLE_KEYS);
        String system = node.string("system", true);
        CrossChecks.isSystem(node, "system", system, systemsNode);
        String table = node.identifier("table", false);
        return new DeadLetters(
                new SyncConfig.DeadLetterTable(
                        system, table == null ? "bidisync_dead_letter" : table),
                null);
    }

    private static DeadLetterTopic deadLetterTopic(YamlNode node) {
        node.rejectUnknownKeys(DEAD_LETTER_TOPIC_KEYS);
        if (node.has("system") || node.has("table")) {
            node.problem("set either topic (Kafka) or system and table, not both");
        }
        KafkaConnection kafka = KafkaConnectionReader.read(node);
        String topic = node.string("topic", true);
        return kafka == null || topic == null ? null : new DeadLetterTopic(kafka, topic);
    }

    /** {@code golden-output}; null when absent or unreadable. */
    GoldenOutput goldenOutput() {
        YamlNode node = file.map("golden-output", false);
        if (node == null) {
            return null;
        }
        node.rejectUnknownKeys(GOLDEN_OUTPUT_KEYS);
        KafkaConnection kafka = KafkaConnectionReader.read(node);
        String topic = node.string("topic", true);
        String prefix = node.string("transactional-id-prefix", false);
        if (kafka == null || topic == null) {
            return null;
        }
        return new GoldenOutput(kafka, topic, prefix == null ? "bidisync-" + syncName : prefix);
    }

    /**
     * {@code audit: true} (a topic {@code <golden topic>.audit} next to the golden output when
     * there is one, else table {@code bidisync_audit_log} in the first system's database), {@code
     * false}, {@code {system, table}}, or {@code {topic, bootstrap-servers, properties}} (the
     * cluster defaults to the golden output's); null when off.
     */
    SyncConfig.Audit audit(GoldenOutput goldenOutput) {
        Object value = file.value("audit");
        YamlNode node = file.mapAt("audit");
        String system;
        String table = null;
        if (value == null || Boolean.FALSE.equals(value)) {
            return null;
        } else if (Boolean.TRUE.equals(value)) {
            if (goldenOutput != null) {
                return SyncConfig.Audit.topic(
                        goldenOutput.kafka(), goldenOutput.topic() + ".audit");
            }
            system = systems.isEmpty() ? null : systems.keySet().iterator().next();
        } else if (node != null && node.has("topic")) {
            node.rejectUnknownKeys(AUDIT_TOPIC_KEYS);
            String topic = node.string("topic", true);
            KafkaConnection kafka =
                    node.has("bootstrap-servers") || goldenOutput == null
                            ? KafkaConnectionReader.read(node)
                            : goldenOutput.kafka();
            return kafka == null || topic == null ? null : SyncConfig.Audit.topic(kafka, topic);
        } else if (node != null) {
            node.rejectUnknownKeys(AUDIT_TABLE_KEYS);
            system = node.string("system", true);
            CrossChecks.isSystem(node, "system", system, systemsNode);
            table = node.identifier("table", false);
        } else {
            file.problem(
                    "audit",
                    "must be true, false, {system, table} or {topic, bootstrap-servers}, got '"
                            + value
                            + "'");
            return null;
        }
        SystemConfig holder = system == null ? null : systems.get(system);
        if (holder != null && !holder.readByCdc()) {
            file.problem(
                    "audit.system",
                    "'" + system + "' is not a PostgreSQL system; the audit table needs one");
        }
        return SyncConfig.Audit.table(system, table == null ? "bidisync_audit_log" : table);
    }
}
