package io.bidisync.job.config;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the keys every Kafka client in the file has, {@code bootstrap-servers} and {@code
 * properties}: the systems' change topics and the Kafka outputs share them.
 */
final class KafkaConnectionReader {
    static final Set<String> KAFKA_KEYS = Set.of("bootstrap-servers", "properties");

    /** Kafka client properties whose values are secrets: only environment references. */
    private static final Pattern SECRET_PROPERTY = Pattern.compile(".*(password|jaas|secret).*");

    private KafkaConnectionReader() {}

    /** {@link #KAFKA_KEYS} and the keys of a section that has a Kafka client. */
    static Set<String> withKafkaKeys(String... sectionKeys) {
        Set<String> out = new HashSet<>(KAFKA_KEYS);
        out.addAll(Set.of(sectionKeys));
        return out;
    }

    /** The connection in {@code node}; null if it has no {@code bootstrap-servers}. */
    static KafkaConnection read(YamlNode node) {
        String servers = node.string("bootstrap-servers", true);
        Map<String, String> properties = new LinkedHashMap<>();
        YamlNode props = node.map("properties", false);
        if (props != null) {
            for (Map.Entry<?, ?> e : props.entries()) {
                String key = String.valueOf(e.getKey());
                Object value = e.getValue();
                if (value == null || value instanceof Map || value instanceof List) {
                    props.problem(key, "expected a single value");
                    continue;
                }
                String text = String.valueOf(value);
                if (props.references(key, text).isEmpty()
                        && SECRET_PROPERTY.matcher(key).matches()) {
                    // The literal is not repeated in the message: it is a secret.
                    props.problem(
                            key,
                            "holds a secret: use an environment variable reference like"
                                    + " ${KAFKA_JAAS_CONFIG}; literal secrets are not accepted");
                }
                // References stay unresolved: KafkaConnection resolves them when a client is built.
                properties.put(key, text);
            }
        }
        return servers == null
                ? null
                : new KafkaConnection(servers, Collections.unmodifiableMap(properties));
    }
}
