package io.bidisync.job.scenario;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.JobWrites;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tables keyed by several columns and entities matched by several attributes, between two
 * PostgreSQL databases: order lines whose primary key (order number, line number) is data the job
 * inserts and never updates, and people matched on last name, first name and birth date. Each run
 * checks the promises from what the databases hold and what the job wrote: no duplicate of a key,
 * every change arrives (none lost, also when both systems change a row at once), both sides
 * converge, and after convergence nothing is written.
 */
class CompositeKeysITCase extends MiniClusterITCase {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private JobClient job;

    @AfterEach
    void cancel() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
    }

    @Test
    void orderLinesKeyedByTwoColumnsAreInsertedUpdatedAndNeverDuplicated() throws Exception {
        String database = "lines" + RUNS.incrementAndGet();
        LocalPostgres sales = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        sales.createDatabase(database);
        erp.createDatabase(database);
        sales.execute(
                database,
                "CREATE TABLE order_line (order_no varchar(20), line_no integer,"
                        + " product text, qty numeric(10,2), version integer NOT NULL DEFAULT 1,"
                        + " PRIMARY KEY (order_no, line_no));"
                        + JobWrites.counter("order_line")
                        + " INSERT INTO order_line (order_no, line_no, product, qty) VALUES"
                        + " ('A-17', 1, 'bolt', 2), ('A-17', 2, 'nut', 10), ('B-1', 1, 'washer', 1.5)");
        // ERP keys the lines the other way round, in other types, and spells A-17 in lower case:
        // the same line for the match key (order number compared in lower case).
        erp.execute(
                database,
                "CREATE TABLE ordrelinje (linje smallint, ordre text, vare text,"
                        + " antall numeric(12,3), versjon integer NOT NULL DEFAULT 1,"
                        + " PRIMARY KEY (linje, ordre));"
                        + JobWrites.counter("ordrelinje")
                        + " INSERT INTO ordrelinje (ordre, linje, vare, antall) VALUES"
                        + " ('a-17', 1, 'bolt', 2.000), ('C-9', 1, 'screw', 4)");

        String yaml =
                """
                name: %s
                match-key: { attributes: [order_no, line_no], normalize: { order_no: lower } }
                attributes: [order_no, line_no, product, qty]
                types: { line_no: integer, qty: decimal }
                completeness: { delay: 200ms }
                systems:
                  sales:
                    connection: { url: "%s", username: postgres }
                    table: public.order_line
                    primary-key: [order_no, line_no]
                    version-column: version
                    columns: { order_no: order_no, line_no: line_no, product: product, qty: qty }
                  erp:
                    connection: { url: "%s", username: postgres }
                    table: public.ordrelinje
                    primary-key: [ordre, linje]
                    version-column: versjon
                    columns: { order_no: ordre, line_no: linje, product: vare, qty: antall }
                """
                        .formatted(database, sales.jdbcUrl(database), erp.jdbcUrl(database));
        job = SyncRun.submit(TestConfigs.parse(yaml), SyncRun.jobSettings());

        String salesLines = "SELECT order_no, line_no, product, qty FROM order_line";
        String erpLines = "SELECT ordre, linje, vare, antall FROM ordrelinje";
        Await.until(
                "every line in both systems, equal by value",
                CONVERGENCE,
                () -> lines(sales, database, salesLines).equals(lines(erp, database, erpLines)),
                () -> lines(sales, database, salesLines) + " / " + lines(erp, database, erpLines));
        assertThat(lines(erp, database, erpLines))
                .containsOnlyKeys("a-17/1", "a-17/2", "b-1/1", "c-9/1")
                .containsEntry("b-1/1", "washer 1.5");
        // The key columns hold what each system had or what the job inserted: A-17 stays a-17 in
        // ERP (a key is never updated), and the inserted lines carry the golden record's key.
        assertThat(keys(erp, database, "SELECT ordre || '/' || linje FROM ordrelinje"))
                .containsExactlyInAnyOrder("a-17/1", "A-17/2", "B-1/1", "C-9/1");
        assertThat(keys(sales, database, "SELECT order_no || '/' || line_no FROM order_line"))
                .containsExactlyInAnyOrder("A-17/1", "A-17/2", "B-1/1", "C-9/1");
        long writes = JobWrites.count(sales, database) + JobWrites.count(erp, database);
        assertThat(writes).as("one insert per line and system that lacked it").isEqualTo(3);

        // Changes on both sides, found by both key columns; and the same new line entered in
        // both systems at once, spelt differently: the guard checks both parts, so no system
        // gets a second row for it.
        erp.execute(
                database,
                "UPDATE ordrelinje SET antall = 5, versjon = versjon + 1"
                        + " WHERE ordre = 'C-9' AND linje = 1;"
                        + " INSERT INTO ordrelinje (ordre, linje, vare, antall) VALUES ('d-4', 1, 'pin', 7)");
        sales.execute(
                database,
                "UPDATE order_line SET product = 'bolt M8', version = version + 1"
                        + " WHERE order_no = 'A-17' AND line_no = 1;"
                        + " INSERT INTO order_line (order_no, line_no, product, qty) VALUES ('D-4', 1, 'pin', 7)");
        Await.until(
                "the changes in both systems",
                CONVERGENCE,
                () ->
                        lines(sales, database, salesLines).equals(lines(erp, database, erpLines))
                                && "bolt M8 2".equals(lines(erp, database, erpLines).get("a-17/1"))
                                && "screw 5"
                                        .equals(lines(sales, database, salesLines).get("c-9/1")),
                () -> lines(sales, database, salesLines) + " / " + lines(erp, database, erpLines));
        assertThat(count(sales, database, "order_line")).isEqualTo(5);
        assertThat(count(erp, database, "ordrelinje")).isEqualTo(5);
        assertThat(JobWrites.count(sales, database) + JobWrites.count(erp, database))
                .as("one update per change, nothing for the line both systems entered")
                .isEqualTo(writes + 2);
        JobWrites.assertQuiet(sales, erp, database, writes + 2, JobWrites.QUIET);

        // The same line changed in both systems at once, each in another attribute: the job's
        // conditional updates lose neither change (each is the most recent of its attribute).
        erp.execute(
                database,
                "UPDATE ordrelinje SET vare = 'nut M6', versjon = versjon + 1"
                        + " WHERE ordre = 'A-17' AND linje = 2");
        sales.execute(
                database,
                "UPDATE order_line SET qty = 12, version = version + 1"
                        + " WHERE order_no = 'A-17' AND line_no = 2");
        Await.until(
                "both changes of A-17/2 in both systems",
                CONVERGENCE,
                () ->
                        "nut M6 12".equals(lines(sales, database, salesLines).get("a-17/2"))
                                && "nut M6 12".equals(lines(erp, database, erpLines).get("a-17/2")),
                () -> lines(sales, database, salesLines) + " / " + lines(erp, database, erpLines));
        assertThat(lines(sales, database, salesLines)).isEqualTo(lines(erp, database, erpLines));
    }

    @Test
    void peopleMatchOnEveryPartOfTheirKeyAndABlankPartMatchesNobody() throws Exception {
        String database = "people" + RUNS.incrementAndGet();
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        String table =
                "CREATE TABLE person (id serial PRIMARY KEY, last_name text, first_name text,"
                        + " born date, email text, version integer NOT NULL DEFAULT 1);"
                        + JobWrites.counter("person");
        crm.execute(
                database,
                table
                        + " INSERT INTO person (last_name, first_name, born, email) VALUES"
                        + " ('LEE', 'Ann', '1980-01-31', 'ann@crm'),"
                        + " ('Lee', 'Ann', '1990-05-05', 'other.ann@crm'),"
                        + " ('Berg', '', '1975-02-02', 'no.first.name@crm')");
        erp.execute(
                database,
                table
                        + " INSERT INTO person (last_name, first_name, born, email) VALUES"
                        + " (' lee', 'ANN ', '1980-01-31', 'ann@erp'),"
                        + " ('Dahl', 'Bo', '1960-12-24', 'bo@erp')");

        String yaml =
                """
                name: %s
                match-key:
                  attributes: [last_name, first_name, born]
                  normalize: { last_name: lower, first_name: lower }
                attributes: [last_name, first_name, born, email]
                types: { born: date }
                survivorship: { default: priority, priority: [crm, erp] }
                completeness: { delay: 200ms }
                systems:
                  crm:
                    connection: { url: "%s", username: postgres }
                    table: public.person
                    primary-key: id
                    version-column: version
                    columns: { last_name: last_name, first_name: first_name, born: born, email: email }
                  erp:
                    connection: { url: "%s", username: postgres }
                    table: public.person
                    primary-key: id
                    version-column: version
                    columns: { last_name: last_name, first_name: first_name, born: born, email: email }
                """
                        .formatted(database, crm.jdbcUrl(database), erp.jdbcUrl(database));
        job = SyncRun.submit(TestConfigs.parse(yaml), SyncRun.jobSettings());

        Await.until(
                "both systems hold the people they share",
                CONVERGENCE,
                () ->
                        emails(erp, database).size() == 3
                                && !emails(erp, database).contains("ann@erp")
                                && emails(crm, database).size() == 4,
                () -> emails(crm, database) + " / " + emails(erp, database));
        // The two Ann Lees born the same day are one person (CRM's values win); the one born in
        // 1990 is another; the Berg without a first name matches nobody and stays in CRM alone.
        assertThat(emails(erp, database))
                .containsExactlyInAnyOrder("ann@crm", "other.ann@crm", "bo@erp");
        assertThat(emails(crm, database))
                .containsExactlyInAnyOrder(
                        "ann@crm", "other.ann@crm", "bo@erp", "no.first.name@crm");
        assertThat(keys(erp, database, "SELECT last_name || '/' || first_name FROM person"))
                .containsExactlyInAnyOrder("LEE/Ann", "Lee/Ann", "Dahl/Bo");
        long writes = JobWrites.count(crm, database) + JobWrites.count(erp, database);
        assertThat(writes)
                .as("ERP's Ann gets CRM's e-mail; the 1990 Ann and Bo are inserted")
                .isEqualTo(3);
        JobWrites.assertQuiet(crm, erp, database, writes, JobWrites.QUIET);
    }

    /**
     * The customer systems matched on name and city instead of e-mail, with edits on both sides
     * while the job runs; the invariant checker then judges the run by that key from the audit
     * trails: no duplicates created, nothing missing, converged, nothing stale, no lost update.
     */
    @Test
    void customersMatchedOnNameAndCityKeepEveryPromise() throws Exception {
        try (SyncRun run =
                SyncRun.of(SyncedSystem.crm(), SyncedSystem.erp())
                        .settings(
                                yaml ->
                                        yaml.replace(
                                                "match-key: { attribute: email, normalize: email }",
                                                "match-key: { attributes: [name, city],"
                                                        + " normalize: { name: lower, city: lower } }"))
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES"
                                        + " ('ann@crm', 'Ann', '1', 'Oslo'),"
                                        + " ('bob@crm', 'Bob', '2', 'Molde'),"
                                        + " ('cy@crm', 'Cy', NULL, 'Hamar')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, phone, town) VALUES"
                                        + " ('ann@erp', 'ANN ', '9', 'oslo'),"
                                        + " ('dee@erp', 'Dee', '4', 'Bergen'),"
                                        + " ('eve@erp', 'Eve', '5', NULL)")
                        .create()) {
            run.start();
            Await.until(
                    "everyone with a whole key in both systems",
                    CONVERGENCE,
                    () -> run.rows("crm").size() == 4 && run.rows("erp").size() == 5,
                    () -> state(run));

            // Edits on both sides: Ann's phone in CRM and her e-mail in ERP at once; Bob moves
            // to Oslo in ERP (another key); Dee's name in CRM.
            run.execute(
                    "crm",
                    "UPDATE customer SET phone = '11', version = version + 1 WHERE email = 'ann@crm';"
                            + " UPDATE customer SET full_name = 'Dee Dahl', version = version + 1"
                            + " WHERE email = 'dee@erp'");
            run.execute(
                    "erp",
                    // (ERP's Ann has CRM's e-mail by now: CRM comes first in priority.)
                    "UPDATE client SET mail = 'ann@new', row_version = row_version + 1"
                            + " WHERE mail = 'ann@crm';"
                            + " UPDATE client SET town = 'Oslo', row_version = row_version + 1"
                            + " WHERE mail = 'bob@crm'");
            run.awaitQuiet(Duration.ofSeconds(8), CONVERGENCE);
            InvariantChecker.Report report = InvariantChecker.check(run).assertClean();
            assertThat(report.total(InvariantChecker.SystemFigures::jobInserts))
                    .as("Bob and Cy into ERP, Dee into CRM, Bob again where he moved")
                    .isGreaterThanOrEqualTo(3);
            assertThat(run.rows("crm"))
                    .filteredOn(r -> "Ann".equals(r.name()))
                    .singleElement()
                    .satisfies(
                            ann -> {
                                assertThat(ann.phone()).isEqualTo("11");
                                assertThat(ann.email()).isEqualTo("ann@new");
                            });
            assertThat(run.rows("crm")).noneMatch(r -> "eve@erp".equals(r.email()));
        }
    }

    /** Lines by normalised key ({@code order/line}): product and quantity by value. */
    private static Map<String, String> lines(LocalPostgres server, String database, String sql)
            throws SQLException {
        Map<String, String> lines = new TreeMap<>();
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                lines.put(
                        rs.getString(1).toLowerCase(Locale.ROOT) + "/" + rs.getInt(2),
                        rs.getString(3)
                                + " "
                                + rs.getBigDecimal(4).stripTrailingZeros().toPlainString());
            }
        }
        return lines;
    }

    private static List<String> keys(LocalPostgres server, String database, String sql)
            throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    private static List<String> emails(LocalPostgres server, String database) throws SQLException {
        return keys(server, database, "SELECT email FROM person ORDER BY email");
    }

    private static long count(LocalPostgres server, String database, String table)
            throws SQLException {
        return Long.parseLong(keys(server, database, "SELECT count(*) FROM " + table).get(0));
    }
}
