package io.bidisync.job.golden;

import io.bidisync.job.config.GoldenOutput;
import io.bidisync.udfs.model.Attributes;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Publishes golden records to the golden output topic, exactly once: Kafka transactions that commit
 * with the job's checkpoints, so a consumer reading with {@code isolation.level= read_committed}
 * sees every golden record once, in order per golden id, one checkpoint interval late.
 *
 * <p>Key: the golden id (UTF-8). Value: JSON {@code {"id", "attributes": {name: value}, "links":
 * {system: [primary key, …]}, "event_time"}}, each value typed (numbers, booleans, JSON documents
 * and arrays as such, the rest as its canonical text); a golden record that is gone is a tombstone
 * (no value), so a compacted topic keeps exactly the latest value of every live golden record.
 */
public final class GoldenTopicSink {
    /** Kafka brokers refuse a longer transaction timeout by default; Flink's own default is 1 h. */
    private static final String TRANSACTION_TIMEOUT = "900000";

    private GoldenTopicSink() {}

    public static KafkaSink<GoldenRecord> create(GoldenOutput output, Attributes attributes) {
        Properties producer = output.kafka().clientProperties();
        producer.putIfAbsent("transaction.timeout.ms", TRANSACTION_TIMEOUT);
        return KafkaSink.<GoldenRecord>builder()
                .setKafkaProducerConfig(producer)
                .setBootstrapServers(output.kafka().bootstrapServers())
                .setRecordSerializer(new Json(output.topic(), attributes))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(output.transactionalIdPrefix())
                .build();
    }

    /** The golden record as a Kafka message. */
    static final class Json implements KafkaRecordSerializationSchema<GoldenRecord> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final Attributes attributes;
        private transient ObjectMapper json;

        Json(String topic, Attributes attributes) {
            this.topic = topic;
            this.attributes = attributes;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                GoldenRecord golden, KafkaSinkContext context, Long timestamp) {
            byte[] key = golden.id().getBytes(StandardCharsets.UTF_8);
            Long time = golden.eventTime() > 0 ? golden.eventTime() : null;
            return new ProducerRecord<>(
                    topic, null, time, key, golden.deleted() ? null : value(golden));
        }

        byte[] value(GoldenRecord golden) {
            if (json == null) {
                json = new ObjectMapper();
            }
            ObjectNode root = json.createObjectNode();
            root.put("id", golden.id());
            ObjectNode values = root.putObject("attributes");
            for (int i = 0; i < attributes.size(); i++) {
                values.set(attributes.name(i), attributes.type(i).toJson(golden.values()[i]));
            }
            ObjectNode links = root.putObject("links");
            for (String link : golden.links()) {
                int slash = link.indexOf('/');
                String system = link.substring(0, slash);
                if (!links.has(system)) {
                    links.putArray(system);
                }
                links.withArray(system).add(link.substring(slash + 1));
            }
            root.put("event_time", golden.eventTime());
            return root.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
