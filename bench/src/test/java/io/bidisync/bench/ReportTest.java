package io.bidisync.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReportTest {

    private static SteadyState.Step step(
            int rate, double offered, long p99, boolean writerLimited) {
        return new SteadyState.Step(
                rate,
                offered,
                new Latencies(100, 100, p99 / 2, p99, p99),
                p99 <= 2000,
                writerLimited,
                1.2,
                0.6,
                1.9,
                0.4,
                new java.util.LinkedHashMap<>(Map.of("golden + writers", offered * 54e-6)));
    }

    private static Report report(
            PostgresLimit.Result postgres,
            List<InitialSync.Result> initial,
            List<SteadyState.Result> steady,
            List<GoldenOperator.Result> golden) {
        return new Report(
                Map.of(), Map.of(), postgres, initial, steady, golden, null, true, true, null);
    }

    @Test
    void theSustainedRateIsTheHighestStepKeptUpWith() {
        SteadyState.Result result =
                new SteadyState.Result(
                        "bidisync",
                        2000,
                        List.of(
                                step(250, 250, 1500, false),
                                step(500, 499, 1600, false),
                                step(1000, 998, 2600, false)));

        assertThat(result.sustainedRate()).isEqualTo(500);
        assertThat(result.limitAboveSteps()).isFalse();
        assertThat(result.atHalfSustained().rate()).isEqualTo(250);
    }

    @Test
    void whenTheWritersFallShortTheSustainedRateIsWhatTheyOfferedAndTheLimitIsHigher() {
        SteadyState.Result result =
                new SteadyState.Result(
                        "naive",
                        2000,
                        List.of(step(1000, 1000, 400, false), step(2000, 1500, 450, true)));

        assertThat(result.sustainedRate()).isEqualTo(1500);
        assertThat(result.limitAboveSteps()).isTrue();
    }

    @Test
    void targetsAreJudgedFromTheMeasurements() {
        Report report =
                report(
                        new PostgresLimit.Result(500, 2, 2_000, 8_000),
                        List.of(
                                new InitialSync.Result("naive", 200_000, 200_000, 40, null),
                                new InitialSync.Result("bidisync", 200_000, 150_000, 90, 120.0)),
                        List.of(
                                new SteadyState.Result(
                                        "naive",
                                        2000,
                                        List.of(
                                                step(500, 500, 300, false),
                                                step(1000, 1000, 300, false),
                                                step(2000, 1990, 2500, false))),
                                new SteadyState.Result(
                                        "bidisync",
                                        2000,
                                        List.of(
                                                step(500, 500, 1700, false),
                                                step(1000, 1000, 1900, false),
                                                step(2000, 1990, 2100, false)))),
                        List.of(
                                new GoldenOperator.Result(
                                        "rocksdb",
                                        2_000_000,
                                        1_000_000,
                                        2,
                                        40,
                                        80,
                                        50,
                                        300_000_000,
                                        0,
                                        Map.of()),
                                // A third of the per-core rate at three times the state: too steep.
                                new GoldenOperator.Result(
                                        "rocksdb",
                                        6_000_000,
                                        3_000_000,
                                        2,
                                        360,
                                        720,
                                        450,
                                        900_000_000,
                                        0,
                                        Map.of()),
                                new GoldenOperator.Result(
                                        "hashmap",
                                        2_000_000,
                                        1_000_000,
                                        2,
                                        10,
                                        20,
                                        10,
                                        300_000_000,
                                        0,
                                        Map.of()),
                                // Per core: 2e6/20 = 100,000, then 6e6/72 = 83,333: 1.2× the cost.
                                new GoldenOperator.Result(
                                        "hashmap",
                                        6_000_000,
                                        3_000_000,
                                        2,
                                        36,
                                        72,
                                        30,
                                        900_000_000,
                                        0,
                                        Map.of())));

        Map<String, Boolean> met =
                report.targets().stream()
                        .collect(
                                java.util.stream.Collectors.toMap(
                                        Report.Target::name, Report.Target::met));

        assertThat(met)
                .containsEntry("steady-state rate vs naive sync", true)
                .containsEntry("steady-state rate vs PostgreSQL's limit", true)
                .containsEntry("p99 at half the sustained rate", true)
                .containsEntry("initial sync time vs naive sync", false)
                .containsEntry("golden operator records/s per core (rocksdb)", false)
                .containsEntry("golden cost at 3,000,000 vs 1,000,000 (rocksdb)", false)
                .containsEntry("golden operator records/s per core (hashmap)", true)
                .containsEntry("golden cost at 3,000,000 vs 1,000,000 (hashmap)", true);
    }

    @Test
    void againstANaiveLimitTheLoadGeneratorDidNotReachTheRatioShowsOnlyAMiss() {
        // The naive sync kept up with all the writers could offer (1,500/s): its limit is higher.
        SteadyState.Result naive =
                new SteadyState.Result(
                        "naive",
                        2000,
                        List.of(step(1000, 1000, 300, false), step(2000, 1500, 300, true)));
        SteadyState.Result close =
                new SteadyState.Result(
                        "bidisync",
                        2000,
                        List.of(step(1200, 1200, 1500, false), step(2000, 1990, 2500, false)));
        SteadyState.Result far =
                new SteadyState.Result(
                        "bidisync",
                        2000,
                        List.of(step(500, 500, 1500, false), step(1000, 1000, 2500, false)));

        Report.Target bound =
                report(null, List.of(), List.of(naive, close), List.of()).targets().get(0);
        Report.Target missed =
                report(null, List.of(), List.of(naive, far), List.of()).targets().get(0);

        // 1,200 of ≥ 1,500: at most 80%, which may be below 70% of the real limit.
        assertThat(bound.measured()).startsWith("≤ 80%");
        assertThat(bound.verdict()).isEqualTo("not shown");
        // 500 of ≥ 1,500: at most 33%, a miss whatever the naive limit is.
        assertThat(missed.measured()).startsWith("≤ 33%");
        assertThat(missed.verdict()).isEqualTo("MISSED");
    }

    @Test
    void theJsonHasTheMeasurementsTheDerivedFiguresAndTheTargets(@TempDir Path dir)
            throws Exception {
        Report report =
                report(
                        null,
                        List.of(new InitialSync.Result("bidisync", 1000, 500, 2, 3.0)),
                        List.of(),
                        List.of(
                                new GoldenOperator.Result(
                                        "rocksdb",
                                        2000,
                                        1000,
                                        2,
                                        1,
                                        2,
                                        1,
                                        300_000,
                                        500_000,
                                        new java.util.TreeMap<>(
                                                Map.of(
                                                        "golden + writers",
                                                        0.5,
                                                        "source tasks",
                                                        0.25)))));

        report.writeJson(dir.resolve("result.json"));
        String json = Files.readString(dir.resolve("result.json"));

        assertThat(json)
                .contains("\"rowsPerSecond\" : 500.0")
                .contains("\"recordsPerCoreSecond\" : 1000.0")
                .contains("\"stateBytesPerGoldenRecord\" : 300.0")
                .contains("\"heapBytesPerGoldenRecord\" : 500.0")
                .contains("\"targets\"")
                .contains("golden operator records/s per core (rocksdb)");
        assertThat(report.table()).contains("bidisync").contains("MISSED");
        // 2,000 records in 1 s: half a core is 250 µs per record.
        assertThat(report.table())
                .contains("JVM µs per record: golden + writers 250.0, source tasks 125.0");
    }

    @Test
    void theStepTableShowsWhereTheCpuWent() {
        Report report =
                report(
                        null,
                        List.of(),
                        List.of(
                                new SteadyState.Result(
                                        "bidisync", 2000, List.of(step(250, 250, 1500, false)))),
                        List.of());

        assertThat(report.table())
                .contains("JVM")
                .contains("all")
                .contains("gen")
                // 1.9 cores busy, 0.4 of them the load generator's: 7.60 ms per update in
                // all, 6.00 ms for the sync.
                .contains("  1.2   0.6   1.9   0.4    7.60    6.00  kept up")
                // The golden threads' 0.0135 cores over 250 updates/s: 54 µs each.
                .contains("JVM µs per update: golden + writers 54");
    }

    @Test
    void threadsAreGroupedByTheStageTheyRun() {
        assertThat(ThreadCpu.group("golden: merge, ")).isEqualTo("golden + writers");
        assertThat(ThreadCpu.group("Source Data Fet")).isEqualTo("CDC fetchers");
        assertThat(ThreadCpu.group("Source: crm: re")).isEqualTo("source tasks");
        assertThat(ThreadCpu.group("debezium-reader")).isEqualTo("CDC readers (Debezium)");
        assertThat(ThreadCpu.group("load-generator-")).isEqualTo(ThreadCpu.LOAD_GENERATOR);
        assertThat(ThreadCpu.group("Flink-RocksDBSt")).isEqualTo("other");
    }

    @Test
    void whatNoLiveThreadAccountsForIsTheLoadGeneratorsEndedPool() {
        ThreadCpu before =
                new ThreadCpu(
                        Map.of(
                                "1/10", new ThreadCpu.Usage("golden + writers", 100),
                                "1/11", new ThreadCpu.Usage("identity", 50)));
        // 10 s: golden's thread used 3 s more, identity's thread ended, and a new identity thread
        // (an earlier job's ended, this one's started) used 1 s.
        ThreadCpu after =
                new ThreadCpu(
                        Map.of(
                                "1/10", new ThreadCpu.Usage("golden + writers", 400),
                                "1/12", new ThreadCpu.Usage("identity", 100)));

        Map<String, Double> cores = after.coresSince(before, 10_000_000_000L, 0.5);

        assertThat(cores)
                .containsOnlyKeys("golden + writers", "identity", ThreadCpu.LOAD_GENERATOR);
        assertThat(cores.get("golden + writers")).isCloseTo(0.3, within(1e-9));
        assertThat(cores.get("identity")).isCloseTo(0.1, within(1e-9));
        assertThat(cores.get(ThreadCpu.LOAD_GENERATOR)).isCloseTo(0.1, within(1e-9));
        assertThat(cores.keySet()).first().isEqualTo("golden + writers");
    }
}
