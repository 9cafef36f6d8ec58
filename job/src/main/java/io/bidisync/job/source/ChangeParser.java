package io.bidisync.job.source;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.udfs.mapping.ColumnMapping;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses one system's Debezium JSON change events into {@link RecordChange}s of the global model.
 *
 * <p>Accepts the envelope with and without the {@code schema}/{@code payload} wrapper. Rows of the
 * heartbeat table become {@link RecordChange.Kind#HEARTBEAT}s, which carry commit time for the
 * watermark only. Anything that cannot be mapped (not JSON, unknown table, no row image, no primary
 * key, a version that is not a number) goes to {@link DeadLetters#TAG} with the reason; the job
 * keeps running.
 */
public class ChangeParser extends ProcessFunction<String, RecordChange> {
    private static final long serialVersionUID = 1L;

    private final SystemConfig system;
    private final ColumnMapping mapping;
    private final int matchKeyIndex;
    private final SyncConfig.MatchKey matchKey;
    private final String heartbeatTable;

    private transient ObjectMapper json;
    private transient Counter recordsIn;
    private transient Counter deadLetters;

    public ChangeParser(SyncConfig config, SystemConfig system) {
        this.system = system;
        this.mapping = system.mapping(config.attributes());
        this.matchKeyIndex = config.matchKeyIndex();
        this.matchKey = config.matchKey();
        this.heartbeatTable = config.completeness().heartbeatTable();
    }

    @Override
    public void open(Configuration parameters) {
        json = new ObjectMapper();
        var metrics = SyncMetrics.forSystem(getRuntimeContext().getMetricGroup(), system.name());
        recordsIn = metrics.counter(SyncMetrics.RECORDS_IN);
        deadLetters = metrics.counter(SyncMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(String value, Context ctx, Collector<RecordChange> out) {
        try {
            RecordChange change = parse(value);
            if (change.kind() != RecordChange.Kind.HEARTBEAT) {
                recordsIn.inc();
            }
            out.collect(change);
        } catch (UnmappableException e) {
            deadLetters.inc();
            ctx.output(
                    DeadLetters.TAG,
                    new DeadLetter(
                            System.currentTimeMillis(),
                            system.name(),
                            e.key,
                            "parse",
                            e.getMessage(),
                            value));
        }
    }

    RecordChange parse(String value) throws UnmappableException {
        JsonNode envelope;
        try {
            envelope = json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new UnmappableException(null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (envelope == null || !envelope.isObject()) {
            throw new UnmappableException(null, "not a JSON object");
        }
        if (envelope.has("payload") && envelope.has("schema")) {
            envelope = envelope.get("payload");
        }
        JsonNode source = envelope.path("source");
        String table = source.path("table").asText(null);
        String schema = source.path("schema").asText(null);
        long eventTime = source.path("ts_ms").asLong(0);
        if (table == null) {
            throw new UnmappableException(null, "no source.table in the change event");
        }
        if (table.equals(heartbeatTable)) {
            return new RecordChange(
                    system.name(),
                    RecordChange.Kind.HEARTBEAT,
                    null,
                    null,
                    null,
                    eventTime,
                    new String[0]);
        }
        if (!table.equals(system.table().table())
                || (schema != null && !schema.equals(system.table().schema()))) {
            throw new UnmappableException(
                    null,
                    "change of unknown table "
                            + schema
                            + "."
                            + table
                            + " (expected "
                            + system.table()
                            + ")");
        }
        String op = envelope.path("op").asText("");
        switch (op) {
            case "r", "c", "u" -> {
                Map<String, String> row = row(envelope.get("after"), "after");
                String localId = primaryKey(row);
                String[] values = mapping.toAttributeValues(row);
                Long version = version(row, localId);
                String key = matchKey.normalizer().normalize(values[matchKeyIndex]);
                return new RecordChange(
                        system.name(),
                        RecordChange.Kind.UPSERT,
                        localId,
                        key,
                        version,
                        eventTime,
                        values);
            }
            case "d" -> {
                Map<String, String> row = row(envelope.get("before"), "before");
                String localId = primaryKey(row);
                return new RecordChange(
                        system.name(),
                        RecordChange.Kind.DELETE,
                        localId,
                        null,
                        null,
                        eventTime,
                        new String[0]);
            }
            default -> throw new UnmappableException(null, "unknown operation '" + op + "'");
        }
    }

    private Map<String, String> row(JsonNode image, String name) throws UnmappableException {
        if (image == null || !image.isObject()) {
            throw new UnmappableException(null, "no '" + name + "' row image in the change event");
        }
        Map<String, String> row = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = image.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode v = field.getValue();
            row.put(
                    field.getKey(),
                    v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
        }
        return row;
    }

    private String primaryKey(Map<String, String> row) throws UnmappableException {
        String id = row.get(system.primaryKey());
        if (id == null) {
            throw new UnmappableException(
                    null, "row has no value for primary key column '" + system.primaryKey() + "'");
        }
        return id;
    }

    private Long version(Map<String, String> row, String localId) throws UnmappableException {
        if (!system.hasVersionColumn()) {
            return null;
        }
        String text = row.get(system.versionColumn());
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            throw new UnmappableException(
                    localId,
                    "version column '"
                            + system.versionColumn()
                            + "' is not a whole number: "
                            + text);
        }
    }

    /** A change event that cannot be mapped to the global model. */
    static final class UnmappableException extends Exception {
        private static final long serialVersionUID = 1L;
        final String key;

        UnmappableException(String key, String message) {
            super(message);
            this.key = key;
        }
    }
}
