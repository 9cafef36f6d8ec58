package io.bidisync.job.testutil;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.JobConfig;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference invariants judge what the databases hold: they find a wrong or dangling id. */
class ReferenceInvariantsTest {

    @Test
    void findsAContactAtAnotherCompanyAndAReferenceToNothing() throws Exception {
        String database = "refinvariants";
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        // No foreign keys: nothing stops a reference to a row that is not there.
        crm.execute(
                database,
                "CREATE TABLE company (id int PRIMARY KEY, org_no text, name text, version int);"
                        + " CREATE TABLE contact (id int PRIMARY KEY, email text, name text,"
                        + " company_id int, version int);"
                        + " INSERT INTO company VALUES (1, '111', 'Acme', 1), (2, '222', 'Beta', 1);"
                        + " INSERT INTO contact VALUES (1, 'ann@x', 'Ann', 1, 1),"
                        + " (2, 'bob@x', 'Bob', 2, 1), (3, 'cid@x', 'Cid', 9, 1)");
        erp.execute(
                database,
                "CREATE TABLE firma (firmanr int PRIMARY KEY, org_no text, name text, version int);"
                        + " CREATE TABLE person (pnr int PRIMARY KEY, email text, name text,"
                        + " firma int, version int);"
                        + " INSERT INTO firma VALUES (100, '111', 'Acme', 1), (101, '2 22', 'Beta', 1);"
                        + " INSERT INTO person VALUES (500, 'ANN@x', 'Ann', 101, 1),"
                        + " (501, 'bob@x', 'Bob', 101, 1)");
        JobConfig job =
                TestConfigs.parseJob(
                        new CompaniesAndContacts(2, 2)
                                .yaml(
                                        "refinvariants",
                                        crm.jdbcUrl(database),
                                        erp.jdbcUrl(database),
                                        "1s"));
        Map<String, Callable<Connection>> databases =
                Map.of("crm", () -> crm.connect(database), "erp", () -> erp.connect(database));

        ReferenceInvariants.Report report = ReferenceInvariants.check(job, databases);

        // Bob's Beta is 222 in both (its org number normalised); Ann is not at the same company.
        assertThat(report.violations())
                .containsExactlyInAnyOrder(
                        "crm: contacts cid@x points at companies 9, which is not there",
                        "contacts.company of ann@x: crm points at 111, erp at 222");
        assertThat(report.clean()).isFalse();

        erp.execute(database, "UPDATE person SET firma = 100 WHERE pnr = 500");
        crm.execute(database, "UPDATE contact SET company_id = 2 WHERE id = 3");
        assertThat(ReferenceInvariants.check(job, databases).assertClean().references())
                .isEqualTo(5);
    }
}
