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
import java.util.Set;

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
     * How the connector writes {@code infinity} and {@code -infinity} in a date column: in a
     * change, PostgreSQL's own infinite days (the ends of a 32-bit count of days since 2000) moved
     * to 1970 and cut to 32 bits; in the initial snapshot, the JDBC driver's infinite dates as days
     * in UTC ({@link JvmTimeZone}), cut to 32 bits. Either is more than a million years away, where
     * no real date is.
     */
    private static final Set<Long> PLUS_INFINITY_DAYS = Set.of(-2147472692L, -622191234L);

    private static final Set<Long> MINUS_INFINITY_DAYS = Set.of(-2147472691L, -625821272L);

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
                    if (PLUS_INFINITY_DAYS.contains(n)) {
                        return "infinity";
                    }
                    return MINUS_INFINITY_DAYS.contains(n) ? "-infinity" : LocalDate.ofEpochDay(n);
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
        // The connector's infinity in microseconds, scaled to the column's unit.
        long scale = 1_000_000L / Math.min(perSecond, 1_000_000L);
        if (perSecond <= 1_000_000L && n == PLUS_INFINITY / scale) {
            return "infinity";
        }
        if (perSecond <= 1_000_000L && n == MINUS_INFINITY / scale) {
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
