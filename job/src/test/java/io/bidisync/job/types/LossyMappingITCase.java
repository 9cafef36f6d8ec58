package io.bidisync.job.types;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.JobWrites;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Columns marked lossy, between two PostgreSQL databases: ERP keeps the day of CRM's instant, two
 * of its four decimals and the first eight characters of its name. The job writes each value as the
 * column stores it, takes the cut value coming back as its own write (not as a change: CRM keeps
 * its full values, nothing is written again), and takes a change made in ERP as a change.
 */
class LossyMappingITCase extends MiniClusterITCase {
    private JobClient job;

    @AfterEach
    void cancel() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
    }

    @Test
    void cutValuesAreWrittenOnceAndTheirEchoesChangeNothing() throws Exception {
        String database = "lossy";
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        crm.execute(
                database,
                "CREATE TABLE person (id serial PRIMARY KEY, email text, name text,"
                        + " seen timestamptz, amount numeric(14,4), version integer NOT NULL DEFAULT 1);"
                        + JobWrites.counter("person")
                        + " INSERT INTO person (email, name, seen, amount) VALUES"
                        + " ('ann@example.com', 'Annabelle Lee', '2024-01-02 23:30:00+00', 12.3456),"
                        + " ('bob@example.com', 'Bob', '2024-03-04 00:00:00+00', 1.5)");
        erp.execute(
                database,
                "CREATE TABLE person (id serial PRIMARY KEY, email text, name varchar(8),"
                        + " seen date, amount numeric(12,2), version integer NOT NULL DEFAULT 1);"
                        + JobWrites.counter("person"));

        String yaml =
                """
                name: lossy
                match-key: { attribute: email, normalize: email }
                attributes: [email, name, seen, amount]
                types: { seen: timestamptz, amount: decimal }
                completeness: { delay: 200ms }
                systems:
                  crm:
                    connection: { url: "%s", username: postgres }
                    table: public.person
                    primary-key: id
                    version-column: version
                    columns: { email: email, name: name, seen: seen, amount: amount }
                  erp:
                    connection: { url: "%s", username: postgres }
                    table: public.person
                    primary-key: id
                    version-column: version
                    lossy: [name, seen, amount]
                    columns: { email: email, name: name, seen: seen, amount: amount }
                """
                        .formatted(crm.jdbcUrl(database), erp.jdbcUrl(database));
        job = SyncRun.submit(TestConfigs.parse(yaml), SyncRun.jobSettings());

        Await.until(
                "both people in ERP",
                CONVERGENCE,
                () -> rows(erp, database).size() == 2,
                () -> rows(erp, database).toString());
        assertThat(rows(erp, database))
                .containsEntry("ann@example.com", "Annabell|2024-01-02|12.35")
                .containsEntry("bob@example.com", "Bob|2024-03-04|1.50");
        long writes = JobWrites.count(crm, database) + JobWrites.count(erp, database);
        assertThat(writes).as("two inserts into ERP, nothing back into CRM").isEqualTo(2);
        JobWrites.assertQuiet(crm, erp, database, writes, JobWrites.QUIET);
        assertThat(rows(crm, database))
                .containsEntry("ann@example.com", "Annabelle Lee|2024-01-02 23:30:00+00|12.3456");

        // A change made in ERP is a change, however short: CRM gets it as ERP has it.
        erp.execute(
                database,
                "UPDATE person SET seen = '2024-05-06', amount = 7.25, version = version + 1"
                        + " WHERE email = 'bob@example.com'");
        Await.until(
                "Bob's change in CRM",
                CONVERGENCE,
                () ->
                        "Bob|2024-05-06 00:00:00+00|7.2500"
                                .equals(rows(crm, database).get("bob@example.com")),
                () -> rows(crm, database).toString());
        JobWrites.assertQuiet(crm, erp, database, writes + 1, JobWrites.QUIET);
    }

    /** Rows by e-mail: name, seen (as text, UTC) and amount. */
    private static Map<String, String> rows(LocalPostgres server, String database)
            throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = server.connect(database);
                Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT email, name, seen, amount FROM person")) {
                while (rs.next()) {
                    rows.put(
                            rs.getString(1),
                            rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
        }
        return rows;
    }
}
