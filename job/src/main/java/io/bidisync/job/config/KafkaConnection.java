package io.bidisync.job.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How to reach a Kafka cluster: bootstrap servers and further client properties (security settings,
 * say).
 *
 * <p>Property values may hold {@code ${VAR}} references; they stay references here and are resolved
 * only by {@link #clientProperties()}, when a client is built, so the configuration never holds a
 * secret (see {@link Secret}).
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param properties Kafka client properties, values possibly with {@code ${VAR}} references
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties)
        implements Serializable {
    /**
     * The client properties with the bootstrap servers, references resolved from the environment.
     */
    public Properties clientProperties() {
        Properties out = new Properties();
        properties.forEach((key, value) -> out.setProperty(key, resolve(key, value)));
        out.setProperty("bootstrap.servers", bootstrapServers);
        return out;
    }

    private static String resolve(String key, String value) {
        return EnvironmentReferences.resolve(
                value,
                System::getenv,
                name -> {
                    throw new IllegalStateException(
                            "Kafka property "
                                    + key
                                    + ": environment variable "
                                    + name
                                    + " is not set");
                });
    }

    /** The environment variables the properties refer to. */
    public List<String> environmentVariables() {
        List<String> out = new ArrayList<>();
        properties.values().forEach(value -> out.addAll(EnvironmentReferences.names(value)));
        return out;
    }
}
