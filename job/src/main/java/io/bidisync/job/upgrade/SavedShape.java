package io.bidisync.job.upgrade;

import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the {@link JobShape} a checkpoint or savepoint carries, before the job is submitted, from
 * the metadata file Flink writes: the shape is a small operator state of the golden stage, and
 * small operator states are stored in that file itself.
 */
public final class SavedShape {
    /**
     * The operator state holding the shape, of the operator with uid {@link #OPERATOR_UID}: every
     * subtask writes one copy.
     */
    public static final String STATE_NAME = "job-shape";

    /**
     * The uid of the golden stage, whose operator state holds the shape (in a job of several entity
     * types, each entity type's golden stage has it with the entity type before it).
     */
    public static final String OPERATOR_UID = "golden-record";

    private SavedShape() {}

    /**
     * The shape {@code pointer} (a savepoint or retained checkpoint directory, or its {@code
     * _metadata} file) carries; {@code null} if it carries none.
     */
    public static JobShape read(String pointer) throws IOException {
        return read(pointer, OPERATOR_UID);
    }

    /** The shape the golden stage with uid {@code uid} saved in {@code pointer}, or null. */
    public static JobShape read(String pointer, String uid) throws IOException {
        CheckpointMetadata metadata;
        try (InputStream in =
                AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(pointer)
                        .getMetadataHandle()
                        .openInputStream()) {
            metadata =
                    Checkpoints.loadCheckpointMetadata(
                            new DataInputStream(in), SavedShape.class.getClassLoader(), pointer);
        }
        OperatorID golden = operatorId(uid);
        for (OperatorState operator : metadata.getOperatorStates()) {
            if (!operator.getOperatorID().equals(golden)) {
                continue;
            }
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                    OperatorStateHandle.StateMetaInfo info =
                            handle.getStateNameToPartitionOffsets().get(STATE_NAME);
                    if (info == null || info.getOffsets().length == 0) {
                        continue;
                    }
                    try (FSDataInputStream in = handle.openInputStream()) {
                        in.seek(info.getOffsets()[0]);
                        return JobShape.fromJson(
                                StringSerializer.INSTANCE.deserialize(
                                        new DataInputViewStreamWrapper(in)));
                    }
                }
            }
        }
        return null;
    }

    /** The id Flink derives from an operator's uid (as its stream graph hasher does). */
    static OperatorID operatorId(String uid) {
        return new OperatorID(
                Hashing.murmur3_128(0)
                        .newHasher()
                        .putString(uid, StandardCharsets.UTF_8)
                        .hash()
                        .asBytes());
    }
}
