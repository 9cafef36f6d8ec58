package io.bidisync.job.source;

import io.bidisync.udfs.types.ValueType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium's encodings of typed columns, read by the field's schema, come out as the value they
 * stand for: the canonical form of the attribute's type is the same as from the database itself.
 */
class DebeziumValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String canonical(ValueType type, String value, String schema) throws Exception {
        JsonNode v = JSON.readTree(value);
        JsonNode s = schema == null ? null : JSON.readTree(schema);
        return type.canonical(DebeziumValues.decode(v, s));
    }

    private static String named(String type, String name) {
        return "{\"type\":\"" + type + "\",\"name\":\"" + name + "\"}";
    }

    @Test
    void datesAndTimesFromTheirNumericEncodings() throws Exception {
        assertThat(canonical(ValueType.DATE, "19782", named("int32", "io.debezium.time.Date")))
                .isEqualTo("2024-02-29");
        assertThat(canonical(ValueType.DATE, "-1", named("int32", "io.debezium.time.Date")))
                .isEqualTo("1969-12-31");
        assertThat(
                        canonical(
                                ValueType.TIME,
                                "36930500000",
                                named("int64", "io.debezium.time.MicroTime")))
                .isEqualTo("10:15:30.5");
        assertThat(canonical(ValueType.TIME, "36930500", named("int32", "io.debezium.time.Time")))
                .isEqualTo("10:15:30.5");
        assertThat(
                        canonical(
                                ValueType.TIMESTAMP,
                                "1704164645123456",
                                named("int64", "io.debezium.time.MicroTimestamp")))
                .isEqualTo("2024-01-02T03:04:05.123456");
        assertThat(
                        canonical(
                                ValueType.TIMESTAMP,
                                "1704164645123",
                                named("int64", "io.debezium.time.Timestamp")))
                .isEqualTo("2024-01-02T03:04:05.123");
        assertThat(
                        canonical(
                                ValueType.TIMESTAMP,
                                "-1",
                                named("int64", "io.debezium.time.MicroTimestamp")))
                .isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(
                        canonical(
                                ValueType.TIMESTAMPTZ,
                                "\"2024-01-02T05:04:05.000001+02:00\"",
                                named("string", "io.debezium.time.ZonedTimestamp")))
                .isEqualTo("2024-01-02T03:04:05.000001Z");
        assertThat(
                        canonical(
                                ValueType.TIMESTAMP,
                                "9223372036825200000",
                                named("int64", "io.debezium.time.MicroTimestamp")))
                .isEqualTo("infinity");
        for (String days : new String[] {"-2147472692", "-622191234"}) {
            assertThat(canonical(ValueType.DATE, days, named("int32", "io.debezium.time.Date")))
                    .isEqualTo("infinity");
        }
        for (String days : new String[] {"-2147472691", "-625821272"}) {
            assertThat(canonical(ValueType.DATE, days, named("int32", "io.debezium.time.Date")))
                    .isEqualTo("-infinity");
        }
    }

    @Test
    void decimalsFromBytesAndFromText() throws Exception {
        // 1250 unscaled at scale 2: 0x04E2
        assertThat(
                        canonical(
                                ValueType.DECIMAL,
                                "\"BOI=\"",
                                "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                                        + "\"parameters\":{\"scale\":\"2\"}}"))
                .isEqualTo("12.5");
        assertThat(
                        canonical(
                                ValueType.DECIMAL,
                                "{\"scale\":3,\"value\":\"MDk=\"}",
                                named("struct", "io.debezium.data.VariableScaleDecimal")))
                .isEqualTo("12.345");
        assertThat(canonical(ValueType.DECIMAL, "\"12.500\"", "{\"type\":\"string\"}"))
                .isEqualTo("12.5");
    }

    @Test
    void otherValuesAsTheyCome() throws Exception {
        assertThat(canonical(ValueType.BOOLEAN, "true", "{\"type\":\"boolean\"}"))
                .isEqualTo("true");
        assertThat(canonical(ValueType.BOOLEAN, "1", "{\"type\":\"int16\"}")).isEqualTo("true");
        assertThat(canonical(ValueType.BYTES, "\"AAH/\"", "{\"type\":\"bytes\"}"))
                .isEqualTo("AAH/");
        assertThat(
                        canonical(
                                ValueType.TEXT_ARRAY,
                                "[\"a\",null]",
                                "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"))
                .isEqualTo("[\"a\",null]");
        assertThat(
                        canonical(
                                ValueType.JSON,
                                "\"{\\\"b\\\": 1, \\\"a\\\": 2}\"",
                                named("string", "io.debezium.data.Json")))
                .isEqualTo("{\"a\":2,\"b\":1}");
        assertThat(
                        canonical(
                                ValueType.INTERVAL,
                                "\"P1Y2M3DT4H5M6.5S\"",
                                named("string", "io.debezium.time.Interval")))
                .isEqualTo("P1Y2M3DT4H5M6.5S");
        assertThat(canonical(ValueType.TEXT, "\" a \"", null)).isEqualTo(" a ");
        assertThat(canonical(ValueType.TEXT, "null", "{\"type\":\"string\"}")).isNull();
    }
}
