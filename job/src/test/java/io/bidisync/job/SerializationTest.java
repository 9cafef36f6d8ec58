package io.bidisync.job;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.GoldenState;
import io.bidisync.job.golden.GoldenStatus;
import io.bidisync.job.golden.Link;
import io.bidisync.job.golden.LoopGuard;
import io.bidisync.job.golden.TargetState;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.identity.RecordIdentity;
import io.bidisync.job.serialization.ValueSerializer;
import io.bidisync.job.serialization.ValueTypeInfo;
import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every event and state type is serialised by Flink's own POJO serializer or, on the per-event
 * path, by a serializer of its own named with {@code @TypeInfo} — never by a silent Kryo fallback:
 * the job runs with generic types disabled, and this test proves why that is safe.
 */
class SerializationTest {

    static Stream<Object> samples() {
        return Stream.of(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.UPSERT,
                        "1",
                        "a@x.no",
                        3L,
                        10L,
                        new String[] {"a@x.no", null},
                        new long[] {7L, 0L}),
                new RecordChange(
                        "crm",
                        RecordChange.Kind.HEARTBEAT,
                        null,
                        null,
                        null,
                        10L,
                        new String[0],
                        new long[0]),
                new LinkChange(
                        "a@x.no",
                        LinkChange.Kind.UPSERT,
                        "crm",
                        "1",
                        null,
                        10L,
                        new String[] {"a@x.no"},
                        new long[] {10L},
                        LinkChange.Origin.RESTATED),
                new RecordIdentity(
                        "a@x.no", null, new String[] {"a@x.no", null}, new long[] {0L, 3L}, 0L),
                new RecordIdentity("a@x.no", 7L, null, null, 1_700L),
                new Link(
                        "crm",
                        "1",
                        new String[] {"a", null},
                        new long[] {0, 5},
                        7L,
                        -3L,
                        new long[] {4, 4},
                        true),
                new TargetState(TargetState.NONE, 0L, new long[0], true, 0, false, true, -8L),
                new GoldenStatus(1L, 5L, false),
                new GoldenState(
                        new Link[] {
                            new Link(
                                    "crm",
                                    "1",
                                    new String[] {"a", null},
                                    new long[] {0, 5},
                                    null,
                                    0L,
                                    new long[0],
                                    false)
                        },
                        new String[] {"erp"},
                        new TargetState[] {
                            new TargetState(4L, 9L, new long[] {4L}, false, 2, true, false, 0L)
                        },
                        null,
                        12L,
                        null,
                        -5L),
                new GoldenState(
                        new Link[] {
                            new Link(
                                    "crm",
                                    "1",
                                    new String[] {"Åse Ødegård", ""},
                                    new long[] {0, 5},
                                    3L,
                                    -9L,
                                    new long[] {1, 2},
                                    true),
                            new Link(
                                    "erp",
                                    "x".repeat(300),
                                    new String[0],
                                    new long[0],
                                    null,
                                    0L,
                                    new long[0],
                                    false)
                        },
                        new String[0],
                        new TargetState[0],
                        new GoldenStatus(1L, 5L, true),
                        null,
                        new LoopGuard(2, 3L, 4L, new String[] {"a", null}),
                        null),
                new GoldenRecord(
                        "a@x.no", false, new String[] {"a@x.no", null}, new String[] {"crm/1"}, 9L),
                GoldenRecord.gone("a@x.no", 10L),
                new LoopGuard(3, 10L, TargetState.NONE, new String[] {"10 UPDATE erp/7 [a]"}),
                new WriteIntent(
                        "erp",
                        WriteIntent.Operation.UPDATE,
                        "a@x.no",
                        "7",
                        null,
                        new String[] {"x"},
                        new String[] {"y"},
                        new long[] {3L},
                        9L),
                new DeadLetter(1L, "crm", "7", "parse", "bad", "{}"),
                new AuditEntry(9L, "a@x.no", "erp", "7", "conflict", "3", null, "newer", "[x]"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    @SuppressWarnings("unchecked")
    void isAPojoTypeOrHasItsOwnSerializerAndRoundTrips(Object sample) throws Exception {
        TypeInformation<Object> type =
                (TypeInformation<Object>) TypeInformation.of(sample.getClass());
        assertThat(type).isInstanceOfAny(PojoTypeInfo.class, ValueTypeInfo.class);

        ExecutionConfig config = new ExecutionConfig();
        config.getSerializerConfig().setGenericTypes(false);
        TypeSerializer<Object> serializer = type.createSerializer(config.getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(sample, out);
        Object copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(copy).usingRecursiveComparison().isEqualTo(sample);
    }

    /** The per-event types: the golden stage's state and the records between the stages. */
    @ParameterizedTest
    @ValueSource(
            classes = {
                RecordChange.class,
                RecordIdentity.class,
                LinkChange.class,
                GoldenState.class
            })
    void hotTypesHaveTheirOwnSerializerWhichASavepointRestoresUnchanged(Class<?> hot)
            throws Exception {
        TypeSerializer<?> serializer =
                TypeInformation.of(hot)
                        .createSerializer(new ExecutionConfig().getSerializerConfig());
        assertThat(serializer).isInstanceOf(ValueSerializer.class);
        assertRestoresAsIs(serializer);
    }

    private static <T> void assertRestoresAsIs(TypeSerializer<T> serializer) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        SerializationTest.class.getClassLoader());
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(restored)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(restored.restoreSerializer()).isSameAs(serializer);
    }
}
