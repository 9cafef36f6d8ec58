package io.bidisync.job.testutil;

import io.github.embeddedkafka.EmbeddedKafka$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * A real Kafka broker (with its ZooKeeper) in the test JVM, shared by all tests of the JVM and
 * stopped when it exits. Topics are created by the tests; its data lives under {@code target/}.
 */
public final class TestKafka {
    private static String bootstrap;

    private TestKafka() {}

    /** The broker's {@code host:port}, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            try {
                int zooKeeperPort = freePort();
                int kafkaPort = freePort();
                Path dir = Files.createTempDirectory("kafka");
                EmbeddedKafka$.MODULE$.startZooKeeper(zooKeeperPort, dir.resolve("zookeeper"));
                Map<String, String> settings =
                        Map.of(
                                "transaction.state.log.replication.factor", "1",
                                "transaction.state.log.min.isr", "1",
                                "offsets.topic.replication.factor", "1",
                                "group.initial.rebalance.delay.ms", "0");
                scala.collection.immutable.Map<String, String> broker =
                        scala.collection.immutable.Map$.MODULE$.from(
                                scala.jdk.javaapi.CollectionConverters.asScala(settings));
                EmbeddedKafka$.MODULE$.startKafka(
                        kafkaPort, zooKeeperPort, broker, dir.resolve("kafka"));
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(EmbeddedKafka$.MODULE$::stop, "stop-kafka"));
                bootstrap = "localhost:" + kafkaPort;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start Kafka", e);
            }
        }
        return bootstrap;
    }

    /** Creates a topic with one partition (compacted, if asked). */
    public static void createTopic(String topic, boolean compacted)
            throws ExecutionException, InterruptedException {
        createTopic(topic, 1, compacted);
    }

    /** Creates a topic (compacted, if asked). */
    public static void createTopic(String topic, int partitions, boolean compacted)
            throws ExecutionException, InterruptedException {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            NewTopic newTopic = new NewTopic(topic, partitions, (short) 1);
            if (compacted) {
                newTopic.configs(Map.of("cleanup.policy", "compact"));
            }
            admin.createTopics(List.of(newTopic)).all().get();
        }
    }

    /** A producer of text messages. */
    public static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends one message and waits for the broker's acknowledgement. */
    public static void send(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Every committed message of a one-partition topic, from its beginning to its current end. */
    public static List<ConsumerRecord<String, String>> readCommitted(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // With read_committed the end offset is the last stable offset.
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
