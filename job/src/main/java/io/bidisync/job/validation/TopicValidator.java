package io.bidisync.job.validation;

import io.bidisync.job.config.KafkaConnection;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks the Kafka topics a configuration names, changing nothing: each cluster is reachable, each
 * Debezium change topic exists (with one partition, or its order is lost), and the golden-output
 * topic is compacted. Problems stop the job; warnings do not.
 */
public final class TopicValidator {
    private static final long TIMEOUT_SECONDS = 10;

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Clusters found unreachable, by bootstrap servers: asked once, not once per topic. */
    private final Map<String, KafkaUnreachable> unreachable = new HashMap<>();

    private TopicValidator() {}

    /** What the check found; each line starts with the configuration key it is about. */
    public record Report(List<String> problems, List<String> warnings) {}

    public static Report check(SyncConfig config) {
        TopicValidator validator = new TopicValidator();
        for (SystemConfig system : config.systems().values()) {
            if (!system.readByCdc()) {
                validator.checkChangeTopic(system);
            }
        }
        if (config.goldenOutput() != null) {
            validator.checkOutput(
                    "golden-output",
                    config.goldenOutput().kafka(),
                    config.goldenOutput().topic(),
                    true);
        }
        if (config.deadLetterTopic() != null) {
            validator.checkOutput(
                    "dead-letters",
                    config.deadLetterTopic().kafka(),
                    config.deadLetterTopic().topic(),
                    false);
        }
        if (config.audit() != null && config.audit().toTopic()) {
            validator.checkOutput("audit", config.audit().kafka(), config.audit().topic(), false);
        }
        return new Report(List.copyOf(validator.problems), List.copyOf(validator.warnings));
    }

    private void checkChangeTopic(SystemConfig system) {
        String p = "systems." + system.name() + ".source.";
        var changes = system.changeTopic();
        try (Admin admin = admin(changes.kafka())) {
            TopicDescription topic = describe(admin, changes.topic());
            if (topic == null) {
                problems.add(
                        p
                                + "topic: topic "
                                + changes.topic()
                                + " does not exist on "
                                + changes.kafka().bootstrapServers()
                                + " (is the Debezium connector running?)");
            } else if (topic.partitions().size() != 1) {
                warnings.add(
                        p
                                + "topic: "
                                + changes.topic()
                                + " has "
                                + topic.partitions().size()
                                + " partitions; the job needs the changes in log order (one"
                                + " partition), or it may take its own writes for someone else's");
            }
            if (changes.heartbeatTopic() != null
                    && describe(admin, changes.heartbeatTopic()) == null) {
                warnings.add(
                        p
                                + "heartbeat-topic: "
                                + changes.heartbeatTopic()
                                + " does not exist yet (Debezium creates it with its first"
                                + " heartbeat, if the broker auto-creates topics)");
            }
        } catch (KafkaUnreachable e) {
            unreachable.put(changes.kafka().bootstrapServers(), e);
            problems.add(p + "bootstrap-servers: " + e.getMessage());
        }
    }

    private void checkOutput(String key, KafkaConnection kafka, String name, boolean compacted) {
        try (Admin admin = admin(kafka)) {
            TopicDescription topic = describe(admin, name);
            if (topic == null) {
                warnings.add(
                        key
                                + ".topic: "
                                + name
                                + " does not exist; the job's first write creates it only if the"
                                + " broker auto-creates topics"
                                + (compacted ? " (and then not compacted)" : ""));
            } else if (compacted && !isCompacted(admin, name)) {
                warnings.add(
                        key
                                + ".topic: "
                                + name
                                + " is not compacted (cleanup.policy=compact): consumers cannot"
                                + " read the current golden records from its beginning forever");
            }
        } catch (KafkaUnreachable e) {
            unreachable.put(kafka.bootstrapServers(), e);
            problems.add(key + ".bootstrap-servers: " + e.getMessage());
        }
    }

    private Admin admin(KafkaConnection kafka) throws KafkaUnreachable {
        KafkaUnreachable known = unreachable.get(kafka.bootstrapServers());
        if (known != null) {
            throw known;
        }
        Properties properties = kafka.clientProperties();
        String timeout = String.valueOf(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        return Admin.create(properties);
    }

    /** The topic's description, or {@code null} if it does not exist. */
    private static TopicDescription describe(Admin admin, String topic) throws KafkaUnreachable {
        try {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new KafkaUnreachable(e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachable(e);
        }
    }

    private static boolean isCompacted(Admin admin, String topic) throws KafkaUnreachable {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config =
                    admin.describeConfigs(List.of(resource))
                            .all()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            .get(resource);
            ConfigEntry policy = config.get("cleanup.policy");
            return policy != null && policy.value().contains("compact");
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachable(e);
        }
    }

    /** Kafka did not answer. */
    private static final class KafkaUnreachable extends Exception {
        private static final long serialVersionUID = 1L;

        KafkaUnreachable(Throwable cause) {
            super("Kafka does not answer within " + TIMEOUT_SECONDS + " s (" + cause + ")");
        }
    }
}
