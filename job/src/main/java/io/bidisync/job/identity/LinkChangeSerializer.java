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

/** The identity stage's output, sent to the golden stage. */
public final class LinkChangeSerializer extends ValueSerializer<LinkChange> {
    private static final long serialVersionUID = 1L;

    public static final LinkChangeSerializer INSTANCE = new LinkChangeSerializer();

    private static final LinkChange.Kind[] KINDS = LinkChange.Kind.values();
    private static final LinkChange.Origin[] ORIGINS = LinkChange.Origin.values();

    @Override
    public void serialize(LinkChange c, DataOutputView out) throws IOException {
        writeString(c.matchKey(), out);
        out.writeByte(c.kind().ordinal());
        writeString(c.system(), out);
        writeString(c.localId(), out);
        writeNullableLong(c.version(), out);
        out.writeLong(c.eventTime());
        writeStrings(c.values(), out);
        writeLongs(c.changedAt(), out);
        out.writeByte(c.origin().ordinal());
    }

    @Override
    public LinkChange deserialize(DataInputView in) throws IOException {
        return new LinkChange(
                readString(in),
                KINDS[in.readByte()],
                readString(in),
                readString(in),
                readNullableLong(in),
                in.readLong(),
                readStrings(in),
                readLongs(in),
                ORIGINS[in.readByte()]);
    }

    @Override
    public TypeSerializerSnapshot<LinkChange> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format's version in savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LinkChange> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link LinkChange}'s {@code @TypeInfo}. */
    public static final class Factory extends ValueTypeInfo.Factory<LinkChange> {
        public Factory() {
            super(LinkChange.class, INSTANCE);
        }
    }
}
