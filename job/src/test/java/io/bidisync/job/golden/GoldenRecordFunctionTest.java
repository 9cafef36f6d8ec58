package io.bidisync.job.golden;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.testutil.TestConfigs;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class GoldenRecordFunctionTest {
    private static final String ANN = "ann@example.com";
    private static final String BOB = "bob@example.com";

    private SyncConfig config;
    private KeyedOneInputStreamOperatorTestHarness<String, LinkChange, WriteIntent> harness;

    @BeforeEach
    void setUp() throws Exception {
        config = TestConfigs.offline();
        harness = harness(config);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LinkChange, WriteIntent> harness(
            SyncConfig config) throws Exception {
        var h = unopened(config);
        h.open();
        return h;
    }

    /** A harness not opened yet: to restore state into, or to set its clock first. */
    private static KeyedOneInputStreamOperatorTestHarness<String, LinkChange, WriteIntent> unopened(
            SyncConfig config) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new GoldenRecordFunction(config)),
                        LinkChange::matchKey,
                        Types.STRING);
        h.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static LinkChange upsert(
            String key, String system, String id, long version, long time, String... values) {
        long[] changedAt = new long[values.length];
        java.util.Arrays.fill(changedAt, time);
        return new LinkChange(
                key,
                LinkChange.Kind.UPSERT,
                system,
                id,
                version,
                time,
                values,
                changedAt,
                LinkChange.Origin.OUTSIDE);
    }

    private static LinkChange gone(
            String key, LinkChange.Kind kind, String system, String id, long time) {
        return new LinkChange(
                key,
                kind,
                system,
                id,
                null,
                time,
                new String[0],
                new long[0],
                LinkChange.Origin.OUTSIDE);
    }

    private void send(LinkChange change) throws Exception {
        harness.processElement(change, change.eventTime());
    }

    private List<WriteIntent> drain() {
        List<WriteIntent> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void emitsNothingBeforeWatermarkPassesEventTimePlusDelay() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 10_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(10_500);
        harness.processWatermark(10_999);
        assertThat(drain()).isEmpty();

        harness.processWatermark(11_000);
        List<WriteIntent> out = drain();
        assertThat(out)
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.system()).isEqualTo("erp");
                            assertThat(i.operation()).isEqualTo(WriteIntent.Operation.INSERT);
                            assertThat(i.values()).containsExactly(ANN, "Ann", "1", "Oslo");
                        });
    }

    @Test
    void atTheEndOfInputEveryGoldenRecordIsDecidedOnceAndNoInsertIsRetried() throws Exception {
        // Snapshot rows (time 0) from bounded sources, as the plan reads them.
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(BOB, "erp", "7", 1, 0, BOB, "Bob", "2", "Rome"));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(drain())
                .extracting(WriteIntent::system, WriteIntent::operation, WriteIntent::goldenKey)
                .containsExactlyInAnyOrder(
                        tuple("erp", WriteIntent.Operation.INSERT, ANN),
                        tuple("crm", WriteIntent.Operation.INSERT, BOB));
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void afterARestoreNothingIsDecidedUntilTheReplayHasCaughtUp() throws Exception {
        // Checkpoint with Ann from CRM waiting for completeness (due at 2,000).
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        var checkpoint = harness.snapshot(1, 1_000);
        harness.close();

        // Before the crash the job inserted Ann into ERP (row 900) and a user deleted that row.
        // The restored job replays both, at 10,000 on the wall clock.
        harness = unopened(config);
        harness.setProcessingTime(10_000);
        harness.initializeState(checkpoint);
        harness.open();
        harness.processWatermark(2_000);
        assertThat(drain()).as("the decision before the crash is not taken again").isEmpty();
        send(upsert(ANN, "erp", "900", 1, 2_500, ANN, "Ann", "1", "Oslo"));
        send(gone(ANN, LinkChange.Kind.DELETED, "erp", "900", 3_000));
        harness.processWatermark(9_000);
        assertThat(drain()).isEmpty();

        harness.processWatermark(10_000);
        assertThat(drain())
                .as("ERP deleted the row the job inserted: never inserted again")
                .noneMatch(i -> i.operation() == WriteIntent.Operation.INSERT);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anEditTheSnapshotReadWinsOnceTheLogDatesIt() throws Exception {
        // Both rows as the snapshots read them (age 0) at 60,000; ERP's phone "2" is an edit made
        // while the job started, which the snapshot already holds.
        send(snapshotRead(ANN, "crm", "1", 60_000, ANN, "Ann", "1", "Oslo"));
        send(snapshotRead(ANN, "erp", "7", 60_000, ANN, "Ann", "2", "Oslo"));
        harness.processWatermark(60_500);
        assertThat(drain()).as("nothing before the log has caught up with the read").isEmpty();
        // The log delivers the edit (committed at 59,500) with the values the snapshot had; the
        // identity stage dates them all.
        send(
                new LinkChange(
                        ANN,
                        LinkChange.Kind.UPSERT,
                        "erp",
                        "7",
                        2L,
                        59_500,
                        new String[] {ANN, "Ann", "2", "Oslo"},
                        new long[] {59_500, 59_500, 59_500, 59_500},
                        LinkChange.Origin.RESTATED));
        harness.processWatermark(61_000);
        assertThat(drain())
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.system()).isEqualTo("crm");
                            assertThat(i.values()).containsExactly(ANN, "Ann", "2", "Oslo");
                        });
    }

    private static LinkChange snapshotRead(
            String key, String system, String id, long readAt, String... values) {
        return new LinkChange(
                key,
                LinkChange.Kind.UPSERT,
                system,
                id,
                1L,
                readAt,
                values,
                new long[values.length],
                LinkChange.Origin.OUTSIDE);
    }

    @Test
    void aChangedValueKeepsTheAgeTheIdentityStageGaveIt() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        drain();
        send(upsert(ANN, "erp", "7", 2, 5_000, ANN, "Ann", "1", "Bergen"));
        // The job's own earlier write coming back to CRM when the golden stage no longer knows it
        // wrote it (restored from a checkpoint before the write): committed at 9,000, but the
        // value is from 3,000 at its source — older than ERP's Bergen.
        send(
                new LinkChange(
                        ANN,
                        LinkChange.Kind.UPSERT,
                        "crm",
                        "1",
                        2L,
                        9_000,
                        new String[] {ANN, "Ann", "1", "Molde"},
                        new long[] {1_000, 1_000, 1_000, 3_000},
                        LinkChange.Origin.OUTSIDE));
        harness.processWatermark(11_000);

        assertThat(drain())
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.system()).isEqualTo("crm");
                            assertThat(i.values()[3]).isEqualTo("Bergen");
                        });
    }

    @Test
    void snapshotRowsWaitUntilEverySourceStreams() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", null, "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, " ANN@example.com", "Ann", "555", "Oslo"));
        harness.processWatermark(-1);
        assertThat(drain()).isEmpty();

        harness.processWatermark(1_700_000_000_000L);
        List<WriteIntent> out = drain();
        // Same entity in both systems: no insert anywhere. CRM lacks the phone; ERP's e-mail
        // spelling loses to CRM's (snapshot tie → priority crm).
        assertThat(out).allMatch(i -> i.operation() == WriteIntent.Operation.UPDATE);
        assertThat(out)
                .extracting(WriteIntent::system, WriteIntent::localId, WriteIntent::expectedVersion)
                .containsExactlyInAnyOrder(tuple("crm", "1", 1L), tuple("erp", "7", 1L));
        assertThat(out)
                .allSatisfy(i -> assertThat(i.values()).containsExactly(ANN, "Ann", "555", "Oslo"));
    }

    @Test
    void secondInsertIsNotEmittedWhileTheFirstIsPending() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        assertThat(drain())
                .extracting(WriteIntent::operation)
                .containsExactly(WriteIntent.Operation.INSERT);

        send(upsert(ANN, "crm", "1", 2, 3_000, ANN, "Ann Lee", "1", "Oslo"));
        harness.processWatermark(4_000);
        assertThat(drain()).isEmpty();

        // The inserted row comes back through ERP's CDC: it becomes the link, and the next
        // evaluation updates it instead of inserting again.
        send(upsert(ANN, "erp", "900", 1, 4_500, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(5_500);
        assertThat(drain())
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.operation()).isEqualTo(WriteIntent.Operation.UPDATE);
                            assertThat(i.system()).isEqualTo("erp");
                            assertThat(i.localId()).isEqualTo("900");
                            assertThat(i.values()[1]).isEqualTo("Ann Lee");
                        });
    }

    @Test
    void snapshotInsertIsStampedWithTheWatermarkNotTheSnapshotTime() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        long now = 1_700_000_000_000L;
        harness.processWatermark(now);
        List<WriteIntent> out = drain();
        assertThat(out)
                .extracting(WriteIntent::operation)
                .containsExactly(WriteIntent.Operation.INSERT);
        assertThat(out.get(0).eventTime()).isEqualTo(now);
        // Only the insert's timeout timer is left, and it is five minutes after the watermark.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(now + 299_999);
        assertThat(drain()).isEmpty();
    }

    @Test
    void expiredPendingInsertIsRetriedOnce() throws Exception {
        withShortInsertTimeout();
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        assertThat(drain()).hasSize(1);
        harness.processWatermark(11_999);
        assertThat(drain()).isEmpty();
        harness.processWatermark(12_000);
        assertThat(drain())
                .extracting(WriteIntent::operation)
                .containsExactly(WriteIntent.Operation.INSERT);
    }

    /** CRM and ERP with a 10 s insert timeout. */
    private void withShortInsertTimeout() throws Exception {
        harness.close();
        harness =
                harness(
                        TestConfigs.offline(
                                s ->
                                        s.replace(
                                                "flush-interval: 100ms",
                                                "flush-interval: 100ms\n  insert-timeout: 10s")));
    }

    private static LinkChange notice(LinkChange.Kind kind, String system, long time) {
        return new LinkChange(
                ANN,
                kind,
                system,
                null,
                null,
                time,
                new String[0],
                new long[0],
                LinkChange.Origin.JOB);
    }

    private long insertsOf(List<WriteIntent> writes) {
        return writes.stream().filter(i -> i.operation() == WriteIntent.Operation.INSERT).count();
    }

    @Test
    void anUnconfirmedInsertIsRetriedWithDoublingWaitsThenGivenUpOnce() throws Exception {
        withShortInsertTimeout();
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        assertThat(insertsOf(drain())).isEqualTo(1);
        // Sent at 2,000; again at +10 s, +20 s, +40 s (4 attempts in all), then given up.
        long[] retries = {12_000, 32_000, 72_000};
        for (long at : retries) {
            harness.processWatermark(at - 1);
            assertThat(drain()).isEmpty();
            harness.processWatermark(at);
            assertThat(insertsOf(drain())).as("retry at " + at).isEqualTo(1);
        }
        harness.processWatermark(152_000);
        assertThat(drain()).isEmpty();
        assertThat(harness.getSideOutput(io.bidisync.job.deadletter.DeadLetters.TAG))
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.getValue().reason())
                                        .contains("sent 4 times and never confirmed"));
        harness.processWatermark(10_000_000);
        assertThat(drain()).isEmpty();
        assertThat(harness.getSideOutput(io.bidisync.job.deadletter.DeadLetters.TAG)).hasSize(1);
        assertThat(harness.numEventTimeTimers()).isZero();

        // Other values for ERP: a new insert.
        send(upsert(ANN, "crm", "1", 2, 10_000_100, ANN, "Ann", "2", "Oslo"));
        harness.processWatermark(10_001_100);
        assertThat(insertsOf(drain())).isEqualTo(1);
    }

    @Test
    void anInsertTheBreakerHoldsIsNotSentAgainHoweverLongItWaits() throws Exception {
        withShortInsertTimeout();
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        assertThat(insertsOf(drain())).isEqualTo(1);
        send(notice(LinkChange.Kind.INSERT_HELD, "erp", 4_000));
        harness.processWatermark(10_000_000);
        assertThat(drain()).isEmpty();
        assertThat(harness.getSideOutput(io.bidisync.job.deadletter.DeadLetters.TAG)).isNull();
        assertThat(harness.numEventTimeTimers()).isZero();
        // Released at last: the inserted row comes back and the golden record has it.
        send(upsert(ANN, "erp", "900", 1, 10_000_100, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(10_001_100);
        assertThat(drain()).isEmpty();
    }

    @Test
    void anInsertTheDatabaseRejectedIsNotSentAgainUntilItsValuesChange() throws Exception {
        withShortInsertTimeout();
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        assertThat(insertsOf(drain())).isEqualTo(1);
        send(notice(LinkChange.Kind.INSERT_REJECTED, "erp", 3_000));
        // An outside change that leaves ERP's values as they were: still nothing.
        send(upsert(ANN, "crm", "1", 2, 50_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(10_000_000);
        assertThat(drain()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        send(upsert(ANN, "crm", "1", 3, 10_000_100, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(10_001_100);
        assertThat(insertsOf(drain())).isEqualTo(1);
    }

    @Test
    void echoOfOwnUpdateCausesNoFurtherWrite() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 4, 0, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(10_000);
        assertThat(drain()).isEmpty();

        send(upsert(ANN, "crm", "1", 2, 20_000, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(21_000);
        WriteIntent update = drain().get(0);
        assertThat(update.system()).isEqualTo("erp");
        assertThat(update.expectedVersion()).isEqualTo(4L);

        // ERP upper-cases nothing here: the echo is exactly what we wrote, one version later.
        send(upsert(ANN, "erp", "7", 5, 21_100, ANN, "Ann", "1", "Bergen"));
        // Nothing to decide again: the echo waits for no completeness timer.
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.processWatermark(30_000);
        assertThat(drain()).isEmpty();
        // A person's next change is decided against the echo's version.
        send(upsert(ANN, "crm", "1", 3, 40_000, ANN, "Ann", "1", "Molde"));
        harness.processWatermark(41_000);
        assertThat(drain())
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.system()).isEqualTo("erp");
                            assertThat(i.expectedVersion()).isEqualTo(5L);
                        });
    }

    @Test
    void echoNeverOutranksAChangeSomeoneMade() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "crm", "1", 2, 5_000, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(6_000);
        assertThat(drain()).singleElement().satisfies(i -> assertThat(i.system()).isEqualTo("erp"));

        // A CRM user changes the city again (commit 6000); the echo of our ERP write commits
        // later (6600). If the echo counted as an observation, Bergen would win and the user's
        // change would be lost.
        send(upsert(ANN, "crm", "1", 3, 6_000, ANN, "Ann", "1", "Molde"));
        send(upsert(ANN, "erp", "7", 2, 6_600, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(8_000);
        assertThat(drain())
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.system()).isEqualTo("erp");
                            assertThat(i.expectedVersion()).isEqualTo(2L);
                            assertThat(i.values()[3]).isEqualTo("Molde");
                        });
    }

    @Test
    void keyChangeMovesRecordToAnotherGoldenRecord() throws Exception {
        String bob = "bob@example.com";
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(bob, "erp", "8", 1, 0, bob, "Bob", "2", "Bergen"));
        send(upsert(bob, "crm", "2", 1, 0, bob, "Bob", "2", "Bergen"));
        harness.processWatermark(1_000);
        assertThat(drain()).isEmpty();

        // CRM row 1 changes its e-mail to Bob's: it leaves Ann and joins Bob.
        send(gone(ANN, LinkChange.Kind.MOVED_OUT, "crm", "1", 5_000));
        send(upsert(bob, "crm", "1", 2, 5_000, bob, "Ann", "1", "Oslo"));
        harness.processWatermark(6_000);
        List<WriteIntent> out = drain();
        // Ann is never re-inserted into CRM (the CRM record left); Bob has two CRM rows now and
        // the newer values win everywhere; nothing is inserted.
        assertThat(out).noneMatch(i -> i.operation() == WriteIntent.Operation.INSERT);
        assertThat(out).allMatch(i -> i.goldenKey().equals(bob));
        assertThat(out)
                .extracting(WriteIntent::system, WriteIntent::localId)
                .containsExactlyInAnyOrder(tuple("crm", "2"), tuple("erp", "8"));
        assertThat(out)
                .allSatisfy(i -> assertThat(i.values()).containsExactly(bob, "Ann", "1", "Oslo"));
    }

    @Test
    void aRecordThatChangesItsKeyBringsItsValuesWithTheirRealAges() throws Exception {
        String bob = "bob@example.com";
        send(upsert(bob, "crm", "2", 1, 0, bob, "Bob", "2", "Bergen"));
        send(upsert(bob, "erp", "8", 1, 0, bob, "Bob", "2", "Bergen"));
        harness.processWatermark(1_000);
        // ERP changes Bob's phone at 6000; CRM row 1 (Ann's, phone set at 3000) takes Bob's
        // e-mail at 7000: only its e-mail is new, its phone is older than ERP's.
        send(upsert(bob, "erp", "8", 2, 6_000, bob, "Bob", "66", "Bergen"));
        send(
                new LinkChange(
                        bob,
                        LinkChange.Kind.UPSERT,
                        "crm",
                        "1",
                        3L,
                        7_000,
                        new String[] {bob, "Ann", "33", "Oslo"},
                        new long[] {7_000, 0, 3_000, 0},
                        LinkChange.Origin.OUTSIDE));
        harness.processWatermark(8_000);
        // ERP's phone (changed at 6000) beats the moved row's (3000): every row ends with 66.
        assertThat(drain())
                .extracting(WriteIntent::system, WriteIntent::localId, i -> i.values()[2])
                .containsExactlyInAnyOrder(
                        tuple("crm", "1", "66"), tuple("crm", "2", "66"), tuple("erp", "8", "66"));
    }

    @Test
    void deletedRecordIsNeverReinsertedIntoItsSystem() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(1_000);
        send(gone(ANN, LinkChange.Kind.DELETED, "crm", "1", 5_000));
        send(upsert(ANN, "erp", "7", 2, 6_000, ANN, "Ann", "9", "Oslo"));
        harness.processWatermark(100_000);
        assertThat(drain()).isEmpty();
    }

    @Test
    void pendingWriteIsNotRepeatedButANewGoldenValueIs() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "crm", "1", 2, 2_000, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(3_000);
        assertThat(drain()).hasSize(1);
        // An unrelated CRM change (same mapped values) re-evaluates: the ERP write is still
        // pending.
        send(upsert(ANN, "crm", "1", 3, 3_500, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(4_500);
        assertThat(drain()).isEmpty();
        send(upsert(ANN, "crm", "1", 4, 5_000, ANN, "Ann", "1", "Molde"));
        harness.processWatermark(6_000);
        assertThat(drain())
                .singleElement()
                .satisfies(i -> assertThat(i.values()[3]).isEqualTo("Molde"));
    }

    @Test
    void aGoldenRecordThatKeepsChangingIsEmittedAfterTheMaximumWait() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(1_000);
        // A change every 500 ms, each one postponing "last change + 1 s delay"; the maximum wait
        // (10 s by default) after the first of them still emits.
        long t = 10_000;
        for (int i = 0; i < 30; i++, t += 500) {
            send(upsert(ANN, "crm", "1", 2 + i, t, ANN, "Ann", "1", "City " + i));
            harness.processWatermark(t);
            if (t < 20_000) {
                assertThat(drain()).as("at %d", t).isEmpty();
            }
        }
        List<WriteIntent> out = drain();
        assertThat(out).isNotEmpty().allMatch(i -> i.system().equals("erp"));
        assertThat(out.get(0).eventTime()).isEqualTo(20_000);
    }

    @Test
    void targetsThatKeepReformattingEachOtherAreFrozenAndDeadLettered() throws Exception {
        SyncConfig strict =
                TestConfigs.offline(
                        s -> s + "loop-breaker: { max-writes: 4, window: 1min, freeze: 10min }\n");
        harness.close();
        harness = harness(strict);
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "oslo"));
        harness.processWatermark(1_000);

        // An ERP user writes OSLO; from then on CRM lower-cases every write it gets.
        send(upsert(ANN, "erp", "7", 2, 2_000, ANN, "Ann", "1", "OSLO"));
        long t = 3_000;
        int writes = 0;
        for (int round = 0; round < 10; round++, t += 2_000) {
            harness.processWatermark(t);
            List<WriteIntent> out = drain();
            if (out.isEmpty()) {
                break;
            }
            writes += out.size();
            WriteIntent w = out.get(0);
            String reformatted =
                    w.system().equals("crm")
                            ? w.values()[3].toLowerCase()
                            : w.values()[3].toUpperCase();
            // The target's trigger reformats inside the job's transaction: the job's write.
            send(
                    byJob(
                            upsert(
                                    ANN,
                                    w.system(),
                                    w.localId(),
                                    w.expectedVersion() + 1,
                                    t + 100,
                                    ANN,
                                    "Ann",
                                    "1",
                                    reformatted)));
        }
        assertThat(writes).isEqualTo(4);
        assertThat(harness.getSideOutput(io.bidisync.job.deadletter.DeadLetters.TAG))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getValue().operation()).isEqualTo("loop");
                            assertThat(r.getValue().key()).isEqualTo(ANN);
                            // CRM lower-cases each write of ERP's newer OSLO: the job
                            // rewrote CRM until it froze the record.
                            String[] history = r.getValue().payload().split(" \\| ");
                            assertThat(history)
                                    .hasSize(5)
                                    .allMatch(w -> w.contains("UPDATE crm/1"));
                            // Only the write that tripped it shows its values: the state keeps
                            // no values per write.
                            assertThat(history[4]).contains("OSLO");
                            assertThat(Arrays.copyOf(history, 4))
                                    .noneMatch(w -> w.contains("OSLO"));
                        });
        // An outside change (a person edits the record) lifts the freeze.
        send(upsert(ANN, "crm", "1", 20, t + 5_000, ANN, "Ann Lee", "1", "bergen"));
        harness.processWatermark(t + 10_000);
        assertThat(drain()).extracting(WriteIntent::system).containsExactly("erp");
    }

    /** The same change, as the job's own write coming back. */
    private static LinkChange byJob(LinkChange c) {
        return new LinkChange(
                c.matchKey(),
                c.kind(),
                c.system(),
                c.localId(),
                c.version(),
                c.eventTime(),
                c.values(),
                c.changedAt(),
                LinkChange.Origin.JOB);
    }

    @Test
    void aPersonsEditWhileTheJobsWriteIsOnItsWayIsAnOutsideChange() throws Exception {
        SyncConfig strict =
                TestConfigs.offline(
                        s -> s + "loop-breaker: { max-writes: 2, window: 1min, freeze: 10min }\n");
        harness.close();
        harness = harness(strict);
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(1_000);
        // A person edits the name in CRM: the job writes it to ERP. Before that write comes
        // back, another person edits the city of that very ERP row, and so on: every edit is
        // new, nothing loops, nothing may freeze.
        send(upsert(ANN, "crm", "1", 2, 2_000, ANN, "Ann 1", "1", "Oslo"));
        harness.processWatermark(3_000);
        assertThat(drain()).extracting(WriteIntent::system).containsExactly("erp");
        long t = 3_500;
        for (int edit = 1; edit <= 4; edit++, t += 2_000) {
            send(upsert(ANN, "erp", "7", 1 + edit, t, ANN, "Ann", "1", "City " + edit));
            harness.processWatermark(t + 1_000);
            String city = "City " + edit;
            assertThat(drain())
                    .as("edit " + edit)
                    .anySatisfy(w -> assertThat(w.values()[3]).isEqualTo(city));
        }
        assertThat(harness.getSideOutput(io.bidisync.job.deadletter.DeadLetters.TAG)).isNull();
    }

    @Test
    void lateChangeIsProcessedAtOnce() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 0, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "7", 1, 0, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(50_000);
        send(upsert(ANN, "crm", "1", 2, 40_000, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(50_001);
        assertThat(drain())
                .singleElement()
                .satisfies(i -> assertThat(i.values()[3]).isEqualTo("Bergen"));
    }

    @Test
    void stateAndTimersReturnToZeroWhenTheLastLinkGoes() throws Exception {
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(2_000);
        assertThat(drain()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        send(upsert(ANN, "erp", "900", 1, 2_500, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(4_000);
        send(gone(ANN, LinkChange.Kind.DELETED, "crm", "1", 5_000));
        send(gone(ANN, LinkChange.Kind.DELETED, "erp", "900", 5_100));

        // The left-markers stay for the insert timeout (an insert of the job may still come
        // back), then everything goes.
        harness.processWatermark(5_100 + config.writer().insertTimeout().toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(5_100 + config.writer().insertTimeout().toMillis());
        assertThat(drain()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRowTheJobInsertedComingBackAfterTheSourceDeletedItIsNotCopiedBack() throws Exception {
        // After a restore the job may not know it inserted Ann into ERP: CRM's delete arrives
        // first and empties the golden record, then the inserted row comes back.
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        send(gone(ANN, LinkChange.Kind.DELETED, "crm", "1", 3_000));
        send(upsert(ANN, "erp", "900", 1, 2_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(10_000);

        assertThat(drain()).noneMatch(i -> i.system().equals("crm"));
    }

    @Test
    void readOnlyOrInsertFreeSystemsGetNoInsert() throws Exception {
        SyncConfig readOnlyErp =
                TestConfigs.offline(
                        s ->
                                s.replace(
                                        "city: town }\n    write: [insert, update]",
                                        "city: town }\n    write: [update]"));
        harness.close();
        harness = harness(readOnlyErp);
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(10_000);
        assertThat(drain()).isEmpty();
    }

    @Test
    void goldenRecordsArePublishedOnceCompleteAndEndWithATombstone() throws Exception {
        harness.close();
        config =
                TestConfigs.offline(
                        s ->
                                s
                                        + "golden-output: { bootstrap-servers: \"localhost:1\", topic: golden }\n");
        harness = harness(config);
        long delay = config.completeness().delay().toMillis();
        send(upsert(ANN, "crm", "1", 1, 1_000, ANN, "Ann", "1", "Oslo"));
        send(upsert(ANN, "erp", "900", 1, 1_500, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(1_500 + delay - 1);
        assertThat(published()).isEmpty();

        harness.processWatermark(1_500 + delay);
        assertThat(published())
                .singleElement()
                .satisfies(
                        g -> {
                            assertThat(g.id()).isEqualTo(ANN);
                            assertThat(g.deleted()).isFalse();
                            assertThat(g.values()).containsExactly(ANN, "Ann", "1", "Oslo");
                            assertThat(g.links()).containsExactly("crm/1", "erp/900");
                        });

        // Nothing new to say: not published again.
        send(upsert(ANN, "erp", "900", 2, 3_000, ANN, "Ann", "1", "Oslo"));
        harness.processWatermark(3_000 + delay);
        assertThat(published()).isEmpty();

        send(upsert(ANN, "crm", "1", 2, 4_000, ANN, "Ann", "1", "Bergen"));
        harness.processWatermark(4_000 + delay);
        assertThat(published())
                .singleElement()
                .satisfies(g -> assertThat(g.values()[3]).isEqualTo("Bergen"));
        drain();

        send(gone(ANN, LinkChange.Kind.DELETED, "crm", "1", 6_000));
        assertThat(published()).isEmpty();
        send(gone(ANN, LinkChange.Kind.MOVED_OUT, "erp", "900", 6_100));
        assertThat(published())
                .singleElement()
                .satisfies(
                        g -> {
                            assertThat(g.deleted()).isTrue();
                            assertThat(g.id()).isEqualTo(ANN);
                            assertThat(g.eventTime()).isEqualTo(6_100);
                        });

        harness.processWatermark(6_100 + config.writer().insertTimeout().toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private List<GoldenRecord> published() {
        var records = harness.getSideOutput(GoldenRecordFunction.GOLDEN_RECORDS);
        if (records == null) {
            return List.of();
        }
        List<GoldenRecord> out = records.stream().map(r -> r.getValue()).toList();
        records.clear();
        return out;
    }
}
