package io.bidisync.job.source;

import io.bidisync.job.serialization.ValueSerializer;
import io.bidisync.job.serialization.ValueTypeInfo;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

import static io.bidisync.job.serialization.Fields.readLength;
import static io.bidisync.job.serialization.Fields.readString;
import static io.bidisync.job.serialization.Fields.writeLength;
import static io.bidisync.job.serialization.Fields.writeString;

/**
 * A source event, where it crosses from a system's source to its parsers through the network (the
 * two are chained, so usually it does not: immutable, it is then handed over as it is).
 */
public final class SourceEventSerializer extends ValueSerializer<SourceEvent> {
    private static final long serialVersionUID = 1L;

    public static final SourceEventSerializer INSTANCE = new SourceEventSerializer();

    private static final SourceEvent.Kind[] KINDS = SourceEvent.Kind.values();

    private static final ObjectMapper JSON = new ObjectMapper();

    // One tag per kind of column value a row image holds.
    private static final int NULL = 0;
    private static final int TEXT = 1;
    private static final int DATE = 2;
    private static final int TIME = 3;
    private static final int TIMESTAMP = 4;
    private static final int DECIMAL = 5;
    private static final int DURATION = 6;
    private static final int JSON_NODE = 7;

    @Override
    public void serialize(SourceEvent e, DataOutputView out) throws IOException {
        out.writeByte(e.kind().ordinal());
        writeString(e.schema(), out);
        writeString(e.table(), out);
        writeString(e.op(), out);
        out.writeLong(e.sourceMillis());
        writeString(e.transaction(), out);
        writeImage(e.before(), out);
        writeImage(e.after(), out);
        writeString(e.problem(), out);
        writeString(e.kind() == SourceEvent.Kind.UNREADABLE ? e.text() : null, out);
    }

    @Override
    public SourceEvent deserialize(DataInputView in) throws IOException {
        return new SourceEvent(
                KINDS[in.readByte()],
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                readImage(in),
                readImage(in),
                readString(in),
                readString(in));
    }

    private static void writeImage(RowImage image, DataOutputView out) throws IOException {
        writeLength(image == null ? -1 : image.size(), out);
        if (image == null) {
            return;
        }
        for (int i = 0; i < image.size(); i++) {
            writeString(image.column(i), out);
            writeValue(image.value(i), out);
        }
    }

    private static RowImage readImage(DataInputView in) throws IOException {
        int size = readLength(in);
        if (size < 0) {
            return null;
        }
        String[] columns = new String[size];
        Object[] values = new Object[size];
        for (int i = 0; i < size; i++) {
            columns[i] = readString(in);
            values[i] = readValue(in);
        }
        return new RowImage(columns, values);
    }

    private static void writeValue(Object value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String text) {
            out.writeByte(TEXT);
            writeString(text, out);
        } else if (value instanceof LocalDate date) {
            out.writeByte(DATE);
            out.writeLong(date.toEpochDay());
        } else if (value instanceof LocalTime time) {
            out.writeByte(TIME);
            out.writeLong(time.toNanoOfDay());
        } else if (value instanceof LocalDateTime timestamp) {
            out.writeByte(TIMESTAMP);
            out.writeLong(timestamp.toEpochSecond(ZoneOffset.UTC));
            out.writeInt(timestamp.getNano());
        } else if (value instanceof BigDecimal decimal) {
            out.writeByte(DECIMAL);
            writeString(decimal.toString(), out);
        } else if (value instanceof Duration duration) {
            out.writeByte(DURATION);
            out.writeLong(duration.getSeconds());
            out.writeInt(duration.getNano());
        } else if (value instanceof JsonNode node) {
            out.writeByte(JSON_NODE);
            writeString(node.toString(), out);
        } else {
            throw new IllegalStateException("a row image holds a " + value.getClass().getName());
        }
    }

    private static Object readValue(DataInputView in) throws IOException {
        int tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case TEXT -> readString(in);
            case DATE -> LocalDate.ofEpochDay(in.readLong());
            case TIME -> LocalTime.ofNanoOfDay(in.readLong());
            case TIMESTAMP ->
                    LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
            case DECIMAL -> new BigDecimal(readString(in));
            case DURATION -> Duration.ofSeconds(in.readLong(), in.readInt());
            case JSON_NODE -> JSON.readTree(readString(in));
            default -> throw new IOException("unknown row image value tag " + tag);
        };
    }

    @Override
    public TypeSerializerSnapshot<SourceEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format's version in savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SourceEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link SourceEvent}'s {@code @TypeInfo}. */
    public static final class Factory extends ValueTypeInfo.Factory<SourceEvent> {
        public Factory() {
            super(SourceEvent.class, INSTANCE);
        }
    }
}
