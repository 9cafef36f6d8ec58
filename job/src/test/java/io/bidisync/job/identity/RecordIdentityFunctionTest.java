package io.bidisync.job.identity;

import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RecordIdentityFunctionTest {
    private static final long SKEW = 1_000;
    private KeyedOneInputStreamOperatorTestHarness<String, RecordChange, LinkChange> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = unopened(2, Map.of());
        harness.open();
    }

    /** The identity stage for {@code attributes} attributes, reading {@code reread} again. */
    private static KeyedOneInputStreamOperatorTestHarness<String, RecordChange, LinkChange>
            unopened(int attributes, Map<String, boolean[]> reread) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new RecordIdentityFunction(attributes, SKEW, reread)),
                        RecordChange::recordKey,
                        Types.STRING);
        h.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void upsert(String id, String key, Long version, long time, String... values)
            throws Exception {
        harness.processElement(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.UPSERT,
                        id,
                        key,
                        version,
                        time,
                        values,
                        new long[0]),
                time);
    }

    /** A row as a snapshot read it at {@code readAt}. */
    private void snapshot(String id, String key, Long version, long readAt, String... values)
            throws Exception {
        harness.processElement(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.SNAPSHOT,
                        id,
                        key,
                        version,
                        readAt,
                        values,
                        new long[0]),
                0);
    }

    private LinkChange last() {
        List<LinkChange> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private void delete(String id, long time) throws Exception {
        harness.processElement(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.DELETE,
                        id,
                        null,
                        null,
                        time,
                        new String[0],
                        new long[0]),
                time);
    }

    @Test
    void anUnavailableValueIsTheLastKnownOneAndNoChange() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann", "a long text");
        upsert("1", "ann@x.no", 2L, 100, "ann@x.no", "Anne", RecordChange.UNAVAILABLE);
        LinkChange change = last();
        assertThat(change.values()).containsExactly("ann@x.no", "Anne", "a long text");
        // Only the name changed: the long text keeps its age.
        assertThat(change.changedAt()).containsExactly(0L, 100L, 0L);

        // A record the stage has not seen: the value is unknown, never the placeholder.
        upsert("2", "bob@x.no", 1L, 200, "bob@x.no", "Bob", RecordChange.UNAVAILABLE);
        assertThat(last().values()).containsExactly("bob@x.no", "Bob", null);
    }

    @Test
    void keyChangeRetractsFromOldGoldenRecordBeforeJoiningNewOne() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann");
        upsert("1", "bob@x.no", 2L, 100, "bob@x.no", "Ann");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::matchKey, LinkChange::kind)
                .containsExactly(
                        tuple("ann@x.no", LinkChange.Kind.UPSERT),
                        tuple("ann@x.no", LinkChange.Kind.MOVED_OUT),
                        tuple("bob@x.no", LinkChange.Kind.UPSERT));
    }

    @Test
    void aKeyChangeCarriesTheAgeOfEveryValue() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann", "1");
        upsert("1", "ann@x.no", 2L, 100, "ann@x.no", "Ann", "2");
        upsert("1", "bob@x.no", 3L, 200, "bob@x.no", "Ann", "2");
        LinkChange moved = harness.extractOutputValues().get(3);
        assertThat(moved.matchKey()).isEqualTo("bob@x.no");
        assertThat(moved.changedAt()).containsExactly(200L, 0L, 100L);
    }

    @Test
    void theJobsOwnWritesCarryTheSourceTimesOfTheirValues() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann", "1");
        harness.processElement(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.UPSERT,
                        "1",
                        "ann@x.no",
                        2L,
                        900,
                        new String[] {"ann@x.no", "Ann", "2"},
                        new long[] {0, 0, 450}),
                900);
        upsert("1", "bob@x.no", 3L, 1_000, "bob@x.no", "Ann", "2");
        assertThat(harness.extractOutputValues().get(3).changedAt())
                .containsExactly(1_000L, 0L, 450L);
    }

    @Test
    void repeatedDeliveryOfASeenVersionChangesNothing() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann");
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann");
        upsert("1", "ann@x.no", 3L, 300, "ann@x.no", "Ann B");
        upsert("1", "ann@x.no", 2L, 200, "ann@x.no", "Ann A");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::version)
                .containsExactly(1L, 3L);
    }

    @Test
    void newVersionWithSameValuesIsPassedOnForItsVersion() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann");
        upsert("1", "ann@x.no", 2L, 100, "ann@x.no", "Ann");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::version)
                .containsExactly(1L, 2L);
    }

    @Test
    void recordWithoutMatchKeyIsNotSyncedAndLeavesItsGoldenRecord() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann");
        upsert("1", null, 2L, 100, "  ", "Ann");
        upsert("2", null, 1L, 100, null, "Nobody");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::matchKey, LinkChange::kind)
                .containsExactly(
                        tuple("ann@x.no", LinkChange.Kind.UPSERT),
                        tuple("ann@x.no", LinkChange.Kind.MOVED_OUT));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void deleteIsSentToTheGoldenRecordAndClearsState() throws Exception {
        upsert("1", "ann@x.no", 1L, 0, "ann@x.no", "Ann");
        delete("1", 500);
        delete("unknown", 600);
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::matchKey, LinkChange::kind, LinkChange::eventTime)
                .containsExactly(
                        tuple("ann@x.no", LinkChange.Kind.UPSERT, 0L),
                        tuple("ann@x.no", LinkChange.Kind.DELETED, 500L));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void withoutVersionColumnRepeatsAreRecognisedByValues() throws Exception {
        upsert("1", "ann@x.no", null, 0, "ann@x.no", "Ann");
        upsert("1", "ann@x.no", null, 100, "ann@x.no", "Ann");
        upsert("1", "ann@x.no", null, 200, "ann@x.no", "Ann B");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::eventTime)
                .containsExactly(0L, 200L);
    }

    @Test
    void aSnapshotRowIsOlderThanTheJobAndCompletesWhenItWasRead() throws Exception {
        snapshot("1", "ann@x.no", 5L, 60_000, "ann@x.no", "Ann", "1");
        LinkChange read = last();
        assertThat(read.changedAt()).containsExactly(0L, 0L, 0L);
        assertThat(read.eventTime())
                .as("the golden stage waits for the log up to here")
                .isEqualTo(60_000L);
        assertThat(read.origin()).isEqualTo(LinkChange.Origin.OUTSIDE);
    }

    @Test
    void aChangeCommittedAfterTheReadChangesOnlyWhatItChanges() throws Exception {
        snapshot("1", "ann@x.no", 5L, 60_000, "ann@x.no", "Ann", "1");
        upsert("1", "ann@x.no", 6L, 60_000 + SKEW + 1, "ann@x.no", "Ann", "2");
        assertThat(last().changedAt()).containsExactly(0L, 0L, 60_000 + SKEW + 1);
        assertThat(last().origin()).isEqualTo(LinkChange.Origin.OUTSIDE);
    }

    @Test
    void aChangeTheSnapshotMayHoldDatesEveryValueOfTheRow() throws Exception {
        // Committed at 59,000, read by the snapshot at 60,000, then delivered by the log: the
        // same version and values are no repeat, they are the change with its time.
        snapshot("1", "ann@x.no", 6L, 60_000, "ann@x.no", "Ann", "2");
        upsert("1", "ann@x.no", 6L, 59_000, "ann@x.no", "Ann", "2");
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(last().changedAt()).containsExactly(59_000L, 59_000L, 59_000L);
        assertThat(last().origin()).isEqualTo(LinkChange.Origin.RESTATED);
        // From then on the record follows the log, and repeats are repeats again.
        upsert("1", "ann@x.no", 6L, 59_000, "ann@x.no", "Ann", "2");
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void olderChangesReplayedAfterTheSnapshotEndWithTheNewest() throws Exception {
        // Two edits while the job started; the snapshot read the second one.
        snapshot("1", "ann@x.no", 7L, 60_000, "ann@x.no", "Ann B", "2");
        upsert("1", "ann@x.no", 6L, 58_000, "ann@x.no", "Ann A", "1");
        upsert("1", "ann@x.no", 7L, 59_000, "ann@x.no", "Ann B", "2");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::version)
                .containsExactly(7L, 6L, 7L);
        assertThat(last().changedAt()).containsExactly(58_000L, 59_000L, 59_000L);
        assertThat(last().origin()).isEqualTo(LinkChange.Origin.OUTSIDE);
    }

    @Test
    void aSnapshotNeverOverridesWhatTheLogDelivered() throws Exception {
        snapshot("1", "ann@x.no", 5L, 60_000, "ann@x.no", "Ann", "1");
        snapshot("1", "ann@x.no", 5L, 61_000, "ann@x.no", "Ann", "1");
        upsert("1", "ann@x.no", 6L, 70_000, "ann@x.no", "Ann", "2");
        snapshot("1", "ann@x.no", 5L, 80_000, "ann@x.no", "Ann", "1");
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::version)
                .containsExactly(5L, 6L);
    }

    @Test
    void aSystemReadAgainForANewlyMappedAttributeTakesOnlyThatFromTheSnapshot() throws Exception {
        // Followed through the log before an upgrade made CRM map a third attribute: the state
        // holds two values.
        upsert("1", "ann@x.no", 4L, 50_000, "ann@x.no", "Ann");
        var checkpoint = harness.snapshot(1, 50_000);
        harness.close();
        // CRM is read again for the appended attribute.
        harness = unopened(3, Map.of("crm", new boolean[] {false, false, true}));
        harness.initializeState(checkpoint);
        harness.open();
        snapshot("1", "ann@x.no", 4L, 60_000, "ann@x.no", "Ann", "NO");
        assertThat(last().values()).containsExactly("ann@x.no", "Ann", "NO");
        assertThat(last().changedAt()).containsExactly(50_000L, 50_000L, 0L);
        assertThat(last().version()).isEqualTo(4L);
        // The fresh source replays the log from its slot: what the state has seen is a repeat.
        upsert("1", "ann@x.no", 4L, 50_000, "ann@x.no", "Ann", "NO");
        upsert("1", "ann@x.no", 3L, 40_000, "ann@x.no", "Annie", "NO");
        assertThat(harness.extractOutputValues()).hasSize(1);
        // An edit of the new column made while the job was stopped, before the read.
        upsert("1", "ann@x.no", 5L, 55_000, "ann@x.no", "Ann", "NO");
        assertThat(last().changedAt()).containsExactly(50_000L, 50_000L, 55_000L);
        assertThat(last().origin()).isEqualTo(LinkChange.Origin.RESTATED);
    }

    @Test
    void aRecordIdleForYearsStillLeavesItsGoldenRecordWhenItChangesKeyOrIsDeleted()
            throws Exception {
        // Both clocks a time-to-live could run on.
        harness.setProcessingTime(0);
        harness.setStateTtlProcessingTime(0);
        upsert("1", "ann@x.no", 1L, 1_000, "ann@x.no", "Ann");
        upsert("2", "bob@x.no", 1L, 1_000, "bob@x.no", "Bob");
        long years = 3L * 366 * 24 * 3600 * 1000;
        harness.setProcessingTime(years);
        harness.setStateTtlProcessingTime(years);
        upsert("1", "cat@x.no", 2L, years, "cat@x.no", "Ann");
        delete("2", years);
        assertThat(harness.extractOutputValues())
                .extracting(LinkChange::matchKey, LinkChange::kind)
                .containsExactly(
                        tuple("ann@x.no", LinkChange.Kind.UPSERT),
                        tuple("bob@x.no", LinkChange.Kind.UPSERT),
                        tuple("ann@x.no", LinkChange.Kind.MOVED_OUT),
                        tuple("cat@x.no", LinkChange.Kind.UPSERT),
                        tuple("bob@x.no", LinkChange.Kind.DELETED));
        // The key change keeps the age of what did not change.
        assertThat(harness.extractOutputValues().get(3).changedAt()).containsExactly(years, 1_000L);
        delete("1", years + 1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
