package io.bidisync.job.source;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * A column's value in a Debezium change event, as the Java value or text it stands for, read by the
 * field's schema (Debezium's and Kafka Connect's logical type names): a date arrives as days since
 * 1970, a timestamp as milli-, micro- or nanoseconds, a decimal as the bytes of its unscaled value.
 * The attribute's {@link io.bidisync.udfs.types.ValueType} then makes it canonical. Without a
 * schema (a topic written without the converter's schemas) the JSON value is taken as it is.
 */
final class DebeziumValues {
    private DebeziumValues() {}

    /** How Debezium's PostgreSQL connector writes {@code infinity} in a timestamp column. */
    private static final long PLUS_INFINITY = 9223372036825200000L;

    private static final long MINUS_INFINITY = -9223372036832400000L;

    /**
     * The value of one field.
     *
     * @param value the field's JSON value
     * @param schema the field's schema ({@code type}, {@code name}, {@code parameters}), or null
     * @return null, a {@code String}, a {@code java.time} value, a {@code BigDecimal}, a {@code
     *     Duration}, or the {@code JsonNode} of an array
     */
    static Object decode(JsonNode value, JsonNode schema) {
        if (value == null || value.isNull()) {
            return null;
        }
        String name = schema == null ? null : schema.path("name").asText(null);
        if (name != null && value.isNumber()) {
            long n = value.asLong();
            switch (name) {
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
                    return LocalDate.ofEpochDay(n);
                case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time":
                    return LocalTime.ofNanoOfDay(n * 1_000_000L);
                case "io.debezium.time.MicroTime":
                    return LocalTime.ofNanoOfDay(n * 1_000L);
                case "io.debezium.time.NanoTime":
                    return LocalTime.ofNanoOfDay(n);
                case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
                    return timestamp(n, 1_000L, 1_000_000L);
                case "io.debezium.time.MicroTimestamp":
                    return timestamp(n, 1_000_000L, 1_000L);
                case "io.debezium.time.NanoTimestamp":
                    return timestamp(n, 1_000_000_000L, 1L);
                case "io.debezium.time.MicroDuration":
                    // Debezium counts a month as 30 days here; interval.handling.mode=string is
                    // exact.
                    return Duration.ofNanos(n * 1_000L);
                default:
                    break;
            }
        }
        if (name != null && value.isTextual() && "bytes".equals(schema.path("type").asText())) {
            if (name.equals("org.apache.kafka.connect.data.Decimal")) {
                int scale = schema.path("parameters").path("scale").asInt(0);
                return new BigDecimal(new BigInteger(bytes(value)), scale);
            }
        }
        if ("io.debezium.data.VariableScaleDecimal".equals(name) && value.isObject()) {
            return new BigDecimal(
                    new BigInteger(bytes(value.path("value"))), value.path("scale").asInt());
        }
        if (value.isArray()) {
            return value;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static Object timestamp(long n, long perSecond, long nanosPerUnit) {
        if (n == PLUS_INFINITY) {
            return "infinity";
        }
        if (n == MINUS_INFINITY) {
            return "-infinity";
        }
        long seconds = Math.floorDiv(n, perSecond);
        long nanos = Math.floorMod(n, perSecond) * nanosPerUnit;
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return node.isBinary() ? node.binaryValue() : Base64.getDecoder().decode(node.asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
