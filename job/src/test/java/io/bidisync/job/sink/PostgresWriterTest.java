package io.bidisync.job.sink;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestConfigs;

import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The writer against a real PostgreSQL ({@link BaseWriterTest}'s scenarios), and what only this
 * server can show here: an outage, as the test can stop and restart it.
 */
class PostgresWriterTest extends BaseWriterTest {
    private static LocalPostgres pg;
    private static SyncConfig config;

    @BeforeAll
    static void startDatabase() throws Exception {
        pg = LocalPostgres.start("writer");
        pg.createDatabase("erp");
        config =
                TestConfigs.parse(
                        TestConfigs.crmErpYaml(
                                        pg.jdbcUrl("erp"),
                                        pg.jdbcUrl("erp"),
                                        "dead-letters: { system: erp }\n")
                                .replace(
                                        "write: [insert, update]",
                                        "write: [insert, update, delete]"));
        JobTables.ensure(config);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pg.close();
    }

    @Override
    SyncConfig config() {
        return config;
    }

    @Override
    Connection connect() throws SQLException {
        return pg.connect("erp");
    }

    @Override
    void resetTables() throws Exception {
        pg.execute(
                "erp",
                "TRUNCATE bidisync_dead_letter, bidisync_writes; DROP TABLE IF EXISTS client; "
                        + SyncedSystem.erp().ddl()
                        + "INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo'),"
                        + " ('bob@example.com', 'Bob', 'Bergen');");
    }

    @Override
    char quote() {
        return '"';
    }

    @Override
    String heartbeatQuery() {
        return "SELECT to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US') FROM bidisync_heartbeat";
    }

    @Override
    String heartbeatAgeQuery() {
        return "SELECT CAST(abs(extract(epoch FROM now() - ts)) AS bigint) FROM bidisync_heartbeat";
    }

    @Override
    void assertTooLong(AbstractStringAssert<?> reason) {
        reason.startsWith("SQLState 22001: ERROR: value too long");
    }

    @Test
    void aDatabaseOutageHoldsTheWritesBackUntilItReturns() throws Exception {
        JdbcSyncWriter writer = writer(0);
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
        assertThat(writer.counters().updates.getCount()).isEqualTo(1);
    }

    @Test
    void anOutageLongerThanTheTimeoutFailsTheFlush() throws Exception {
        SyncConfig impatient =
                TestConfigs.parse(
                        TestConfigs.crmErpYaml(pg.jdbcUrl("erp"), pg.jdbcUrl("erp"), "")
                                .replace(
                                        "flush-interval: 100ms",
                                        "flush-interval: 100ms\n  retry-backoff: 100ms\n  outage-timeout: 1s"));
        JdbcSyncWriter w = writer(impatient, 1);
        pg.stop();
        try {
            w.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("system erp: database unreachable for")
                    .hasMessageContaining("writer.outage-timeout")
                    .hasMessageContaining("1 rows not written");
        } finally {
            pg.restart();
        }
    }
}
