package io.bidisync.job.sink;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.TestConfigs;

import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The writer against a real MariaDB, ERP through a {@code jdbc:mysql:} URL ({@link
 * BaseWriterTest}'s scenarios), and what only this dialect has: the job's tables in each system's
 * database, and the guarded INSERT's locking read.
 */
class MySqlWriterTest extends BaseWriterTest {
    private static LocalMariaDb db;
    private static SyncConfig config;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = LocalMariaDb.shared();
        db.recreateDatabase("crm");
        db.recreateDatabase("erp");
        db.execute("crm", LocalMariaDb.CRM_CUSTOMER);
        config =
                TestConfigs.parse(
                        db.crmErpYaml("dead-letters: { system: erp }\n")
                                .replace(
                                        "write: [insert, update]",
                                        "write: [insert, update, delete]"));
        JobTables.ensure(config);
    }

    @Override
    SyncConfig config() {
        return config;
    }

    @Override
    Connection connect() throws SQLException {
        return db.connect("erp");
    }

    @Override
    void resetTables() throws Exception {
        db.execute(
                "erp",
                "DELETE FROM bidisync_dead_letter; DELETE FROM bidisync_writes; DROP TABLE IF EXISTS client; "
                        + LocalMariaDb.ERP_CLIENT
                        + "; INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo'),"
                        + " ('bob@example.com', 'Bob', 'Bergen')");
    }

    @Override
    char quote() {
        return '`';
    }

    @Override
    String heartbeatQuery() {
        return "SELECT DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f') FROM bidisync_heartbeat WHERE id = 1";
    }

    @Override
    String heartbeatAgeQuery() {
        return "SELECT ABS(TIMESTAMPDIFF(SECOND, ts, CURRENT_TIMESTAMP(6))) FROM bidisync_heartbeat";
    }

    @Override
    void assertTooLong(AbstractStringAssert<?> reason) {
        reason.startsWith("SQLState 22001: ").contains("Data too long");
    }

    @Test
    void jobTablesAreCreatedInTheSystemsDatabases() throws Exception {
        try (Connection c = db.connect("");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ':', ENGINE)"
                                                + " FROM information_schema.TABLES"
                                                + " WHERE TABLE_NAME LIKE 'bidisync%' ORDER BY 1")) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables)
                    .containsExactly(
                            "crm.bidisync_heartbeat:InnoDB",
                            "crm.bidisync_writes:InnoDB",
                            "erp.bidisync_dead_letter:InnoDB",
                            "erp.bidisync_heartbeat:InnoDB",
                            "erp.bidisync_writes:InnoDB");
        }
        assertThat(heartbeat()).isNotNull();
        // Running it again changes nothing.
        JobTables.ensure(config);
    }

    /**
     * Another session inserts a row with the same normalised key and commits only while the job's
     * guarded INSERT waits for it: the INSERT then sees it and inserts nothing. This holds with the
     * server's default isolation set to READ COMMITTED, where the guard's read would otherwise be a
     * snapshot: the job's sessions run in REPEATABLE READ.
     */
    @Test
    void aRowCommittedWhileTheInsertWaitsBlocksIt() throws Exception {
        db.execute("erp", "SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED");
        try (Connection other = db.connect("erp")) {
            JdbcSyncWriter writer = writer(0);
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeUpdate(
                        "INSERT INTO client (mail, name, phone) VALUES (' IDA@example.com', 'Ida I.', '555')");
            }
            writer.write(insert("ida@example.com", "ida@example.com", "Ida", null, "Hamar"), null);
            CompletableFuture<Void> flush =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    writer.flush(false);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            Await.until(
                    "the job's insert to wait",
                    Duration.ofSeconds(15),
                    () -> {
                        try (Connection c = db.connect("erp")) {
                            return Database.sessionsWaitingForLock(c) > 0;
                        }
                    });
            assertThat(flush).isNotDone();
            other.commit();
            flush.get();

            assertThat(writer.counters().insertsBlocked.getCount()).isEqualTo(1);
            assertThat(writer.counters().inserts.getCount()).isZero();
            assertThat(rows())
                    .extracting(Row::email, Row::name)
                    .containsExactly(
                            tuple("ann@example.com", "Ann"),
                            tuple("bob@example.com", "Bob"),
                            tuple(" IDA@example.com", "Ida I."));
        } finally {
            db.execute("erp", "SET GLOBAL TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        }
    }
}
