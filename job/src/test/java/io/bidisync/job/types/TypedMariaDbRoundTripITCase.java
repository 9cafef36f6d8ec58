package io.bidisync.job.types;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.DebeziumFeed;
import io.bidisync.job.testutil.JobWrites;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestKafka;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Typed values between PostgreSQL and MariaDB, both ways: PostgreSQL's changes through its
 * replication slot, MariaDB's through Debezium's MySQL connector and a Kafka topic. MariaDB holds
 * the same values in its own types — {@code tinyint(1)} for booleans, {@code datetime(6)} in UTC
 * for instants, {@code char(36)} for UUIDs, {@code json} for JSON and arrays, {@code longblob} for
 * bytes — and every value arrives equal by value; what MariaDB cannot hold (NaN, infinite dates) is
 * a dead letter naming the reason, and nothing loops.
 */
class TypedMariaDbRoundTripITCase extends MiniClusterITCase {
    private static final String DATABASE = "typed_maria";

    private static final String[] MARIADB = {
        "varchar(200)",
        "date",
        "datetime(6)",
        "datetime(6)",
        "time(6)",
        "decimal(14,4)",
        "bigint",
        "double",
        "char(36)",
        "json",
        "tinyint(1)",
        "json",
        "json",
        "longtext",
        "longblob",
        "varchar(100)"
    };

    @Test
    void everyTypeArrivesEqualByValueBothWaysAndWhatCannotLandIsADeadLetter() throws Exception {
        LocalMariaDb maria = LocalMariaDb.shared();
        maria.recreateDatabase(DATABASE);
        maria.execute(
                DATABASE,
                TypedPeople.table(
                                "id int AUTO_INCREMENT PRIMARY KEY",
                                " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                                MARIADB)
                        + TypedPeople.insert(
                                "dee@example.com",
                                "'1999-12-31'",
                                "'2000-01-01 10:00:00.000001'",
                                "'2000-01-01 12:00:00.5'",
                                "'12:00:00.25'",
                                "1234567890.1000",
                                "1",
                                "1e300",
                                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                                "'{\"z\": null, \"a\": 1.0}'",
                                "1",
                                "'[\"\u00e6\", null]'",
                                "'[1, 2147483647]'",
                                "'line\\nbreak\\ttab \uD83D\uDE00'",
                                "x'DEADBEEF'",
                                "'P1Y2M'"));
        LocalPostgres pg = TestServers.of("crm");
        pg.createDatabase(DATABASE);
        pg.execute(
                DATABASE,
                "ALTER DATABASE "
                        + DATABASE
                        + " SET timezone = 'Asia/Tokyo';"
                        + TypedPeople.table("id serial PRIMARY KEY", "", TypedPeople.POSTGRES)
                        + TypedPeople.ANN
                        + TypedPeople.insert(
                                "bob@example.com",
                                "'infinity'",
                                "'2024-06-01 12:00:00+02'",
                                "'2024-06-01 12:00:00'",
                                "'00:00:00'",
                                "0",
                                "0",
                                "0",
                                "NULL",
                                "'[]'",
                                "false",
                                "ARRAY[]::text[]",
                                "ARRAY[]::integer[]",
                                "''",
                                "''::bytea",
                                "'-1 days'")
                        + TypedPeople.insert(
                                "cy@example.com",
                                "'2020-01-01'",
                                "'2020-01-01 00:00:00+00'",
                                "'2020-01-01 00:00:00'",
                                "'01:00:00'",
                                "1",
                                "1",
                                "'NaN'",
                                "NULL",
                                "NULL",
                                "NULL",
                                "NULL",
                                "NULL",
                                "NULL",
                                "NULL",
                                "NULL"));
        String topic = "typed.maria.changes";
        TestKafka.createTopic(topic, false);
        Map<String, String> systems = new LinkedHashMap<>();
        systems.put(
                "crm",
                """
                    connection: { url: "%s", username: postgres }
                    table: public.person
                """
                        .formatted(pg.jdbcUrl(DATABASE)));
        systems.put(
                "erp",
                """
                    connection: { url: "%s", username: %s }
                    table: %s.person
                    source: { kind: kafka-debezium, bootstrap-servers: "%s", topic: %s }
                """
                        .formatted(
                                maria.jdbcUrl(DATABASE),
                                LocalMariaDb.USER,
                                DATABASE,
                                TestKafka.bootstrapServers(),
                                topic));
        SyncConfig config =
                TestConfigs.parse(
                        TypedPeople.config("typedmaria", systems)
                                + "dead-letters: { system: crm, table: bidisync_dead_letter }\n");
        JobTables.ensure(config);

        try (DebeziumFeed feed =
                DebeziumFeed.startMySql(
                        "typedmaria",
                        maria,
                        DATABASE,
                        JobTables.captured(config, config.system("erp")),
                        topic)) {
            JobClient job = SyncRun.submit(config, SyncRun.jobSettings());
            try {
                // Cy's score is NaN and Bob was born at infinity: MariaDB has neither.
                Await.until(
                        "Ann in MariaDB and Dee in PostgreSQL",
                        CONVERGENCE,
                        () ->
                                rows(maria).containsKey("ann@example.com")
                                        && rows(pg).containsKey("dee@example.com"),
                        () -> TypedPeople.difference(rows(pg), rows(maria)));
                Await.until(
                        "Ann and Dee equal by value in both",
                        CONVERGENCE,
                        () -> {
                            Map<String, Map<String, String>> a = rows(pg);
                            Map<String, Map<String, String>> b = rows(maria);
                            return a.get("ann@example.com").equals(b.get("ann@example.com"))
                                    && a.get("dee@example.com").equals(b.get("dee@example.com"));
                        },
                        () -> TypedPeople.difference(rows(pg), rows(maria)));
                assertThat(rows(maria)).doesNotContainKeys("bob@example.com", "cy@example.com");
                Await.until(
                        "Bob's and Cy's inserts into MariaDB as dead letters",
                        CONVERGENCE,
                        () -> deadLetters(pg).size() == 2,
                        () -> deadLetters(pg).toString());
                assertThat(deadLetters(pg))
                        .hasEntrySatisfying(
                                "bob@example.com",
                                reason ->
                                        assertThat(reason)
                                                .contains(
                                                        "MySQL and MariaDB have no infinity date"))
                        .hasEntrySatisfying(
                                "cy@example.com",
                                reason ->
                                        assertThat(reason)
                                                .contains("MySQL and MariaDB have no NaN double"));

                long writes = writes(pg) + writes(maria);
                Thread.sleep(JobWrites.QUIET_MINUTE.toMillis());
                assertThat(writes(pg) + writes(maria))
                        .as("writes after convergence")
                        .isEqualTo(writes);

                // A change in MariaDB comes back to PostgreSQL typed.
                maria.execute(
                        DATABASE,
                        "UPDATE person SET active = 0, seen = '2030-05-06 07:08:09.010203',"
                                + " balance = 5.5, version = version + 1"
                                + " WHERE email = 'ann@example.com'");
                Await.until(
                        "Ann's change in PostgreSQL",
                        CONVERGENCE,
                        () ->
                                rows(pg).get("ann@example.com")
                                        .equals(rows(maria).get("ann@example.com")),
                        () -> TypedPeople.difference(rows(pg), rows(maria)));
                assertThat(rows(pg).get("ann@example.com"))
                        .containsEntry("active", "false")
                        .containsEntry("seen", "2030-05-06T07:08:09.010203Z")
                        .containsEntry("balance", "5.5");
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Map<String, Map<String, String>> rows(LocalPostgres pg) throws SQLException {
        try (Connection c = pg.connect(DATABASE)) {
            return TypedPeople.rows(c, true);
        }
    }

    private static Map<String, Map<String, String>> rows(LocalMariaDb maria) throws SQLException {
        try (Connection c = maria.connect(DATABASE)) {
            return TypedPeople.rows(c, false);
        }
    }

    /** The dead letters' reasons by key (the insert's SQL error, for what MariaDB cannot hold). */
    private static Map<String, String> deadLetters(LocalPostgres pg) throws SQLException {
        Map<String, String> reasons = new java.util.TreeMap<>();
        try (Connection c = pg.connect(DATABASE);
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs =
                        s.executeQuery(
                                "SELECT key, reason FROM bidisync_dead_letter WHERE system = 'erp'")) {
            while (rs.next()) {
                reasons.put(rs.getString(1), rs.getString(2));
            }
        }
        return reasons;
    }

    private static long writes(LocalPostgres pg) throws SQLException {
        try (Connection c = pg.connect(DATABASE)) {
            return TypedPeople.writes(c);
        }
    }

    private static long writes(LocalMariaDb maria) throws SQLException {
        try (Connection c = maria.connect(DATABASE)) {
            return TypedPeople.writes(c);
        }
    }
}
