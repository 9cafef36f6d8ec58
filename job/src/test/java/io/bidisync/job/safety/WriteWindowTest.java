package io.bidisync.job.safety;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriteWindowTest {
    private static final long MINUTE = 60_000;

    @Test
    void countsWritesWithinTheWindowAndForgetsOlderOnes() {
        WriteWindow w = WriteWindow.at(10 * MINUTE, null, 0).plus(0, 3).plus(1_000, 2);
        assertThat(w.count()).isEqualTo(5);
        // Same bucket (10 s wide): one pair.
        assertThat(w.buckets()).hasSize(2);
        w = WriteWindow.at(10 * MINUTE, w.plus(5 * MINUTE, 4).buckets(), 5 * MINUTE);
        assertThat(w.count()).isEqualTo(9);
        assertThat(WriteWindow.at(10 * MINUTE, w.buckets(), 10 * MINUTE + 10_000).count())
                .as("the first bucket has left the window")
                .isEqualTo(4);
        assertThat(WriteWindow.at(10 * MINUTE, w.buckets(), 16 * MINUTE).count()).isZero();
    }
}
