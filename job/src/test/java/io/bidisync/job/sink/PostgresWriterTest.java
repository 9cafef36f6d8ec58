package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.demo.CustomerTables;
import io.bidisync.job.demo.CustomerTables.Row;
import io.bidisync.job.demo.LocalPostgres;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;
import io.bidisync.job.testutil.TestConfigs;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The writer against a real PostgreSQL, driven by a test clock instead of the task's timers. */
class JdbcSyncWriterTest {
    private static LocalPostgres pg;
    private static SyncConfig config;

    private TestProcessingTimeService time;
    private JdbcSyncWriter writer;
    private WriteCounters counters;

    @BeforeAll
    static void startDatabase() throws Exception {
        pg = LocalPostgres.start("writer");
        pg.createDatabase("erp");
        config =
                TestConfigs.parse(
                        TestConfigs.crmErpYaml(
                                pg.jdbcUrl("erp"),
                                pg.jdbcUrl("erp"),
                                "dead-letters: { system: erp }\n"));
        JobTables.ensure(config);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pg.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        pg.execute(
                "erp",
                "TRUNCATE bidisync_dead_letter; DROP TABLE IF EXISTS client; "
                        + CustomerTables.ERP
                        + "INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo'),"
                        + " ('bob@example.com', 'Bob', 'Bergen');");
        time = new TestProcessingTimeService();
        time.setCurrentTime(0);
        UnregisteredMetricsGroup metrics = new UnregisteredMetricsGroup();
        writer = new JdbcSyncWriter(config, config.system("erp"), time, metrics, 0);
        counters = writer.counters();
    }

    @AfterEach
    void tearDown() {
        writer.close();
    }

    private static WriteIntent update(String id, long version, String... values) {
        return new WriteIntent(
                "erp",
                Operation.UPDATE,
                values[0],
                id,
                version,
                new String[0],
                values,
                new long[] {1, 2, 3, 4},
                0);
    }

    private static WriteIntent insert(String key, String... values) {
        return new WriteIntent(
                "erp", Operation.INSERT, key, null, null, new String[0], values, new long[4], 0);
    }

    private List<Row> rows() throws Exception {
        try (Connection c = pg.connect("erp")) {
            return CustomerTables.erpRows(c);
        }
    }

    @Test
    void flushesOnTheTimerAndCountsEveryOutcome() throws Exception {
        writer.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
        writer.write(update("2", 7, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("ann@example.com", " ANN@example.com", "Ann", null, null), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        assertThat(rows()).hasSize(2).allMatch(r -> r.version() == 1);

        time.setCurrentTime(config.writer().flushInterval().toMillis());

        assertThat(rows())
                .extracting(Row::id, Row::phone, Row::city, Row::version)
                .containsExactly(
                        tuple("1", "555", "Oslo", 2L),
                        tuple("2", null, "Bergen", 1L),
                        tuple("3", null, "Hamar", 1L));
        assertThat(counters.updates.getCount()).isEqualTo(1);
        assertThat(counters.conflicts.getCount()).isEqualTo(1);
        assertThat(counters.insertsBlocked.getCount()).isEqualTo(1);
        assertThat(counters.inserts.getCount()).isEqualTo(1);
        // The transaction recorded itself, with the source times of what it wrote.
        try (Connection c = pg.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery("SELECT id, payload FROM bidisync_writes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
            // A stamp keeps any two payloads apart (MySQL logs no change for a no-op UPDATE).
            assertThat(rs.getString(2).replaceFirst("^\\{\"at\":-?\\d+,", "{"))
                    .isEqualTo(
                            "{\"u\":{\"1\":[1,2,3,4],\"2\":[1,2,3,4]},"
                                    + "\"i\":{\"ann@example.com\":[0,0,0,0],\"cid@example.com\":[0,0,0,0]}}");
        }
    }

    @Test
    void aDatabaseOutageHoldsTheWritesBackUntilItReturns() throws Exception {
        pg.stop();
        long stoppedAt = System.nanoTime();
        Thread restart =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(3_000);
                                pg.restart();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        restart.start();
        try {
            writer.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
            // Retries with backoff (capped) past the default three attempts until the server is
            // back, instead of failing.
            writer.flush(false);
        } finally {
            restart.join();
        }

        assertThat((System.nanoTime() - stoppedAt) / 1_000_000).isGreaterThanOrEqualTo(3_000);
        assertThat(rows())
                .extracting(Row::id, Row::phone, Row::version)
                .contains(tuple("1", "555", 2L));
        assertThat(counters.updates.getCount()).isEqualTo(1);
    }

    @Test
    void anOutageLongerThanTheTimeoutFailsTheFlush() throws Exception {
        SyncConfig impatient =
                TestConfigs.parse(
                        TestConfigs.crmErpYaml(pg.jdbcUrl("erp"), pg.jdbcUrl("erp"), "")
                                .replace(
                                        "flush-interval: 100ms",
                                        "flush-interval: 100ms\n  retry-backoff: 100ms\n  outage-timeout: 1s"));
        JdbcSyncWriter w =
                new JdbcSyncWriter(
                        impatient,
                        impatient.system("erp"),
                        time,
                        new UnregisteredMetricsGroup(),
                        1);
        pg.stop();
        try {
            w.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("system erp: database unreachable for")
                    .hasMessageContaining("writer.outage-timeout")
                    .hasMessageContaining("1 rows not written");
        } finally {
            pg.restart();
            w.close();
        }
    }

    @Test
    void aRowTheColumnCannotHoldIsDeadLetteredAndTheRestIsWritten() throws Exception {
        String tooLong = "x".repeat(200);
        writer.write(update("1", 1, "ann@example.com", tooLong, null, "Oslo"), null);
        writer.write(update("2", 1, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.flush(false);

        assertThat(counters.deadLetters.getCount()).isEqualTo(1);
        try (Connection c = pg.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT system, key, operation, reason, payload FROM bidisync_dead_letter")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("erp");
            assertThat(rs.getString(2)).isEqualTo("1");
            assertThat(rs.getString(3)).isEqualTo("update");
            assertThat(rs.getString(4)).startsWith("SQLState 22001: ERROR: value too long");
            assertThat(rs.getString(5)).contains("name=" + tooLong);
            assertThat(rs.next()).isFalse();
        }
        assertThat(rows()).extracting(Row::name).containsExactly("Ann", "Bob", "Cid");
        assertThat(rows().get(1).city()).isEqualTo("Molde");
        assertThat(counters.updates.getCount()).isEqualTo(1);
        assertThat(counters.inserts.getCount()).isEqualTo(1);
    }

    @Test
    void onlyTheLatestIntentPerRowIsWritten() throws Exception {
        writer.write(update("1", 1, "ann@example.com", "Ann", null, "Drammen"), null);
        writer.write(update("1", 1, "ann@example.com", "Ann", null, "Hamar"), null);
        writer.flush(false);
        assertThat(rows().get(0).city()).isEqualTo("Hamar");
        assertThat(counters.updates.getCount()).isEqualTo(1);
        assertThat(counters.conflicts.getCount()).isZero();
    }

    @Test
    void writesTheHeartbeatEveryInterval() throws Exception {
        String before = heartbeat();
        Thread.sleep(20);
        time.setCurrentTime(config.completeness().heartbeatInterval().toMillis());
        String after = heartbeat();
        assertThat(after).isGreaterThan(before);
        Thread.sleep(20);
        time.setCurrentTime(2 * config.completeness().heartbeatInterval().toMillis());
        assertThat(heartbeat()).isGreaterThan(after);
    }

    private String heartbeat() throws Exception {
        try (Connection c = pg.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US') FROM bidisync_heartbeat")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
