package io.bidisync.job.scenario;

import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inserts that do not land for a long time — held by the mass-change breaker, or rejected by the
 * database — through real PostgreSQL and CDC, with an insert timeout of 2 s: the golden stage
 * learns what became of each and does not send it again, however many timeouts pass.
 */
class UnlandedInsertsITCase extends MiniClusterITCase {
    /** Well beyond the 4 attempts' waits of 2 + 4 + 8 + 16 s. */
    private static final Duration SEVERAL_TIMEOUTS = Duration.ofSeconds(35);

    /** With a customer both systems have (the first golden record), and a 2 s insert timeout. */
    private static SyncRun.Builder shortTimeouts(SyncRun.Builder builder) {
        return builder.seed(
                        "crm",
                        "INSERT INTO customer (email, full_name) VALUES ('a@example.com', 'A')")
                .seed("erp", "INSERT INTO client (mail, name) VALUES ('a@example.com', 'A')")
                .settings(
                        s ->
                                s.replace(
                                        "flush-interval: 100ms",
                                        "flush-interval: 100ms\n  insert-timeout: 2s"));
    }

    @Test
    void anInsertTheBreakerHoldsIsHeldOnce() throws Exception {
        try (SyncRun run =
                shortTimeouts(SyncRun.of(crm(), erp()))
                        .extra("safety: { max-writes-per-system: 1, window: 10m }\n")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            run.execute(
                    "crm",
                    "INSERT INTO customer (email, full_name) SELECT 'h' || i || '@example.com',"
                            + " 'Held ' || i FROM generate_series(1, 5) i");
            Await.until(
                    "the breaker to hold ERP's inserts",
                    CONVERGENCE,
                    () -> run.metric(metrics, "system.erp.writesHeld") == 4,
                    () -> "held " + run.metric(metrics, "system.erp.writesHeld"));
            awaitEventTimeBeyondEveryRetry(run);

            assertThat(run.metric(metrics, "system.erp.writesHeld")).isEqualTo(4);
            assertThat(count(run, "erp", "SELECT count(*) FROM bidisync_held_writes"))
                    .as("each held insert reported once")
                    .isEqualTo(4);
            assertThat(run.metric(metrics, "system.erp.deadLetters")).isZero();
        }
    }

    @Test
    void anInsertTheDatabaseRejectsIsDeadLetteredOnce() throws Exception {
        try (SyncRun run =
                shortTimeouts(
                                SyncRun.of(
                                        crm(),
                                        erp().withDdl(
                                                        erp().ddl()
                                                                .replace(
                                                                        "name varchar(120)",
                                                                        "name varchar(12)"))))
                        .extra("dead-letters: { system: crm, table: bidisync_dead_letter }\n")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            run.execute(
                    "crm",
                    "INSERT INTO customer (email, full_name) VALUES"
                            + " ('long@example.com', 'A name much too long for ERP')");
            Await.until(
                    "the dead letter",
                    CONVERGENCE,
                    () -> deadLetters(run) == 1,
                    () -> deadLetters(run) + " dead letters");
            awaitEventTimeBeyondEveryRetry(run);

            assertThat(deadLetters(run)).as("dead-lettered once").isEqualTo(1);
            assertThat(run.metric(metrics, "system.erp.deadLetters")).isEqualTo(1);
            assertThat(run.rows("erp")).noneMatch(r -> "long@example.com".equals(r.email()));
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
        }
    }

    /**
     * Waits until the golden stage's watermark has passed every retry of an insert decided now:
     * then every timer that could send it again has fired.
     */
    private void awaitEventTimeBeyondEveryRetry(SyncRun run) throws Exception {
        long beyond = System.currentTimeMillis() + SEVERAL_TIMEOUTS.toMillis();
        Await.until(
                "the golden stage's watermark to pass " + beyond,
                CONVERGENCE,
                () -> goldenWatermark(run.jobId()) >= beyond,
                () -> "watermark " + goldenWatermark(run.jobId()));
    }

    private static long deadLetters(SyncRun run) throws Exception {
        return count(
                run,
                "crm",
                "SELECT count(*) FROM bidisync_dead_letter WHERE key = 'long@example.com'");
    }

    private static long count(SyncRun run, String system, String sql) throws Exception {
        try (Connection c = run.connect(system);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
