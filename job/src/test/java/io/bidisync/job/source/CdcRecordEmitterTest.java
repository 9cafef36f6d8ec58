package io.bidisync.job.source;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.base.source.meta.split.SnapshotSplit;
import org.apache.flink.cdc.connectors.base.source.meta.split.SnapshotSplitState;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceRecords;
import org.apache.flink.cdc.connectors.base.source.meta.split.StreamSplit;
import org.apache.flink.cdc.connectors.base.source.meta.split.StreamSplitState;
import org.apache.flink.cdc.connectors.base.source.metrics.SourceReaderMetrics;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffset;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.types.logical.RowType;

import io.debezium.relational.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The source's emitter takes row changes first and moves the stream split's offset once per batch:
 * every row change must still be emitted in order, and after each batch the split's offset (what a
 * checkpoint resumes from) must be the last record's that upstream would have left there.
 */
class CdcRecordEmitterTest {
    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("db", Schema.STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Schema ROW =
            SchemaBuilder.struct()
                    .name("crm.public.client.Value")
                    .field("id", Schema.INT32_SCHEMA)
                    .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                    .optional()
                    .build();

    private static final Schema ENVELOPE =
            SchemaBuilder.struct()
                    .name("crm.public.client.Envelope")
                    .field("before", ROW)
                    .field("after", ROW)
                    .field("source", SOURCE)
                    .field("op", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Schema KEY =
            SchemaBuilder.struct()
                    .name("crm.public.client.Key")
                    .field("id", Schema.INT32_SCHEMA)
                    .build();

    private static final Schema HEARTBEAT_KEY =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.common.ServerNameKey")
                    .field("serverName", Schema.STRING_SCHEMA)
                    .build();

    private static final Schema HEARTBEAT =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.common.Heartbeat")
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .build();

    private final CdcRecordEmitter<SourceEvent> emitter =
            new CdcRecordEmitter<>(
                    new DebeziumRecords(),
                    new SourceReaderMetrics(
                            UnregisteredMetricsGroup.createSourceReaderMetricGroup()),
                    false,
                    new PostgresOffsetFactory());

    private final StreamSplitState stream =
            new StreamSplitState(
                    new StreamSplit(
                            "stream-split",
                            PostgresOffset.of(Map.of("lsn", 100L)),
                            PostgresOffset.NO_STOPPING_OFFSET,
                            List.of(),
                            Map.of(),
                            0));

    private final Collected out = new Collected();

    @Test
    void rowChangesAreEmittedInOrderAndTheOffsetIsTheLastOnes() throws Exception {
        emitter.emitRecord(
                new SourceRecords(List.of(rowChange(200L, "Ann"), rowChange(250L, "Bo"))),
                out,
                stream);

        assertThat(out.events)
                .extracting(
                        SourceEvent::kind, e -> e.table(), e -> e.op(), e -> e.after().text("name"))
                .containsExactly(
                        tuple(SourceEvent.Kind.CHANGE, "client", "u", "Ann"),
                        tuple(SourceEvent.Kind.CHANGE, "client", "u", "Bo"));
        assertThat(lsn()).isEqualTo(250L);
    }

    @Test
    void aHeartbeatAfterRowChangesLeavesItsOwnOffsetAndNoEvent() throws Exception {
        emitter.emitRecord(
                new SourceRecords(List.of(rowChange(200L, "Ann"), heartbeat(300L))), out, stream);

        assertThat(out.events).hasSize(1);
        assertThat(lsn()).isEqualTo(300L);
    }

    @Test
    void rowChangesAfterAHeartbeatMoveTheOffsetPastIt() throws Exception {
        emitter.emitRecord(
                new SourceRecords(
                        List.of(rowChange(200L, "Ann"), heartbeat(300L), rowChange(350L, "Bo"))),
                out,
                stream);

        assertThat(out.events).hasSize(2);
        assertThat(lsn()).isEqualTo(350L);
    }

    @Test
    void snapshotRowsAreEmittedWithNoStreamOffsetToMove() throws Exception {
        emitter.emitRecord(
                new SourceRecords(List.of(rowChange(200L, "Ann"))),
                out,
                new SnapshotSplitState(
                        new SnapshotSplit(
                                TableId.parse("public.client"),
                                0,
                                new RowType(List.of()),
                                null,
                                null,
                                null,
                                Map.of())));

        assertThat(out.events).hasSize(1);
    }

    private long lsn() {
        return ((PostgresOffset) stream.getStartingOffset()).getLsn().asLong();
    }

    private static SourceRecord heartbeat(long lsn) {
        return new SourceRecord(
                Map.of("server", "crm"),
                Map.of("lsn", lsn),
                "__debezium-heartbeat.crm",
                HEARTBEAT_KEY,
                new Struct(HEARTBEAT_KEY).put("serverName", "crm"),
                HEARTBEAT,
                new Struct(HEARTBEAT).put("ts_ms", 1_700_000_000_000L));
    }

    private static SourceRecord rowChange(long lsn, String name) {
        Struct after = new Struct(ROW).put("id", 1).put("name", name);
        Struct source =
                new Struct(SOURCE)
                        .put("ts_ms", 1_700_000_000_000L)
                        .put("db", "crm")
                        .put("schema", "public")
                        .put("table", "client")
                        .put("txId", 7L);
        Struct envelope =
                new Struct(ENVELOPE)
                        .put("after", after)
                        .put("source", source)
                        .put("op", "u")
                        .put("ts_ms", 1_700_000_000_100L);
        return new SourceRecord(
                Map.of("server", "crm"),
                Map.of("lsn", lsn, "txId", 7L),
                "crm.public.client",
                KEY,
                new Struct(KEY).put("id", 1),
                ENVELOPE,
                envelope);
    }

    /** What the emitter hands the source operator. */
    private static final class Collected implements SourceOutput<SourceEvent> {
        final List<SourceEvent> events = new ArrayList<>();

        @Override
        public void collect(SourceEvent record) {
            events.add(record);
        }

        @Override
        public void collect(SourceEvent record, long timestamp) {
            events.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
