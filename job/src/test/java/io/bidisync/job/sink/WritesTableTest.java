package io.bidisync.job.sink;

import io.bidisync.job.golden.WriteIntent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The writes table's payloads, as the change stream hands them back to the golden stage. */
class WritesTableTest {
    @Test
    void aTransactionNamesUpdatedRowsByKeyAndInsertsByMatchKeyWithTheirValueTimes() {
        List<WriteIntent> batch =
                List.of(
                        BaseWriterTest.update("7", 3, "ann@example.com", "Ann", null, "Oslo"),
                        BaseWriterTest.delete("8", 1),
                        BaseWriterTest.insert("cid@example.com", "cid@example.com", "Cid"));
        assertThat(WritesTable.markPayload(batch, 42, null))
                .isEqualTo(
                        "{\"at\":42,\"u\":{\"7\":[1,2,3,4]},\"i\":{\"cid@example.com\":[0,0,0,0]}}");
        // A delete-only transaction still changes the row: the stamp differs every time.
        assertThat(WritesTable.markPayload(List.of(BaseWriterTest.delete("8", 1)), -5, null))
                .isEqualTo("{\"at\":-5,\"u\":{},\"i\":{}}");
    }

    @Test
    void rejectedInsertsAreNamedByGoldenRecord() {
        assertThat(WritesTable.rejectedPayload(List.of("a@example.com", "b@example.com"), 7, null))
                .isEqualTo("{\"at\":7,\"r\":[\"a@example.com\",\"b@example.com\"]}");
    }

    @Test
    void payloadsOfAnEntityTypeNameIt() {
        // Writers of several entity types share the table: notices go to their own golden stage.
        assertThat(WritesTable.rejectedPayload(List.of("a@example.com"), 7, "contacts"))
                .isEqualTo("{\"at\":7,\"e\":\"contacts\",\"r\":[\"a@example.com\"]}");
    }
}
