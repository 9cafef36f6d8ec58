package io.bidisync.job.sink;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.audit.AuditHistory;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.ReservedNames;
import io.bidisync.job.testutil.SqlQuoting;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.job.validation.DatabaseValidator;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's statements against a real PostgreSQL and a real MariaDB where every configured name is
 * a reserved word ({@link ReservedNames}): creating the job's tables, the validator's checks, the
 * writer's guarded INSERT, conditional UPDATE and DELETE, its record of its transactions, the
 * heartbeat, a dead letter, the audit (PostgreSQL) and the plan's read of the guard's keys. On
 * MariaDB the server's general log then shows every statement the job's sessions sent: none names a
 * table or column outside backticks (MariaDB does not reserve MySQL 8's {@code SYSTEM}, so running
 * them is not proof enough).
 */
class ReservedIdentifiersTest {

    @Test
    void postgres() throws Exception {
        LocalPostgres pg = TestServers.of("reserved");
        try (Connection c = pg.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS reserved");
        }
        pg.createDatabase("reserved");
        pg.execute(
                "reserved",
                "CREATE SCHEMA \"user\"; CREATE SCHEMA \"select\"; "
                        + ReservedNames.createTable("\"user\".\"order\"", true)
                        + "; "
                        + ReservedNames.createTable("\"select\".\"group\"", true));
        SyncConfig config = ReservedNames.config(pg.jdbcUrl("reserved"), "user", "select");
        runEverything(config, '"', () -> pg.connect("reserved"));

        try (Connection c = pg.connect("reserved")) {
            assertThat(
                            strings(
                                    c,
                                    "SELECT \"action\" || ':' || \"golden_id\" FROM \"user\".\"check\""
                                            + " ORDER BY \"seq\""))
                    .contains("inserted:cid@example.com", "blocked-insert:ann@example.com");
        }
        assertThat(AuditHistory.of(config, "CID@example.com"))
                .extracting(line -> line.entry().action())
                .containsExactly("inserted");
    }

    @Test
    void mariaDb() throws Exception {
        LocalMariaDb db = LocalMariaDb.shared();
        db.execute(
                "",
                "DROP DATABASE IF EXISTS `user`; CREATE DATABASE `user` CHARACTER SET utf8mb4;"
                        + " DROP DATABASE IF EXISTS `select`; CREATE DATABASE `select` CHARACTER SET utf8mb4; "
                        + ReservedNames.createTable("`user`.`order`", false)
                        + "; "
                        + ReservedNames.createTable("`select`.`group`", false));
        SyncConfig config = ReservedNames.config(db.jdbcUrl("user"), "user", "select");
        List<String> sent =
                db.jobStatements(() -> runEverything(config, '`', () -> db.connect("user")));
        assertThat(sent).as("statements of the job's sessions").hasSizeGreaterThan(20);
        assertThat(SqlQuoting.unquoted(sent, '`'))
                .as("unquoted identifiers per statement")
                .isEmpty();
    }

    /** A connection of the test's own, not the job's. */
    private interface TestConnection {
        Connection open() throws SQLException;
    }

    private static void runEverything(SyncConfig config, char quote, TestConnection test)
            throws Exception {
        SystemConfig crm = config.system("crm");
        String table = quote == '"' ? "\"user\".\"order\"" : "`user`.`order`";
        String q = String.valueOf(quote);
        JobTables.ensure(config);
        JobTables.ensure(config);
        DatabaseValidator.Report report = DatabaseValidator.check(config);
        assertThat(report.problems()).as("validation problems").isEmpty();
        try (Connection c = test.open();
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "INSERT INTO "
                            + table
                            + " ("
                            + String.join(
                                    ", ",
                                    List.of(
                                            q + "group" + q,
                                            q + "system" + q,
                                            q + "key" + q,
                                            q + "user" + q))
                            + ") VALUES (' Ann@Example.com', 'Ann', NULL, 'Oslo'),"
                            + " ('bob@example.com', 'Bob', NULL, 'Bergen'),"
                            + " ('eve@example.com', 'Eve', NULL, 'Molde')");
        }

        TestProcessingTimeService time = new TestProcessingTimeService();
        time.setCurrentTime(0);
        JdbcSyncWriter writer =
                new JdbcSyncWriter(config, crm, time, new UnregisteredMetricsGroup(), 0);
        try {
            writer.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
            writer.write(
                    update("3", 1, "eve@example.com", "Eve Evensen-Long", null, "Molde"), null);
            writer.write(insert("ann@example.com", "ANN@example.com", "Ann", null, null), null);
            writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
            writer.write(
                    new WriteIntent(
                            "crm",
                            Operation.DELETE,
                            "bob@example.com",
                            "2",
                            1L,
                            new String[4],
                            new String[4],
                            new long[4],
                            0),
                    null);
            time.setCurrentTime(config.writer().flushInterval().toMillis());
            time.setCurrentTime(config.completeness().heartbeatInterval().toMillis() * 3);
            WriteCounters counters = writer.counters();
            assertThat(counters.updates.getCount()).isEqualTo(1);
            assertThat(counters.inserts.getCount()).isEqualTo(1);
            assertThat(counters.insertsBlocked.getCount()).isEqualTo(1);
            assertThat(counters.deletes.getCount()).isEqualTo(1);
            assertThat(counters.deadLetters.getCount()).isEqualTo(1);
        } finally {
            writer.close();
        }

        try (Connection c = test.open()) {
            String concat =
                    quote == '"'
                            ? "\"select\" || '/' || \"group\" || '/' || COALESCE(\"key\", '-') || '/' || \"limit\""
                            : "CONCAT_WS('/', `select`, `group`, COALESCE(`key`, '-'), `limit`)";
            assertThat(
                            strings(
                                    c,
                                    "SELECT "
                                            + concat
                                            + " FROM "
                                            + table
                                            + " ORDER BY "
                                            + q
                                            + "select"
                                            + q))
                    .containsExactly(
                            "1/ann@example.com/555/2",
                            "3/eve@example.com/-/1",
                            "4/cid@example.com/-/1");
            String schema = q + "user" + q + ".";
            assertThat(strings(c, "SELECT count(*) FROM " + schema + q + "where" + q))
                    .containsExactly("1");
            assertThat(strings(c, "SELECT " + q + "key" + q + " FROM " + schema + q + "from" + q))
                    .containsExactly("3");
            assertThat(
                            strings(
                                    c,
                                    "SELECT count(*) FROM "
                                            + schema
                                            + q
                                            + "table"
                                            + q
                                            + " WHERE "
                                            + q
                                            + "ts"
                                            + q
                                            + " > "
                                            + (quote == '"'
                                                    ? "now() - interval '1 minute'"
                                                    : "CURRENT_TIMESTAMP(6) - INTERVAL 1 MINUTE")))
                    .containsExactly("1");
        }
        // As the plan reads them.
        try (Connection c = Database.connect(crm)) {
            assertThat(
                            strings(
                                    c,
                                    SqlStatements.guardedKeys(
                                            crm,
                                            crm.mapping(config.attributes()),
                                            config.matchKey())))
                    .containsExactlyInAnyOrder(
                            "ann@example.com", "eve@example.com", "cid@example.com");
        }
    }

    private static WriteIntent update(String id, long version, String... values) {
        return new WriteIntent(
                "crm",
                Operation.UPDATE,
                values[0],
                id,
                version,
                new String[0],
                values,
                new long[4],
                0);
    }

    private static WriteIntent insert(String key, String... values) {
        return new WriteIntent(
                "crm", Operation.INSERT, key, null, null, new String[0], values, new long[4], 0);
    }

    private static List<String> strings(Connection c, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(query);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
