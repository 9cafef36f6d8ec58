package io.bidisync.job.audit;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads the audited history of one golden record, oldest first, from the table or the topic. */
public final class AuditHistory {
    /**
     * One stored entry with the time it was stored.
     *
     * @param at when the entry was stored (the database's clock, or the Kafka record's time)
     */
    public record Line(Instant at, AuditEntry entry) {}

    private AuditHistory() {}

    /**
     * The entries of the golden record whose match key, normalised as the job does, is that of
     * {@code matchKey} (for a key of several attributes, a JSON array of one value per part). From
     * a topic this reads the whole topic.
     *
     * @throws IllegalArgumentException if the key does not have a value per part
     */
    public static List<Line> of(SyncConfig config, String matchKey)
            throws SQLException, IOException {
        String goldenId = config.scoped(config.matchKey().ofText(matchKey));
        return config.audit().toTopic() ? fromTopic(config, goldenId) : fromTable(config, goldenId);
    }

    private static List<Line> fromTable(SyncConfig config, String goldenId) throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (Connection c = Database.connect(config.system(config.audit().system()));
                PreparedStatement st = c.prepareStatement(JobTables.selectAuditSql(config))) {
            st.setString(1, goldenId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long eventTime = rs.getLong(2);
                    lines.add(
                            new Line(
                                    rs.getTimestamp(1).toInstant(),
                                    new AuditEntry(
                                            rs.wasNull() ? Long.MAX_VALUE : eventTime,
                                            goldenId,
                                            rs.getString(3),
                                            rs.getString(4),
                                            rs.getString(5),
                                            rs.getString(6),
                                            rs.getString(7),
                                            rs.getString(8),
                                            rs.getString(9))));
                }
            }
        }
        return lines;
    }

    private static List<Line> fromTopic(SyncConfig config, String goldenId) throws IOException {
        Properties p = config.audit().kafka().clientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ObjectMapper json = new ObjectMapper();
        byte[] key = goldenId.getBytes(StandardCharsets.UTF_8);
        List<Line> lines = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(config.audit().topic(), Duration.ofSeconds(10)).stream()
                            .map(i -> new TopicPartition(i.topic(), i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && Arrays.equals(r.key(), key) && r.value() != null) {
                        lines.add(new Line(Instant.ofEpochMilli(r.timestamp()), entry(json, r)));
                    }
                }
            }
        }
        // A golden id's entries are keyed alike, so they are in one partition, in log order.
        return lines;
    }

    private static AuditEntry entry(ObjectMapper json, ConsumerRecord<byte[], byte[]> r)
            throws IOException {
        JsonNode n = json.readTree(r.value());
        return new AuditEntry(
                n.hasNonNull("event_time") ? n.get("event_time").asLong() : Long.MAX_VALUE,
                text(n, "golden_id"),
                text(n, "system"),
                text(n, "row"),
                text(n, "action"),
                text(n, "expected_version"),
                text(n, "resulting_version"),
                text(n, "reason"),
                text(n, "detail"));
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
