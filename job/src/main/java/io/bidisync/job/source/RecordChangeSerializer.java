package io.bidisync.job.source;

import io.bidisync.job.serialization.ValueSerializer;
import io.bidisync.job.serialization.ValueTypeInfo;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

import static io.bidisync.job.serialization.Fields.readLongs;
import static io.bidisync.job.serialization.Fields.readNullableLong;
import static io.bidisync.job.serialization.Fields.readString;
import static io.bidisync.job.serialization.Fields.readStrings;
import static io.bidisync.job.serialization.Fields.writeLongs;
import static io.bidisync.job.serialization.Fields.writeNullableLong;
import static io.bidisync.job.serialization.Fields.writeString;
import static io.bidisync.job.serialization.Fields.writeStrings;

/** A parsed change, sent from a system's source to the identity stage. */
public final class RecordChangeSerializer extends ValueSerializer<RecordChange> {
    private static final long serialVersionUID = 1L;

    public static final RecordChangeSerializer INSTANCE = new RecordChangeSerializer();

    private static final RecordChange.Kind[] KINDS = RecordChange.Kind.values();

    @Override
    public void serialize(RecordChange c, DataOutputView out) throws IOException {
        writeString(c.system(), out);
        out.writeByte(c.kind().ordinal());
        writeString(c.localId(), out);
        writeString(c.matchKey(), out);
        writeNullableLong(c.version(), out);
        out.writeLong(c.eventTime());
        writeStrings(c.values(), out);
        writeLongs(c.writtenAt(), out);
    }

    @Override
    public RecordChange deserialize(DataInputView in) throws IOException {
        return new RecordChange(
                readString(in),
                KINDS[in.readByte()],
                readString(in),
                readString(in),
                readNullableLong(in),
                in.readLong(),
                readStrings(in),
                readLongs(in));
    }

    @Override
    public TypeSerializerSnapshot<RecordChange> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format's version in savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RecordChange> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link RecordChange}'s {@code @TypeInfo}. */
    public static final class Factory extends ValueTypeInfo.Factory<RecordChange> {
        public Factory() {
            super(RecordChange.class, INSTANCE);
        }
    }
}
