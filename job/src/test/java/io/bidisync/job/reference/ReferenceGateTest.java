package io.bidisync.job.reference;

import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate: a change passes once its reference stands for a golden record. */
class ReferenceGateTest {
    private KeyedTwoInputStreamOperatorTestHarness<String, RecordChange, Resolution, RecordChange>
            harness;

    private void open(String unresolved) throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new ReferenceGate(ReferenceConfigs.contacts(unresolved))),
                        RecordChange::recordKey,
                        Resolution::referrer,
                        Types.STRING);
        harness.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void change(String id, long version, long time, String company) throws Exception {
        harness.processElement1(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.UPSERT,
                        id,
                        id + "@x",
                        version,
                        time,
                        new String[] {id + "@x", "N" + version, company},
                        new long[0]),
                time);
    }

    private void answer(String id, String company, String golden, long time) throws Exception {
        harness.processElement2(new Resolution("crm/" + id, 2, company, golden, time), time);
    }

    private List<RecordChange> passed() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(DeadLetters.TAG);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aChangeWaitsUntilItsReferenceIsResolvedThenPassesWithTheGoldenRecord() throws Exception {
        open("dead-letter");
        change("5", 1, 100, "17");
        assertThat(passed()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        answer("5", "17", "org-111", 150);
        assertThat(passed())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.values()).containsExactly("5@x", "N1", "org-111");
                            assertThat(c.version()).isEqualTo(1);
                            assertThat(c.eventTime()).isEqualTo(100);
                        });
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anAnswerBeforeTheChangeLetsItPassAtOnce() throws Exception {
        open("dead-letter");
        answer("5", "17", "org-111", 50);
        change("5", 1, 100, "17");
        assertThat(passed()).extracting(c -> c.values()[2]).containsExactly("org-111");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aReferencedRowThatMovesToAnotherGoldenRecordRePointsTheRecord() throws Exception {
        open("dead-letter");
        answer("5", "17", "org-111", 50);
        change("5", 1, 100, "17");
        // An answer about a row the record referenced before: nothing to do.
        answer("5", "16", "org-999", 300);
        assertThat(passed()).hasSize(1);

        answer("5", "17", "org-222", 400);
        assertThat(passed()).hasSize(2);
        RecordChange repointed = passed().get(1);
        assertThat(repointed.kind()).isEqualTo(RecordChange.Kind.UPSERT);
        assertThat(repointed.values()).containsExactly("5@x", "N1", "org-222");
        assertThat(repointed.eventTime()).as("a change at the merge").isEqualTo(400);
        assertThat(repointed.byJob()).isFalse();
        // The same answer again changes nothing.
        answer("5", "17", "org-222", 500);
        assertThat(passed()).hasSize(2);
    }

    @Test
    void aNewerChangeWithAResolvedReferenceOvertakesAWaitingOne() throws Exception {
        open("dead-letter");
        answer("5", "18", "org-222", 50);
        change("5", 1, 100, "17");
        change("5", 2, 200, "18");
        answer("5", "17", "org-111", 300);
        assertThat(passed())
                .extracting(RecordChange::version)
                .as("version 1 never passes after version 2")
                .containsExactly(2L);
    }

    @Test
    void anUnresolvedReferenceIsADeadLetterAfterItsWaitAndKeepsWaiting() throws Exception {
        open("dead-letter");
        change("5", 1, 100, "17");
        harness.processBothWatermarks(new Watermark(1_100));
        assertThat(passed()).isEmpty();
        assertThat(deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.operation()).isEqualTo("contacts:resolve");
                            assertThat(d.key()).isEqualTo("5");
                            assertThat(d.reason())
                                    .isEqualTo(
                                            "unresolved reference: contacts.company → companies"
                                                    + " row 17 of crm not known after 1000 ms");
                        });
        answer("5", "17", "org-111", 2_000);
        assertThat(passed()).extracting(c -> c.values()[2]).containsExactly("org-111");
    }

    @Test
    void whereConfiguredAnUnresolvedReferencePassesAsNullAndIsFilledInLater() throws Exception {
        open("null");
        change("5", 1, 100, "17");
        harness.processBothWatermarks(new Watermark(1_100));
        assertThat(passed()).singleElement().satisfies(c -> assertThat(c.values()[2]).isNull());
        assertThat(deadLetters()).hasSize(1);

        answer("5", "17", "org-111", 2_000);
        assertThat(passed()).extracting(c -> c.values()[2]).containsExactly(null, "org-111");
    }

    @Test
    void aDeleteClearsEverything() throws Exception {
        open("dead-letter");
        answer("5", "17", "org-111", 50);
        change("5", 1, 100, "17");
        change("5", 2, 200, "19");
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processElement1(
                new RecordChange(
                        "crm",
                        RecordChange.Kind.DELETE,
                        "5",
                        null,
                        null,
                        300,
                        new String[0],
                        new long[0]),
                300);
        assertThat(passed()).extracting(RecordChange::kind).endsWith(RecordChange.Kind.DELETE);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
