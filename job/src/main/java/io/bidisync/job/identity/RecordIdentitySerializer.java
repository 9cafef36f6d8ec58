package io.bidisync.job.identity;

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

/** The identity stage's state of one source record. */
public final class RecordIdentitySerializer extends ValueSerializer<RecordIdentity> {
    private static final long serialVersionUID = 1L;

    public static final RecordIdentitySerializer INSTANCE = new RecordIdentitySerializer();

    @Override
    public void serialize(RecordIdentity r, DataOutputView out) throws IOException {
        writeString(r.matchKey(), out);
        writeNullableLong(r.version(), out);
        writeStrings(r.values(), out);
        writeLongs(r.changedAt(), out);
        out.writeLong(r.readAt());
    }

    @Override
    public RecordIdentity deserialize(DataInputView in) throws IOException {
        return new RecordIdentity(
                readString(in),
                readNullableLong(in),
                readStrings(in),
                readLongs(in),
                in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<RecordIdentity> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format's version in savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RecordIdentity> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link RecordIdentity}'s {@code @TypeInfo}. */
    public static final class Factory extends ValueTypeInfo.Factory<RecordIdentity> {
        public Factory() {
            super(RecordIdentity.class, INSTANCE);
        }
    }
}
