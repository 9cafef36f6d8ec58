package io.bidisync.job.golden;

import io.bidisync.job.serialization.ValueSerializer;
import io.bidisync.job.serialization.ValueTypeInfo;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

import static io.bidisync.job.serialization.Fields.readLength;
import static io.bidisync.job.serialization.Fields.readLongs;
import static io.bidisync.job.serialization.Fields.readNullableLong;
import static io.bidisync.job.serialization.Fields.readString;
import static io.bidisync.job.serialization.Fields.readStrings;
import static io.bidisync.job.serialization.Fields.writeLength;
import static io.bidisync.job.serialization.Fields.writeLongs;
import static io.bidisync.job.serialization.Fields.writeNullableLong;
import static io.bidisync.job.serialization.Fields.writeString;
import static io.bidisync.job.serialization.Fields.writeStrings;

/** The golden stage's state of one golden record, as read and written once per event or timer. */
public final class GoldenStateSerializer extends ValueSerializer<GoldenState> {
    private static final long serialVersionUID = 1L;

    public static final GoldenStateSerializer INSTANCE = new GoldenStateSerializer();

    @Override
    public void serialize(GoldenState s, DataOutputView out) throws IOException {
        writeLength(s.links().length, out);
        for (Link link : s.links()) {
            writeString(link.system(), out);
            writeString(link.localId(), out);
            writeStrings(link.values(), out);
            writeLongs(link.changedAt(), out);
            writeNullableLong(link.version(), out);
            out.writeLong(link.writtenHash());
            writeLongs(link.writtenAt(), out);
            out.writeBoolean(link.writePending());
        }
        writeStrings(s.targetSystems(), out);
        for (TargetState t : s.targets()) {
            out.writeLong(t.pendingInsertAt());
            out.writeLong(t.insertedHash());
            writeLongs(t.insertedAt(), out);
            out.writeBoolean(t.left());
            writeLength(t.attempts(), out);
            out.writeBoolean(t.held());
            out.writeBoolean(t.refused());
            out.writeLong(t.refusedHash());
        }
        GoldenStatus status = s.status();
        out.writeBoolean(status != null);
        if (status != null) {
            out.writeLong(status.firstPending());
            out.writeLong(status.pendingUntil());
            out.writeBoolean(status.deleteRequested());
        }
        writeNullableLong(s.keptUntil(), out);
        LoopGuard guard = s.loopGuard();
        out.writeBoolean(guard != null);
        if (guard != null) {
            out.writeInt(guard.writes());
            out.writeLong(guard.since());
            out.writeLong(guard.frozenUntil());
            writeStrings(guard.history(), out);
        }
        writeNullableLong(s.published(), out);
    }

    @Override
    public GoldenState deserialize(DataInputView in) throws IOException {
        Link[] links = new Link[readLength(in)];
        for (int i = 0; i < links.length; i++) {
            links[i] =
                    new Link(
                            readString(in),
                            readString(in),
                            readStrings(in),
                            readLongs(in),
                            readNullableLong(in),
                            in.readLong(),
                            readLongs(in),
                            in.readBoolean());
        }
        String[] targetSystems = readStrings(in);
        TargetState[] targets = new TargetState[targetSystems.length];
        for (int i = 0; i < targets.length; i++) {
            targets[i] =
                    new TargetState(
                            in.readLong(),
                            in.readLong(),
                            readLongs(in),
                            in.readBoolean(),
                            readLength(in),
                            in.readBoolean(),
                            in.readBoolean(),
                            in.readLong());
        }
        GoldenStatus status =
                in.readBoolean()
                        ? new GoldenStatus(in.readLong(), in.readLong(), in.readBoolean())
                        : null;
        Long keptUntil = readNullableLong(in);
        LoopGuard guard =
                in.readBoolean()
                        ? new LoopGuard(in.readInt(), in.readLong(), in.readLong(), readStrings(in))
                        : null;
        return new GoldenState(
                links, targetSystems, targets, status, keptUntil, guard, readNullableLong(in));
    }

    @Override
    public TypeSerializerSnapshot<GoldenState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format's version in savepoints. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<GoldenState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link GoldenState}'s {@code @TypeInfo}. */
    public static final class Factory extends ValueTypeInfo.Factory<GoldenState> {
        public Factory() {
            super(GoldenState.class, INSTANCE);
        }
    }
}
