package io.bidisync.job.reference;

import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.identity.LinkChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The translator: a write's reference as the target's own key, parents first. */
class ReferenceTranslatorTest {
    private KeyedTwoInputStreamOperatorTestHarness<String, WriteIntent, LinkChange, WriteIntent>
            harness;

    private void open(String unresolved) throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new ReferenceTranslator(ReferenceConfigs.contacts(unresolved), 2)),
                        ReferenceTranslator.keyOf(2),
                        LinkChange::matchKey,
                        Types.STRING);
        harness.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static WriteIntent insert(String system, String company, long time) {
        return new WriteIntent(
                system,
                WriteIntent.Operation.INSERT,
                "ann@x",
                null,
                null,
                new String[0],
                new String[] {"ann@x", "Ann", company},
                new long[] {1, 1, 1},
                time);
    }

    private void write(WriteIntent intent) throws Exception {
        harness.processElement1(intent, intent.eventTime());
    }

    private void link(LinkChange.Kind kind, String system, String localId, long time)
            throws Exception {
        harness.processElement2(
                new LinkChange(
                        "111",
                        kind,
                        system,
                        localId,
                        1L,
                        time,
                        new String[0],
                        new long[0],
                        LinkChange.Origin.OUTSIDE),
                time);
    }

    private List<WriteIntent> written() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(DeadLetters.TAG);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aWriteWaitsUntilTheReferencedGoldenRecordIsLinkedInItsTarget() throws Exception {
        open("dead-letter");
        link(LinkChange.Kind.UPSERT, "crm", "17", 50);
        write(insert("erp", "111", 100));
        assertThat(written()).isEmpty();
        // Linked elsewhere only: still waiting.
        link(LinkChange.Kind.UPSERT, "crm", "18", 150);
        assertThat(written()).isEmpty();

        link(LinkChange.Kind.UPSERT, "erp", "104", 200);
        assertThat(written())
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.values()).containsExactly("ann@x", "Ann", "104");
                            assertThat(w.system()).isEqualTo("erp");
                        });
        // Nothing waits, and the timer that ends the wait finds nothing to report.
        harness.processBothWatermarks(new Watermark(10_000));
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aLinkedGoldenRecordTranslatesAtOnceToTheSmallestKeyOfItsRows() throws Exception {
        open("dead-letter");
        link(LinkChange.Kind.UPSERT, "erp", "107", 50);
        link(LinkChange.Kind.UPSERT, "erp", "104", 60);
        write(insert("erp", "111", 100));
        write(insert("crm", null, 100));
        assertThat(written()).extracting(w -> w.values()[2]).containsExactly("104", null);

        link(LinkChange.Kind.DELETED, "erp", "104", 200);
        write(insert("erp", "111", 300));
        assertThat(written()).extracting(w -> w.values()[2]).endsWith("107");
    }

    @Test
    void aWriteWhoseParentIsLateIsADeadLetterAfterTheWaitAndWaitsStill() throws Exception {
        open("dead-letter");
        write(insert("erp", "111", 100));
        // A newer write of the same row replaces the waiting one.
        write(insert("erp", "111", 200));
        harness.processBothWatermarks(new Watermark(1_100));
        assertThat(deadLetters()).isEmpty();
        harness.processBothWatermarks(new Watermark(1_200));
        assertThat(written()).isEmpty();
        assertThat(deadLetters())
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.reason())
                                        .isEqualTo(
                                                "unresolved reference: contacts.company →"
                                                        + " companies golden record 111 has no row"
                                                        + " in erp after 1000 ms; waiting still"));
        harness.processBothWatermarks(new Watermark(60_000));
        assertThat(deadLetters()).as("reported once").hasSize(1);

        link(LinkChange.Kind.UPSERT, "erp", "104", 70_000);
        assertThat(written())
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.eventTime()).isEqualTo(200);
                            assertThat(w.values()[2]).isEqualTo("104");
                        });
        link(LinkChange.Kind.DELETED, "erp", "104", 80_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void whereConfiguredItIsWrittenWithNullInstead() throws Exception {
        open("null");
        write(insert("erp", "111", 100));
        harness.processBothWatermarks(new Watermark(1_100));
        assertThat(written()).singleElement().satisfies(w -> assertThat(w.values()[2]).isNull());
        assertThat(deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).endsWith("written as NULL"));
    }
}
