package io.bidisync.job.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonConverter JSON_CONVERTER = new JsonConverter();

    static {
        JSON_CONVERTER.configure(Map.of("schemas.enable", false), false);
    }

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
            Object temporal = temporal(name, value.asLong());
            if (temporal != null) {
                return temporal;
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

    /**
     * The value of one field of Debezium's record, as {@link #decode(JsonNode, JsonNode)} reads the
     * same field from the record's JSON: the same Java values and the same texts (bytes in Base64,
     * a number as JSON writes it, an array as the {@code JsonNode} of its JSON, a structure as its
     * JSON text), so both sources give every attribute the same canonical value.
     *
     * @param value the field's value in the record's {@link Struct}
     * @param schema the field's schema
     */
    static Object decode(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            return text;
        }
        String name = schema.name();
        if (name != null) {
            if (value instanceof Integer || value instanceof Long) {
                Object temporal = temporal(name, ((Number) value).longValue());
                if (temporal != null) {
                    return temporal;
                }
            } else if (value instanceof java.util.Date date) {
                // Kafka Connect's own logical types (time.precision.mode=connect).
                Object temporal = temporal(name, connectUnits(name, date.getTime()));
                if (temporal != null) {
                    return temporal;
                }
            } else if (value instanceof BigDecimal decimal) {
                return decimal;
            } else if (value instanceof Struct struct
                    && name.equals("io.debezium.data.VariableScaleDecimal")) {
                return new BigDecimal(
                        new BigInteger(rawBytes(struct.get("value"))), struct.getInt32("scale"));
            }
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return Base64.getEncoder().encodeToString(rawBytes(value));
        }
        if (value instanceof Float f) {
            // JSON writes a float's shortest text, and reads it back as a double.
            return Double.toString(Double.parseDouble(f.toString()));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        // Arrays, maps, structures: rare; through JSON, exactly as the JSON path reads them.
        JsonNode json = json(value, schema);
        return json.isArray() ? json : json.toString();
    }

    /** A Kafka Connect logical value as the unit its JSON form has: days, or milliseconds. */
    private static long connectUnits(String name, long millis) {
        return name.equals("org.apache.kafka.connect.data.Date")
                ? Math.floorDiv(millis, 86_400_000L)
                : millis;
    }

    /** A temporal logical type's value; null for another type. */
    private static Object temporal(String name, long n) {
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
                // Debezium counts a month as 30 days here; interval.handling.mode=string is exact.
                return Duration.ofNanos(n * 1_000L);
            default:
                return null;
        }
    }

    /** A field's value as Kafka Connect's JSON converter writes it (without schemas). */
    private static JsonNode json(Object value, Schema schema) {
        byte[] written = JSON_CONVERTER.fromConnectData("", schema, value);
        try {
            return JSON.readTree(written);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] rawBytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        return (byte[]) value;
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
