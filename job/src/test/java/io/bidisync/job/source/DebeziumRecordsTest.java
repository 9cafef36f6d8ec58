package io.bidisync.job.source;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CDC source decodes Debezium's records directly; a Debezium topic's messages are the same
 * records written as JSON. Both must give every column the same value, or one system's rows would
 * differ depending on how the job reads them. Each case here is a record read both ways: directly,
 * and through Kafka Connect's JSON converter with schemas (what the CDC source used to send).
 */
class DebeziumRecordsTest {
    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

    /** Debezium's placeholder for an unchanged TOASTed value, as a bytes column's Base64. */
    private static final String UNAVAILABLE_BASE64 =
            java.util.Base64.getEncoder().encodeToString(RecordChange.UNAVAILABLE.getBytes(UTF8));

    private static final Schema VARIABLE_SCALE_DECIMAL =
            SchemaBuilder.struct()
                    .name("io.debezium.data.VariableScaleDecimal")
                    .field("scale", Schema.INT32_SCHEMA)
                    .field("value", Schema.BYTES_SCHEMA)
                    .optional()
                    .build();

    private static final Schema GEOMETRY =
            SchemaBuilder.struct()
                    .name("io.debezium.data.geometry.Geometry")
                    .field("wkb", Schema.BYTES_SCHEMA)
                    .field("srid", Schema.OPTIONAL_INT32_SCHEMA)
                    .optional()
                    .build();

    private static final Schema ROW =
            SchemaBuilder.struct()
                    .name("crm.public.client.Value")
                    .field("id", Schema.INT32_SCHEMA)
                    .field("big", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("small", Schema.OPTIONAL_INT16_SCHEMA)
                    .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("active", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                    .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
                    .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
                    .field("photo", Schema.OPTIONAL_BYTES_SCHEMA)
                    .field("born", optional(Schema.INT32_SCHEMA, "io.debezium.time.Date"))
                    .field("seen", optional(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"))
                    .field("opens", optional(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime"))
                    .field("paid", optional(Schema.INT64_SCHEMA, "io.debezium.time.Timestamp"))
                    .field("lasts", optional(Schema.INT64_SCHEMA, "io.debezium.time.MicroDuration"))
                    .field("at", optional(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"))
                    .field("doc", optional(Schema.STRING_SCHEMA, "io.debezium.data.Json"))
                    .field("price", Decimal.builder(2).optional().build())
                    .field("amount", VARIABLE_SCALE_DECIMAL)
                    .field("stamped", Timestamp.builder().optional().build())
                    .field(
                            "connectDay",
                            org.apache.kafka.connect.data.Date.builder().optional().build())
                    .field(
                            "tags",
                            SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
                    .field("codes", SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())
                    .field("place", GEOMETRY)
                    .field("version", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Schema ENVELOPE =
            SchemaBuilder.struct()
                    .name("crm.public.client.Envelope")
                    .field("before", SchemaBuilder.struct().name("b").optional().build())
                    .field("after", optionalRow())
                    .field("source", SOURCE)
                    .field("op", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static Schema optional(Schema type, String name) {
        SchemaBuilder builder =
                type.type() == Schema.Type.INT32
                        ? SchemaBuilder.int32()
                        : type.type() == Schema.Type.INT64
                                ? SchemaBuilder.int64()
                                : SchemaBuilder.string();
        return builder.name(name).optional().build();
    }

    private static Schema optionalRow() {
        SchemaBuilder row = SchemaBuilder.struct().name(ROW.name()).optional();
        ROW.fields().forEach(f -> row.field(f.name(), f.schema()));
        return row.build();
    }

    private static Struct row(Schema schema) {
        Struct amount =
                new Struct(VARIABLE_SCALE_DECIMAL)
                        .put("scale", 3)
                        .put("value", new BigDecimal("-12.345").unscaledValue().toByteArray());
        Struct place =
                new Struct(GEOMETRY).put("wkb", new byte[] {1, 1, 0, 0, 0}).put("srid", 4326);
        return new Struct(schema)
                .put("id", 3)
                .put("big", 9_007_199_254_740_993L)
                .put("small", (short) -7)
                .put("name", "Ann \"the\" Ü")
                .put("active", true)
                .put("ratio", 1.1f)
                .put("score", 0.1 + 0.2)
                .put("photo", ByteBuffer.wrap(RecordChange.UNAVAILABLE.getBytes(UTF8)))
                .put("born", -2147472692) // PostgreSQL's infinity, as the connector sends it
                .put("seen", 1_700_000_000_123_456L)
                .put("opens", 8 * 3_600_000_000L + 1)
                .put("paid", -1L)
                .put("lasts", 90_000_000L)
                .put("at", "2026-12-06T10:00:00.5Z")
                .put("doc", "{\"a\": [1, 2]}")
                .put("price", new BigDecimal("1234.50"))
                .put("amount", amount)
                .put("stamped", new java.util.Date(1_700_000_000_123L))
                .put("connectDay", new java.util.Date(-86_400_000L * 3))
                .put("tags", java.util.Arrays.asList("a", null, "c"))
                .put("codes", List.of(1, 2, 3))
                .put("place", place)
                .put("version", 42L);
    }

    private static Struct envelope(Struct after) {
        Struct source =
                new Struct(SOURCE)
                        .put("ts_ms", 1_700_000_000_000L)
                        .put("schema", "public")
                        .put("table", "client")
                        .put("txId", 777L);
        return new Struct(ENVELOPE)
                .put("after", after)
                .put("source", source)
                .put("op", "u")
                .put("ts_ms", 1_700_000_000_100L);
    }

    /** The same record as the CDC source used to send it: JSON with the event's schema. */
    private static SourceEvent throughJson(Struct envelope) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", true), false);
        byte[] json = converter.fromConnectData("crm", envelope.schema(), envelope);
        return DebeziumJson.read(new String(json, UTF8));
    }

    @Test
    void everyColumnReadsTheSameDirectlyAndThroughJson() {
        Struct envelope = envelope(row(optionalRow()));

        SourceEvent direct = DebeziumRecords.read(envelope);
        SourceEvent json = throughJson(envelope);

        assertThat(direct.kind()).isEqualTo(SourceEvent.Kind.CHANGE);
        assertThat(List.of(direct.schema(), direct.table(), direct.op(), direct.transaction()))
                .isEqualTo(List.of(json.schema(), json.table(), json.op(), json.transaction()))
                .isEqualTo(List.of("public", "client", "u", "777"));
        assertThat(direct.sourceMillis())
                .isEqualTo(json.sourceMillis())
                .isEqualTo(1_700_000_000_000L);
        assertThat(direct.before()).isNull();
        assertThat(json.before()).isNull();
        RowImage a = direct.after();
        RowImage b = json.after();
        assertThat(a.size()).isEqualTo(b.size()).isEqualTo(ROW.fields().size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.column(i)).isEqualTo(b.column(i));
            assertThat(a.value(i)).as(a.column(i)).isEqualTo(b.value(i));
        }
        // And what the values are, so that both agreeing on a wrong one would fail too.
        assertThat(a.text("born")).isEqualTo("infinity");
        assertThat(a.text("seen")).isEqualTo("2023-11-14T22:13:20.123456");
        assertThat(a.text("amount")).isEqualTo("-12.345");
        assertThat(a.text("ratio")).isEqualTo("1.1");
        assertThat(a.text("photo")).isEqualTo(UNAVAILABLE_BASE64);
        assertThat(a.text("connectDay")).isEqualTo("1969-12-29");
        assertThat(a.text("tags")).isEqualTo("[\"a\",null,\"c\"]");
    }

    @Test
    void nullColumnsAndADeleteReadTheSame() {
        Struct before = new Struct(optionalRow()).put("id", 5);
        Schema deleteEnvelope =
                SchemaBuilder.struct()
                        .field("before", optionalRow())
                        .field("after", optionalRow())
                        .field("source", SOURCE)
                        .field("op", Schema.STRING_SCHEMA)
                        .build();
        Struct envelope =
                new Struct(deleteEnvelope)
                        .put("before", before)
                        .put(
                                "source",
                                new Struct(SOURCE)
                                        .put("ts_ms", 5L)
                                        .put("schema", "public")
                                        .put("table", "client"))
                        .put("op", "d");

        SourceEvent direct = DebeziumRecords.read(envelope);
        SourceEvent json = throughJson(envelope);

        assertThat(direct.after()).isNull();
        assertThat(json.after()).isNull();
        assertThat(direct.transaction()).isNull();
        assertThat(json.transaction()).isNull();
        for (int i = 0; i < direct.before().size(); i++) {
            assertThat(direct.before().value(i)).isEqualTo(json.before().value(i));
        }
        assertThat(direct.before().text("id")).isEqualTo("5");
        assertThat(direct.before().text("name")).isNull();
    }

    @Test
    void aHeartbeatCarriesItsTime() {
        Schema heartbeat =
                SchemaBuilder.struct()
                        .name("io.debezium.connector.common.Heartbeat")
                        .field("ts_ms", Schema.INT64_SCHEMA)
                        .build();
        Struct value = new Struct(heartbeat).put("ts_ms", 123L);

        SourceEvent direct = DebeziumRecords.read(value);

        assertThat(direct.kind()).isEqualTo(SourceEvent.Kind.HEARTBEAT);
        assertThat(direct.sourceMillis()).isEqualTo(123L);
        assertThat(throughJson(value).kind()).isEqualTo(SourceEvent.Kind.HEARTBEAT);
    }

    @Test
    void anEventSurvivesTheNetworkAsItWas() throws Exception {
        SourceEvent event = DebeziumRecords.read(envelope(row(optionalRow())));
        var out = new org.apache.flink.core.memory.DataOutputSerializer(256);
        SourceEventSerializer.INSTANCE.serialize(event, out);
        SourceEvent back =
                SourceEventSerializer.INSTANCE.deserialize(
                        new org.apache.flink.core.memory.DataInputDeserializer(
                                out.getCopyOfBuffer()));

        assertThat(back.text()).isEqualTo(event.text());
        for (int i = 0; i < event.after().size(); i++) {
            assertThat(back.after().value(i)).isEqualTo(event.after().value(i));
        }
    }
}
