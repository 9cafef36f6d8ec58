package io.bidisync.job.testutil;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.udfs.normalize.Normalizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a golden-output topic against the databases of a run: after compaction it must hold
 * exactly one value per entity (normalised e-mail) the systems hold, linking exactly their rows,
 * and — exactly once — no golden record may be published twice in a row with the same value.
 */
public final class GoldenTopic {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenTopic() {}

    /** Waits until the compacted topic links exactly the rows the systems hold, per entity. */
    public static void awaitMatches(SyncRun run, String topic, Duration timeout) throws Exception {
        Map<String, Map<String, TreeSet<String>>> expected = entities(run);
        Await.until(
                "golden topic matching the databases",
                timeout,
                () -> links(compacted(topic)).equals(expected),
                () -> "expected " + expected + "\n     got " + links(compacted(topic)));
    }

    /** The topic after compaction: the last value per key, keys of tombstones gone. */
    public static Map<String, JsonNode> compacted(String topic) throws Exception {
        Map<String, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<String, String> record : TestKafka.readCommitted(topic)) {
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), JSON.readTree(record.value()));
            }
        }
        return latest;
    }

    /** Keys whose committed values repeat one after the other: a publication made twice. */
    public static List<String> repeated(String topic) {
        Map<String, String> last = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, String> record : TestKafka.readCommitted(topic)) {
            String value = record.value() == null ? null : withoutTime(record.value());
            if (last.containsKey(record.key()) && Objects.equals(last.get(record.key()), value)) {
                out.add(record.key());
            }
            last.put(record.key(), value);
        }
        return out;
    }

    private static String withoutTime(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            ((ObjectNode) node).remove("event_time");
            return node.toString();
        } catch (Exception e) {
            return value;
        }
    }

    /** Per golden id, per system, the linked primary keys. */
    public static Map<String, Map<String, TreeSet<String>>> links(Map<String, JsonNode> golden) {
        Map<String, Map<String, TreeSet<String>>> out = new TreeMap<>();
        golden.forEach(
                (key, value) -> {
                    Map<String, TreeSet<String>> bySystem = new TreeMap<>();
                    value.get("links")
                            .fields()
                            .forEachRemaining(
                                    e -> {
                                        TreeSet<String> ids = new TreeSet<>();
                                        e.getValue().forEach(id -> ids.add(id.asText()));
                                        bySystem.put(e.getKey(), ids);
                                    });
                    out.put(key, bySystem);
                });
        return out;
    }

    /** Per normalised e-mail, per system, the primary keys of the rows that have it. */
    public static Map<String, Map<String, TreeSet<String>>> entities(SyncRun run) throws Exception {
        Map<String, Map<String, TreeSet<String>>> out = new TreeMap<>();
        for (String system : run.systemNames()) {
            for (Row row : run.rows(system)) {
                String key = Normalizer.EMAIL.normalize(row.email());
                if (key == null || key.isEmpty()) {
                    continue;
                }
                out.computeIfAbsent(key, k -> new TreeMap<>())
                        .computeIfAbsent(system, s -> new TreeSet<>())
                        .add(row.id());
            }
        }
        return out;
    }
}
