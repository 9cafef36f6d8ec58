package io.bidisync.job.reference;

import io.bidisync.job.identity.LinkChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The resolver: which golden record a referenced row stands for, told to every referrer. */
class ReferenceResolverTest {
    private KeyedTwoInputStreamOperatorTestHarness<String, ReferenceRequest, LinkChange, Resolution>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new ReferenceResolver()),
                        ReferenceRequest::referenced,
                        link -> link.system() + '/' + link.localId(),
                        Types.STRING);
        harness.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void request(String referrer) throws Exception {
        harness.processElement1(new ReferenceRequest("crm/17", referrer, 2), 0);
    }

    private void link(LinkChange.Kind kind, String golden, long time) throws Exception {
        harness.processElement2(
                new LinkChange(
                        golden,
                        kind,
                        "crm",
                        "17",
                        1L,
                        time,
                        new String[0],
                        new long[0],
                        LinkChange.Origin.OUTSIDE),
                time);
    }

    @Test
    void answersOnceTheRowIsKnownAndAtOnceAfterThat() throws Exception {
        request("crm/5");
        assertThat(harness.extractOutputValues()).isEmpty();
        link(LinkChange.Kind.UPSERT, "111", 100);
        assertThat(harness.extractOutputValues())
                .containsExactly(new Resolution("crm/5", 2, "17", "111", 100));
        request("crm/6");
        assertThat(harness.extractOutputValues())
                .last()
                .isEqualTo(new Resolution("crm/6", 2, "17", "111", 100));
    }

    @Test
    void tellsEveryReferrerWhenTheRowMovesAndWhenItIsDeleted() throws Exception {
        link(LinkChange.Kind.UPSERT, "111", 100);
        request("crm/5");
        request("crm/6");
        // A change of the row that keeps its golden record: nothing to tell.
        link(LinkChange.Kind.UPSERT, "111", 200);
        assertThat(harness.extractOutputValues()).hasSize(2);

        link(LinkChange.Kind.MOVED_OUT, "111", 300);
        link(LinkChange.Kind.UPSERT, "222", 300);
        assertThat(harness.extractOutputValues().subList(2, 4))
                .containsExactlyInAnyOrder(
                        new Resolution("crm/5", 2, "17", "222", 300),
                        new Resolution("crm/6", 2, "17", "222", 300));

        link(LinkChange.Kind.DELETED, "222", 400);
        assertThat(harness.extractOutputValues().subList(4, 6))
                .containsExactlyInAnyOrder(
                        new Resolution("crm/5", 2, "17", null, 400),
                        new Resolution("crm/6", 2, "17", null, 400));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
