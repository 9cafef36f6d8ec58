package io.bidisync.job.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a Debezium change event written as JSON (a Debezium topic's message, PostgreSQL or MySQL
 * connector) into a {@link SourceEvent}: with and without the {@code schema}/{@code payload}
 * wrapper; Debezium's heartbeat messages too. What is not a JSON object is an unreadable event, for
 * the parser to report as a dead letter.
 */
final class DebeziumJson {
    // Kafka Connect's JSON converter writes NaN and ±Infinity of float columns unquoted.
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private DebeziumJson() {}

    static SourceEvent read(String text) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return SourceEvent.unreadable("not valid JSON: " + e.getOriginalMessage(), text);
        }
        if (envelope == null || !envelope.isObject()) {
            return SourceEvent.unreadable("not a JSON object", text);
        }
        JsonNode eventSchema = null;
        if (envelope.has("payload") && envelope.has("schema")) {
            eventSchema = envelope.get("schema");
            envelope = envelope.get("payload");
        }
        if (!envelope.has("source") && !envelope.has("op") && envelope.has("ts_ms")) {
            return SourceEvent.heartbeat(envelope.path("ts_ms").asLong());
        }
        JsonNode source = envelope.path("source");
        // MySQL has no schemas: its database is what the configuration calls the schema.
        String schema = source.path(source.has("schema") ? "schema" : "db").asText(null);
        return SourceEvent.change(
                schema,
                source.path("table").asText(null),
                envelope.path("op").asText(""),
                source.path("ts_ms").asLong(0),
                transaction(envelope, source),
                RowImage.of(envelope.get("before"), eventSchema, "before"),
                RowImage.of(envelope.get("after"), eventSchema, "after"));
    }

    /**
     * The id of the transaction a change belongs to: PostgreSQL's {@code txId}, Debezium's
     * transaction metadata ({@code provide.transaction.metadata}), or MySQL's GTID.
     */
    private static String transaction(JsonNode envelope, JsonNode source) {
        if (source.hasNonNull("txId")) {
            return source.get("txId").asText();
        }
        if (envelope.path("transaction").hasNonNull("id")) {
            return envelope.get("transaction").get("id").asText();
        }
        return source.path("gtid").asText(null);
    }
}
