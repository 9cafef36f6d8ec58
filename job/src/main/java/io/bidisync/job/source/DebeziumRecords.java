package io.bidisync.job.source;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns the CDC source's Debezium records into {@link SourceEvent}s directly, by their schemas: no
 * JSON text in between (writing each event and its schema as JSON and parsing it again was most of
 * what the job spent per change).
 */
public final class DebeziumRecords implements DebeziumDeserializationSchema<SourceEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(SourceRecord record, Collector<SourceEvent> out) {
        if (record.value() instanceof Struct envelope) {
            out.collect(read(envelope));
        }
        // No value: a tombstone after a delete, for compaction; it carries nothing.
    }

    /** The event of a record's value. */
    static SourceEvent read(Struct envelope) {
        Struct source = struct(envelope, "source");
        String op = text(envelope, "op");
        if (source == null && op == null) {
            Object ts = field(envelope, "ts_ms");
            return ts instanceof Number millis
                    ? SourceEvent.heartbeat(millis.longValue())
                    : SourceEvent.unreadable("not a change event", envelope.toString());
        }
        if (source == null) {
            return SourceEvent.unreadable("no source in the change event", envelope.toString());
        }
        // MySQL has no schemas: its database is what the configuration calls the schema.
        String schema = text(source, "schema");
        Object ts = field(source, "ts_ms");
        return SourceEvent.change(
                schema != null ? schema : text(source, "db"),
                text(source, "table"),
                op == null ? "" : op,
                ts instanceof Number millis ? millis.longValue() : 0,
                transaction(envelope, source),
                image(envelope, "before"),
                image(envelope, "after"));
    }

    /**
     * The id of the transaction: PostgreSQL's {@code txId}, Debezium's transaction metadata, or
     * MySQL's GTID.
     */
    private static String transaction(Struct envelope, Struct source) {
        Object txId = field(source, "txId");
        if (txId != null) {
            return txId.toString();
        }
        Struct metadata = struct(envelope, "transaction");
        if (metadata != null && field(metadata, "id") != null) {
            return field(metadata, "id").toString();
        }
        return text(source, "gtid");
    }

    private static RowImage image(Struct envelope, String name) {
        Struct image = struct(envelope, name);
        return image == null ? null : RowImage.of(image);
    }

    private static Object field(Struct struct, String name) {
        Field field = struct.schema().field(name);
        return field == null ? null : struct.get(field);
    }

    private static Struct struct(Struct struct, String name) {
        return field(struct, name) instanceof Struct inner ? inner : null;
    }

    private static String text(Struct struct, String name) {
        Object value = field(struct, name);
        return value == null ? null : value.toString();
    }

    @Override
    public TypeInformation<SourceEvent> getProducedType() {
        return TypeInformation.of(SourceEvent.class);
    }
}
