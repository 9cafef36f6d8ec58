package io.bidisync.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CustomerDataSetTest {

    @Test
    void halfOverlapAndTwoPercentDuplicates() {
        CustomerDataSet data = new CustomerDataSet(100_000);

        assertThat(data.duplicates()).isEqualTo(2_000);
        assertThat(data.distinctPerSystem()).isEqualTo(98_000);
        assertThat(data.overlap()).isEqualTo(49_000);
        assertThat(data.people()).isEqualTo(147_000);
        // Each system gains the other's 49,000 people and keeps its own duplicates.
        assertThat(data.rowsConverged()).isEqualTo(149_000);
    }
}
