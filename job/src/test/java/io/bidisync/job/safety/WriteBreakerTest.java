package io.bidisync.job.safety;

import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.golden.WriteIntent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaker's counting, holding and releasing, with the test harness's clock, reporting to a
 * control that records what it is told ({@link BreakerTablesTest} covers the databases).
 */
class WriteBreakerTest {
    /** What the breakers of a test reported, by call. */
    static final List<String> REPORTS = Collections.synchronizedList(new ArrayList<>());

    /** Records every report; nobody ever confirms. */
    static final class RecordingControl implements BreakerControl {
        @Override
        public void tripped(SystemConfig system, long limit) {
            REPORTS.add("tripped " + system.name() + " at " + limit);
        }

        @Override
        public void held(SystemConfig system, List<WriteIntent> writes, long total) {
            for (WriteIntent w : writes) {
                REPORTS.add("held " + system.name() + " " + w.targetRow());
            }
        }

        @Override
        public boolean confirmed(SystemConfig system) {
            return false;
        }

        @Override
        public void released(SystemConfig system) {
            REPORTS.add("released " + system.name());
        }

        @Override
        public long rows(SystemConfig system) {
            return 1_000;
        }

        @Override
        public void reset(SystemConfig system) {}

        @Override
        public void close() {}
    }

    @BeforeEach
    void clearReports() {
        REPORTS.clear();
    }

    private static final String CONFIG =
            """
            name: t
            match-key: { attribute: email }
            attributes: [email]
            safety: { max-writes-per-system: %d, window: 10m }
            systems:
              crm:
                connection: { url: "jdbc:postgresql://127.0.0.1:1/none", username: u }
                table: customer
                primary-key: id
                columns: { email: email }
                write: [insert, update]
              erp:
                connection: { url: "jdbc:postgresql://127.0.0.1:1/none", username: u }
                table: client
                primary-key: id
                columns: { email: mail }
                write: [insert, update]
            """;

    private KeyedOneInputStreamOperatorTestHarness<String, WriteIntent, WriteIntent> harness;

    private static KeyedOneInputStreamOperatorTestHarness<String, WriteIntent, WriteIntent> harness(
            int limit, OperatorSubtaskState restored, long now) throws Exception {
        SyncConfig config = ConfigLoader.parse(CONFIG.formatted(limit), k -> null);
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new WriteBreaker(config, subtask -> new RecordingControl())),
                        WriteIntent::system,
                        Types.STRING);
        h.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        h.setProcessingTime(now);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static WriteIntent update(String system, int row) {
        return new WriteIntent(
                system,
                WriteIntent.Operation.UPDATE,
                "p" + row + "@x.no",
                String.valueOf(row),
                1L,
                new String[] {"p" + row + "@x.no"},
                new String[] {"P" + row + "@x.no"},
                new long[] {1L},
                5L);
    }

    private List<String> drain() {
        List<String> out =
                harness.extractOutputValues().stream()
                        .map(w -> w.system() + "/" + w.localId())
                        .toList();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void holdsASystemsWritesPastTheLimitAndReleasesThemInOrderWhenTheLimitIsRaised()
            throws Exception {
        harness = harness(3, null, 1_000);
        for (int row = 1; row <= 6; row++) {
            harness.processElement(update("erp", row), 5L);
        }
        harness.processElement(update("crm", 1), 5L);
        assertThat(drain()).containsExactly("erp/1", "erp/2", "erp/3", "crm/1");

        // Still held after a while: nobody confirmed, the limit has no room.
        harness.setProcessingTime(1_000 + 3 * WriteBreaker.POLL_MILLIS);
        harness.processElement(update("erp", 7), 5L);
        assertThat(drain()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        // The operator raises the limit and restarts the job from a savepoint.
        OperatorSubtaskState savepoint = harness.snapshot(1, 10_000);
        harness.close();
        harness = harness(20, savepoint, 20_000);
        harness.setProcessingTime(20_000 + WriteBreaker.POLL_MILLIS);
        assertThat(drain()).containsExactly("erp/4", "erp/5", "erp/6", "erp/7");
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // Closed again: the next write passes at once.
        harness.processElement(update("erp", 8), 5L);
        assertThat(drain()).containsExactly("erp/8");
    }

    @Test
    void writesOutsideTheWindowNoLongerCount() throws Exception {
        harness = harness(2, null, 0);
        harness.processElement(update("erp", 1), 5L);
        harness.processElement(update("erp", 2), 5L);
        harness.setProcessingTime(11 * 60_000);
        harness.processElement(update("erp", 3), 5L);
        harness.processElement(update("erp", 4), 5L);
        assertThat(drain()).containsExactly("erp/1", "erp/2", "erp/3", "erp/4");
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private static WriteIntent insert(String system, String key, long decidedAt, String value) {
        return new WriteIntent(
                system,
                WriteIntent.Operation.INSERT,
                key,
                null,
                null,
                new String[0],
                new String[] {value},
                new long[] {1L},
                decidedAt);
    }

    @Test
    void aRowIsHeldOnceWithItsNewestWriteHoweverOftenItIsDecided() throws Exception {
        harness = harness(1, null, 1_000);
        harness.processElement(update("erp", 1), 5L);
        // Tripped: the golden stage's retries of one insert, and two updates of one row.
        for (long at = 10; at <= 50; at += 10) {
            harness.processElement(insert("erp", "ann@x.no", at, "ann@x.no v" + at), at);
        }
        harness.processElement(update("erp", 2), 60L);
        WriteIntent newer = update("erp", 2);
        harness.processElement(
                new WriteIntent(
                        "erp",
                        WriteIntent.Operation.UPDATE,
                        newer.goldenKey(),
                        "2",
                        1L,
                        newer.expectedValues(),
                        new String[] {"newest"},
                        new long[] {70L},
                        70L),
                70L);
        assertThat(drain()).containsExactly("erp/1");
        harness.setProcessingTime(1_000 + WriteBreaker.POLL_MILLIS);
        assertThat(REPORTS)
                .as("each row reported once")
                .containsExactly("tripped erp at 1", "held erp +ann@x.no", "held erp 2");

        OperatorSubtaskState savepoint = harness.snapshot(1, 10_000);
        harness.close();
        harness = harness(100, savepoint, 20_000);
        harness.setProcessingTime(20_000 + WriteBreaker.POLL_MILLIS);
        List<WriteIntent> released = harness.extractOutputValues();
        assertThat(released)
                .extracting(WriteIntent::targetRow, w -> w.values()[0])
                .containsExactly(
                        org.assertj.core.api.Assertions.tuple("+ann@x.no", "ann@x.no v50"),
                        org.assertj.core.api.Assertions.tuple("2", "newest"));
    }

    @Test
    void writesHeldBeforeAttributesWereAppendedAreReleasedWithRoomForThem() throws Exception {
        harness = harness(1, null, 1_000);
        harness.processElement(update("erp", 1), 5L);
        harness.processElement(update("erp", 2), 5L);
        OperatorSubtaskState savepoint = harness.snapshot(1, 10_000);
        harness.close();

        SyncConfig appended =
                ConfigLoader.parse(
                        CONFIG.formatted(100)
                                .replace("attributes: [email]", "attributes: [email, city]")
                                .replace(
                                        "columns: { email: email }",
                                        "columns: { email: email, city: city }"),
                        k -> null);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new WriteBreaker(appended, subtask -> new RecordingControl())),
                        WriteIntent::system,
                        Types.STRING);
        harness.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        harness.setProcessingTime(20_000);
        harness.initializeState(savepoint);
        harness.open();
        harness.setProcessingTime(20_000 + WriteBreaker.POLL_MILLIS);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.values()).containsExactly("P2@x.no", null);
                            assertThat(w.expectedValues()).containsExactly("p2@x.no", null);
                        });
    }
}
