package io.bidisync.job.deadletter;

import io.bidisync.job.config.DeadLetterTopic;
import io.bidisync.job.config.KafkaConnection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends dead letters to the dead-letter topic: JSON {@code {"time", "system", "key", "operation",
 * "reason", "payload"}} keyed by system. Each send waits for the broker's acknowledgement, so a
 * dead letter reported before a checkpoint is in the topic (at least once); one that cannot be sent
 * is still in the log.
 */
public final class DeadLetterProducer implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProducer.class);
    private static final long SEND_TIMEOUT_MS = 30_000;

    private final DeadLetterTopic topic;

    private transient KafkaProducer<byte[], byte[]> producer;
    private transient ObjectMapper json;

    public DeadLetterProducer(DeadLetterTopic topic) {
        this.topic = topic;
    }

    public void send(DeadLetter deadLetter) {
        try {
            if (producer == null) {
                producer = acknowledgedProducer(topic.kafka());
                json = new ObjectMapper();
            }
            ObjectNode value = json.createObjectNode();
            value.put("time", deadLetter.time());
            value.put("system", deadLetter.system());
            value.put("key", deadLetter.key());
            value.put("operation", deadLetter.operation());
            value.put("reason", deadLetter.reason());
            value.put("payload", deadLetter.payload());
            producer.send(
                            new ProducerRecord<>(
                                    topic.topic(),
                                    bytes(deadLetter.system()),
                                    value.toString().getBytes(StandardCharsets.UTF_8)))
                    .get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            keptInLog(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            keptInLog(e);
        }
    }

    /**
     * A producer for side outputs that must not hold the job up for long: every send acknowledged
     * by all in-sync replicas, giving up after some 20 s (the caller then logs what it could not
     * send).
     */
    public static KafkaProducer<byte[], byte[]> acknowledgedProducer(KafkaConnection kafka) {
        Properties properties = kafka.clientProperties();
        properties.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        properties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        properties.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(
                properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void keptInLog(Exception e) {
        LOG.warn(
                "Dead letter kept in the log only: cannot send it to topic {} ({})",
                topic.topic(),
                e.getCause() == null ? e.toString() : e.getCause().toString());
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
