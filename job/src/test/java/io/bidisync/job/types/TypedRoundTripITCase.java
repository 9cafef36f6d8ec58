package io.bidisync.job.types;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.JobWrites;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Typed columns round-trip exactly between two PostgreSQL databases whose tables hold the same
 * attributes in other column types (numeric(12,2) and numeric(14,4), jsonb and json, timestamp(3)
 * and timestamp(6) …), with the JVM and the two servers in three different time zones: each
 * system's rows arrive in the other equal by value, special values included, and after convergence
 * the job writes nothing more (its own writes come back as echoes, not as changes).
 */
class TypedRoundTripITCase extends MiniClusterITCase {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static final java.util.function.Function<String[], String> TABLE =
            types -> TypedPeople.table("id serial PRIMARY KEY", "", types);

    /** ERP's column types: the same values in other types than CRM's. */
    private static final String[] ERP = {
        "varchar(200)",
        "date",
        "timestamptz(6)",
        "timestamp(6)",
        "time(6)",
        "numeric(14,4)",
        "bigint",
        "double precision",
        "uuid",
        "json",
        "boolean",
        "text[]",
        "bigint[]",
        "text",
        "bytea",
        "interval"
    };

    private TimeZone jvmZone;
    private JobClient job;

    @BeforeEach
    void otherTimeZones() {
        jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Auckland"));
    }

    @AfterEach
    void restore() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        TimeZone.setDefault(jvmZone);
    }

    @Test
    void everyTypeArrivesEqualByValueAndNothingIsWrittenAfterConvergence() throws Exception {
        String database = "typed" + RUNS.incrementAndGet();
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        crm.execute(
                database,
                TABLE.apply(TypedPeople.POSTGRES)
                        + zone(database, "Asia/Tokyo")
                        + JobWrites.counter("person"));
        erp.execute(
                database,
                TABLE.apply(ERP)
                        + zone(database, "America/Los_Angeles")
                        + JobWrites.counter("person"));
        crm.execute(
                database,
                TypedPeople.ANN
                        + TypedPeople.insert(
                                "bob@example.com",
                                "'infinity'",
                                "'-infinity'",
                                "'infinity'",
                                "'00:00:00'",
                                "0",
                                "0",
                                "'NaN'",
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
                                "'1900-03-01'",
                                "'1969-12-31 23:59:59.999999+00'",
                                "'1900-01-01 00:00:00'",
                                "'23:59:59.999'",
                                "-0.01",
                                "-2147483648",
                                "'-Infinity'",
                                "'00000000-0000-0000-0000-000000000000'",
                                "'\"\u00e6\u00f8\u00e5\"'",
                                "NULL",
                                "ARRAY['\"q\"', 'x\\y', 'NULL']",
                                "NULL",
                                "repeat('x', 1048576)",
                                "NULL",
                                "NULL"));
        erp.execute(
                database,
                TypedPeople.insert(
                        "dee@example.com",
                        "'-infinity'",
                        "'2000-01-01 00:00:00+14'",
                        "'2000-01-01 12:00:00.000001'",
                        "'12:00'",
                        "1234567890.10",
                        "1",
                        "1e300",
                        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                        "'{\"z\": null, \"a\": 1.0}'",
                        "true",
                        "ARRAY['\u00e6']",
                        "ARRAY[2147483647]",
                        "'line\nbreak\ttab'",
                        "'\\xdeadbeef'::bytea",
                        "'P1Y'"));

        String yaml =
                TypedPeople.config(
                        database,
                        Map.of(
                                "crm", system(crm.jdbcUrl(database)),
                                "erp", system(erp.jdbcUrl(database))));
        SyncConfig config = TestConfigs.parse(yaml);
        job = SyncRun.submit(config, SyncRun.jobSettings());

        Await.until(
                "every person in both systems",
                CONVERGENCE,
                () -> rows(crm, database).size() == 4 && rows(erp, database).size() == 4,
                () ->
                        "CRM: "
                                + rows(crm, database).keySet()
                                + ", ERP: "
                                + rows(erp, database).keySet());
        Await.until(
                "both systems equal by value",
                CONVERGENCE,
                () -> rows(crm, database).equals(rows(erp, database)),
                () -> TypedPeople.difference(rows(crm, database), rows(erp, database)));

        // Quiet: the job's writes came back as echoes. Nothing changes any more.
        long writes = JobWrites.count(crm, database) + JobWrites.count(erp, database);
        assertThat(writes).as("one insert per person and system that lacked it").isEqualTo(4);
        JobWrites.assertQuiet(crm, erp, database, writes, JobWrites.QUIET_MINUTE);

        // Changes carry what the initial snapshot cannot (it reads through java.sql types): a
        // year BC, a time to the microsecond.
        crm.execute(
                database,
                "UPDATE person SET born = '0044-03-15 BC', wake = '23:59:59.999999',"
                        + " stamp = '2024-03-31 02:30:00.000001', balance = 99.99,"
                        + " doc = '{\"k\": [true, {\"b\": 1, \"a\": 2}]}', version = version + 1"
                        + " WHERE email = 'ann@example.com';"
                        // Default replica identity: the change does not carry Cy's long note,
                        // Debezium sends a placeholder, and the note stays as it is everywhere.
                        + " UPDATE person SET active = true, version = version + 1"
                        + " WHERE email = 'cy@example.com'");
        Await.until(
                "Ann's change in ERP",
                CONVERGENCE,
                () -> rows(crm, database).equals(rows(erp, database)),
                () -> TypedPeople.difference(rows(crm, database), rows(erp, database)));
        assertThat(rows(erp, database).get("ann@example.com"))
                .containsEntry("born", "-0043-03-15")
                .containsEntry("wake", "23:59:59.999999")
                .containsEntry("stamp", "2024-03-31T02:30:00.000001")
                .containsEntry("balance", "99.99");
        assertThat(rows(erp, database).get("cy@example.com")).containsEntry("active", "true");
        JobWrites.assertQuiet(crm, erp, database, writes + 2, JobWrites.QUIET);
        assertThat(rows(erp, database).get("cy@example.com").get("note"))
                .isEqualTo("x".repeat(1 << 20));
        assertThat(rows(erp, database).get("bob@example.com"))
                .containsEntry("born", "infinity")
                .containsEntry("seen", "-infinity")
                .containsEntry("score", "NaN")
                .containsEntry("note", "")
                .containsEntry("data", "");
    }

    private static String system(String url) {
        return """
                    connection: { url: "%s", username: postgres }
                    table: public.person
                """
                .formatted(url);
    }

    private static Map<String, Map<String, String>> rows(LocalPostgres server, String database)
            throws SQLException {
        try (Connection c = server.connect(database)) {
            return TypedPeople.rows(c, true);
        }
    }

    private static String zone(String database, String zone) {
        return "ALTER DATABASE " + database + " SET timezone = '" + zone + "';";
    }
}
