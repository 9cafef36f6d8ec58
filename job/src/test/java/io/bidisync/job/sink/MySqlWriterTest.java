package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.demo.CustomerTables;
import io.bidisync.job.demo.CustomerTables.Row;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.TestConfigs;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The writer against a real MariaDB (ERP through a {@code jdbc:mysql:} URL), driven by a test clock
 * instead of the task's timers, as {@link JdbcSyncWriterTest} drives it against PostgreSQL.
 */
class MySqlWriterTest {
    private static LocalMariaDb db;
    private static SyncConfig config;

    private TestProcessingTimeService time;
    private final List<JdbcSyncWriter> writers = new ArrayList<>();

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

    @BeforeEach
    void setUp() throws Exception {
        db.execute(
                "erp",
                "DELETE FROM bidisync_dead_letter; DELETE FROM bidisync_writes; DROP TABLE IF EXISTS client; "
                        + LocalMariaDb.ERP_CLIENT
                        + "; INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo'),"
                        + " ('bob@example.com', 'Bob', 'Bergen')");
        time = new TestProcessingTimeService();
        time.setCurrentTime(0);
    }

    @AfterEach
    void tearDown() {
        writers.forEach(JdbcSyncWriter::close);
        writers.clear();
    }

    private JdbcSyncWriter writer(int subtask) throws Exception {
        JdbcSyncWriter writer =
                new JdbcSyncWriter(
                        config,
                        config.system("erp"),
                        time,
                        new UnregisteredMetricsGroup(),
                        subtask);
        writers.add(writer);
        return writer;
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

    private static WriteIntent delete(String id, long version) {
        return new WriteIntent(
                "erp",
                Operation.DELETE,
                "x",
                id,
                version,
                new String[4],
                new String[4],
                new long[4],
                0);
    }

    private List<Row> rows() throws Exception {
        try (Connection c = db.connect("erp")) {
            return CustomerTables.erpRows(c);
        }
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

    @Test
    void flushesOnTheTimerAndCountsEveryOutcome() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
        writer.write(update("2", 7, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("ann@example.com", " ANN@example.com", "Ann", null, null), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.write(insert("dan@example.com", "Dan@Example.com", "Dan", "777", null), null);
        assertThat(rows()).hasSize(2).allMatch(r -> r.version() == 1);

        time.setCurrentTime(config.writer().flushInterval().toMillis());

        assertThat(rows())
                .extracting(Row::id, Row::email, Row::phone, Row::city, Row::version)
                .containsExactly(
                        tuple("1", "ann@example.com", "555", "Oslo", 2L),
                        tuple("2", "bob@example.com", null, "Bergen", 1L),
                        tuple("3", "cid@example.com", null, "Hamar", 1L),
                        tuple("4", "Dan@Example.com", "777", null, 1L));
        WriteCounters counters = writer.counters();
        assertThat(counters.updates.getCount()).isEqualTo(1);
        assertThat(counters.conflicts.getCount()).isEqualTo(1);
        assertThat(counters.insertsBlocked.getCount()).isEqualTo(1);
        assertThat(counters.inserts.getCount()).isEqualTo(2);
        // The transaction recorded itself, with the source times of what it wrote.
        try (Connection c = db.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery("SELECT id, payload FROM bidisync_writes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
            // A stamp keeps any two payloads apart (MySQL logs no change for a no-op UPDATE).
            assertThat(rs.getString(2).replaceFirst("^\\{\"at\":-?\\d+,", "{"))
                    .isEqualTo(
                            "{\"u\":{\"1\":[1,2,3,4],\"2\":[1,2,3,4]},"
                                    + "\"i\":{\"ann@example.com\":[0,0,0,0],\"cid@example.com\":[0,0,0,0],"
                                    + "\"dan@example.com\":[0,0,0,0]}}");
            assertThat(rs.next()).isFalse();
        }

        // The same inserts again (a replay after a failure): nothing new.
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.write(insert("dan@example.com", "dan@example.com", "Dan", "777", null), null);
        writer.flush(false);
        assertThat(rows()).hasSize(4);
        assertThat(counters.insertsBlocked.getCount()).isEqualTo(3);
        // A second writer subtask upserts its own row of the writes table.
        JdbcSyncWriter second = writer(1);
        second.write(update("1", 2, "ann@example.com", "Ann", "556", "Oslo"), null);
        second.flush(false);
        assertThat(count("SELECT count(*) FROM bidisync_writes")).isEqualTo(2);
        assertThat(rows().get(0).phone()).isEqualTo("556");
    }

    @Test
    void deletesOnlyTheVersionLastSeen() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(delete("1", 3), null);
        writer.write(delete("2", 1), null);
        writer.flush(false);
        assertThat(rows()).extracting(Row::id).containsExactly("1");
        assertThat(writer.counters().deletes.getCount()).isEqualTo(1);
        assertThat(writer.counters().conflicts.getCount()).isEqualTo(1);
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

    @Test
    void aRowTheColumnCannotHoldIsDeadLetteredAndTheRestIsWritten() throws Exception {
        JdbcSyncWriter writer = writer(0);
        String tooLong = "x".repeat(20);
        writer.write(update("1", 1, "ann@example.com", tooLong, null, "Oslo"), null);
        writer.write(update("2", 1, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.flush(false);

        assertThat(writer.counters().deadLetters.getCount()).isEqualTo(1);
        try (Connection c = db.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT `system`, `key`, operation, reason, payload FROM bidisync_dead_letter")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("erp");
            assertThat(rs.getString(2)).isEqualTo("1");
            assertThat(rs.getString(3)).isEqualTo("update");
            assertThat(rs.getString(4)).startsWith("SQLState 22001: ").contains("Data too long");
            assertThat(rs.getString(5)).contains("name=" + tooLong);
            assertThat(rs.next()).isFalse();
        }
        assertThat(rows()).extracting(Row::name).containsExactly("Ann", "Bob", "Cid");
        assertThat(rows().get(1).city()).isEqualTo("Molde");
        assertThat(writer.counters().updates.getCount()).isEqualTo(1);
        assertThat(writer.counters().inserts.getCount()).isEqualTo(1);
    }

    @Test
    void writesTheHeartbeatWithTheDatabasesClock() throws Exception {
        writer(0);
        String before = heartbeat();
        Thread.sleep(20);
        time.setCurrentTime(config.completeness().heartbeatInterval().toMillis());
        String after = heartbeat();
        assertThat(after).isGreaterThan(before);
        Thread.sleep(20);
        time.setCurrentTime(2 * config.completeness().heartbeatInterval().toMillis());
        assertThat(heartbeat()).isGreaterThan(after);
        assertThat(count("SELECT count(*) FROM bidisync_heartbeat")).isEqualTo(1);
        assertThat(
                        count(
                                "SELECT ABS(TIMESTAMPDIFF(SECOND, ts, CURRENT_TIMESTAMP(6))) FROM bidisync_heartbeat"))
                .isLessThan(5);
    }

    private String heartbeat() throws Exception {
        try (Connection c = db.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f') FROM bidisync_heartbeat WHERE id = 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private long count(String query) throws Exception {
        try (Connection c = db.connect("erp");
                ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
