package io.bidisync.bench;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LatenciesTest {

    @Test
    void latencyIsTargetCommitMinusSourceCommitByValue() {
        Map<String, Long> source = new HashMap<>();
        Map<String, Long> target = new HashMap<>();
        for (int i = 1; i <= 100; i++) {
            source.put("v" + i, 1_000_000L * i);
            // Change i arrives i ms after its commit.
            target.put("v" + i, 1_000_000L * i + 1_000L * i);
        }

        Latencies latencies = Latencies.of(source, target);

        assertThat(latencies.changes()).isEqualTo(100);
        assertThat(latencies.arrived()).isEqualTo(100);
        assertThat(latencies.p50Millis()).isEqualTo(50);
        assertThat(latencies.p99Millis()).isEqualTo(99);
        assertThat(latencies.maxMillis()).isEqualTo(100);
    }

    @Test
    void aChangeThatNeverArrivedIsInfinitelyLate() {
        Map<String, Long> source = new HashMap<>();
        Map<String, Long> target = new HashMap<>();
        for (int i = 1; i <= 100; i++) {
            source.put("v" + i, 0L);
            if (i > 2) {
                target.put("v" + i, 5_000L);
            }
        }

        Latencies latencies = Latencies.of(source, target);

        assertThat(latencies.arrived()).isEqualTo(98);
        assertThat(latencies.p50Millis()).isEqualTo(5);
        // Two of 100 lost: the 99th percentile is one of them.
        assertThat(latencies.p99Millis()).isEqualTo(Long.MAX_VALUE);
        assertThat(Report.millis(latencies.p99Millis())).isEqualTo("lost");
    }

    @Test
    void valuesAtTheTargetThatNoSourceChangeMadeAreIgnored() {
        Latencies latencies = Latencies.of(Map.of("a", 0L), Map.of("a", 2_000L, "b", 9_000_000L));

        assertThat(latencies.changes()).isEqualTo(1);
        assertThat(latencies.p99Millis()).isEqualTo(2);
    }

    @Test
    void nearestRankPercentile() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Latencies.percentile(sorted, 0.5)).isEqualTo(5);
        assertThat(Latencies.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(Latencies.percentile(new long[0], 0.5)).isEqualTo(Long.MAX_VALUE);
    }
}
