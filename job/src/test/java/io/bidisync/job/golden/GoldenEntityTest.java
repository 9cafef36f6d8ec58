package io.bidisync.job.golden;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.types.StoredType;
import io.bidisync.udfs.types.ValueType;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden record's decisions without Flink: links in, writes, timers and state out (the
 * operator's timers and watermarks are tested in {@link GoldenRecordFunctionTest}).
 */
class GoldenEntityTest {
    private static final String ANN = "ann@example.com";

    /** Everything the decisions produced. */
    private static final class Recorded implements GoldenOutputs {
        final List<WriteIntent> writes = new ArrayList<>();
        final List<String> deadLetters = new ArrayList<>();
        int echoes;
        int late;

        @Override
        public void write(WriteIntent intent) {
            writes.add(intent);
        }

        @Override
        public void audit(
                long time,
                String system,
                String row,
                String action,
                Long version,
                String reason,
                String detail) {}

        @Override
        public void golden(GoldenRecord record) {}

        @Override
        public void deadLetter(String systems, String operation, String reason, String payload) {
            deadLetters.add(operation + ": " + reason);
        }

        @Override
        public void echo() {
            echoes++;
        }

        @Override
        public void late() {
            late++;
        }

        @Override
        public void frozen() {}

        @Override
        public void emitted() {}
    }

    private final SyncConfig config = TestConfigs.offline();
    private final GoldenEntity entity = new GoldenEntity(new GoldenRules(config, false));
    private final Recorded out = new Recorded();
    private GoldenState state;

    /** Loads the stored state, applies the change, stores the state again (as the operator). */
    private void apply(LinkChange change, long watermark) {
        entity.load(ANN, state);
        entity.apply(change, watermark, out);
        state = entity.state();
    }

    private void fire(long timestamp) {
        entity.load(ANN, state);
        entity.fire(timestamp, timestamp, out);
        state = entity.state();
    }

    private static LinkChange row(
            String system,
            String id,
            long version,
            long time,
            LinkChange.Origin origin,
            String... values) {
        long[] changedAt = new long[values.length];
        Arrays.fill(changedAt, time);
        return new LinkChange(
                ANN, LinkChange.Kind.UPSERT, system, id, version, time, values, changedAt, origin);
    }

    @Test
    void aValueInAKeyColumnIsNeverUpdatedButTheRestOfTheRowIs() {
        // ERP's key is (client_no, town): the town carries the city, which survives from CRM.
        SyncConfig keyed =
                TestConfigs.offline(
                        yaml ->
                                yaml.replace(
                                        "primary-key: client_no",
                                        "primary-key: [client_no, town]"));
        GoldenEntity keyedEntity = new GoldenEntity(new GoldenRules(keyed, false));
        keyedEntity.load(ANN, null);
        keyedEntity.apply(
                row(
                        "erp",
                        "[\"9\",\"oslo\"]",
                        1,
                        1_000,
                        LinkChange.Origin.OUTSIDE,
                        ANN,
                        "Ann",
                        "1",
                        "oslo"),
                0,
                out);
        keyedEntity.apply(
                row("crm", "1", 1, 2_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "2", "Oslo"),
                0,
                out);
        keyedEntity.fire(3_000, 3_000, out);
        assertThat(out.writes)
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.system()).isEqualTo("erp");
                            assertThat(w.operation()).isEqualTo(WriteIntent.Operation.UPDATE);
                            assertThat(w.localId()).isEqualTo("[\"9\",\"oslo\"]");
                            assertThat(w.values()).containsExactly(ANN, "Ann", "2", "Oslo");
                        });

        // The phone's echo: the row still says "oslo" in its key, and that is no difference.
        out.writes.clear();
        keyedEntity.apply(
                row(
                        "erp",
                        "[\"9\",\"oslo\"]",
                        2,
                        3_500,
                        LinkChange.Origin.JOB,
                        ANN,
                        "Ann",
                        "2",
                        "oslo"),
                3_000,
                out);
        keyedEntity.fire(5_000, 5_000, out);
        assertThat(out.writes).isEmpty();
        assertThat(out.echoes).isEqualTo(1);
    }

    @Test
    void aLossyColumnGetsTheCutValueWhoseEchoIsNoChangeButItsOwnChangeIs() {
        // ERP's town holds three characters; CRM's city any number.
        SyncConfig declared =
                TestConfigs.offline(
                        yaml ->
                                yaml.replace(
                                        "    table: public.client\n",
                                        "    table: public.client\n    lossy: [city]\n"));
        SystemConfig erp =
                declared.system("erp")
                        .withLossy(Map.of("city", new StoredType(ValueType.TEXT, 3, -1, -1)));
        SyncConfig lossy = declared.withSystems(Map.of("crm", declared.system("crm"), "erp", erp));
        GoldenEntity cut = new GoldenEntity(new GoldenRules(lossy, false));
        cut.load(ANN, null);
        cut.apply(
                row("crm", "1", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Oslo"),
                0,
                out);
        cut.apply(
                row("erp", "9", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Osl"),
                0,
                out);
        cut.fire(2_000, 2_000, out);
        assertThat(out.writes).as("Osl is Oslo as ERP stores it: nothing to write").isEmpty();

        // A new city in CRM: written to ERP; its echo, cut, changes nothing in CRM.
        cut.apply(
                row("crm", "1", 2, 3_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Bergen"),
                2_000,
                out);
        cut.fire(4_000, 4_000, out);
        assertThat(out.writes)
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.system()).isEqualTo("erp");
                            assertThat(w.values()[3]).isEqualTo("Bergen");
                        });
        out.writes.clear();
        cut.apply(
                row("erp", "9", 2, 4_500, LinkChange.Origin.JOB, ANN, "Ann", "1", "Ber"),
                4_000,
                out);
        cut.fire(6_000, 6_000, out);
        assertThat(out.writes).isEmpty();
        assertThat(out.echoes).isEqualTo(1);

        // A city entered in ERP is a change, even cut: CRM gets it.
        cut.apply(
                row("erp", "9", 3, 7_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Rom"),
                6_000,
                out);
        cut.fire(8_000, 8_000, out);
        assertThat(out.writes)
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.system()).isEqualTo("crm");
                            assertThat(w.values()[3]).isEqualTo("Rom");
                        });
    }

    @Test
    void aRowInOneSystemIsInsertedIntoTheOtherOnceCompleteAndTheInsertAwaitsItsEcho() {
        apply(row("crm", "1", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Oslo"), 0);
        entity.load(ANN, state);
        assertThat(entity.timers()).as("due at change + delay").containsExactly(2_000L);
        assertThat(out.writes).isEmpty();

        fire(2_000);
        assertThat(out.writes)
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.system()).isEqualTo("erp");
                            assertThat(w.operation()).isEqualTo(WriteIntent.Operation.INSERT);
                        });
        entity.load(ANN, state);
        long timeout = config.writer().insertTimeout().toMillis();
        assertThat(entity.timers()).as("the insert's timeout").containsExactly(2_000L + timeout);

        // The inserted row comes back: an echo, nothing more to write, no timer left.
        apply(row("erp", "9", 1, 2_500, LinkChange.Origin.JOB, ANN, "Ann", "1", "Oslo"), 2_000);
        fire(3_500);
        assertThat(out.echoes).isEqualTo(1);
        assertThat(out.writes).hasSize(1);
        entity.load(ANN, state);
        assertThat(entity.timers()).isEmpty();
    }

    @Test
    void aHeldInsertNeedsNoTimer() {
        apply(row("crm", "1", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Oslo"), 0);
        fire(2_000);
        apply(
                new LinkChange(
                        ANN,
                        LinkChange.Kind.INSERT_HELD,
                        "erp",
                        null,
                        null,
                        2_100,
                        new String[0],
                        new long[0],
                        LinkChange.Origin.JOB),
                2_000);
        entity.load(ANN, state);
        assertThat(entity.timers()).isEmpty();
        assertThat(entity.waiting()).isFalse();
    }

    @Test
    void aChangeBehindTheWatermarkIsLateAndDecidedAtOnce() {
        apply(row("crm", "1", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Oslo"), 5_000);
        assertThat(out.late).isEqualTo(1);
        entity.load(ANN, state);
        assertThat(entity.timers()).containsExactly(2_000L);
    }

    @Test
    void theStateEndsWhenTheLastRowIsGoneAndTheInsertTimeoutHasPassed() {
        apply(row("crm", "1", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Oslo"), 0);
        apply(row("erp", "7", 1, 1_000, LinkChange.Origin.OUTSIDE, ANN, "Ann", "1", "Oslo"), 0);
        fire(2_000);
        for (String[] gone : new String[][] {{"crm", "1"}, {"erp", "7"}}) {
            apply(
                    new LinkChange(
                            ANN,
                            LinkChange.Kind.DELETED,
                            gone[0],
                            gone[1],
                            null,
                            3_000,
                            new String[0],
                            new long[0],
                            LinkChange.Origin.OUTSIDE),
                    2_000);
        }
        assertThat(state).as("kept for its left-markers").isNotNull();
        entity.load(ANN, state);
        long until = entity.timers().last();
        fire(until);
        assertThat(state).isNull();
        assertThat(out.writes).isEmpty();
    }
}
