package io.bidisync.job.reference;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.plan.Plan;
import io.bidisync.job.plan.Planner;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CompaniesAndContacts;
import io.bidisync.job.testutil.JobWrites;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.ReferenceInvariants;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.job.validation.TableTypes;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Companies and their contacts in one job between two PostgreSQL databases whose keys differ (ERP
 * numbers its rows from 100 and 500) and whose foreign keys are enforced: every contact must point,
 * in each system, at that system's row of the same company — by organisation number, the companies'
 * match key. The checks compare what each system holds by the companies' org numbers, so a wrong
 * id, a missing parent or a duplicate fails them.
 */
class ReferencesITCase extends MiniClusterITCase {
    private static final String CRM_TABLES =
            "CREATE TABLE company (id serial PRIMARY KEY, org_no text, name text,"
                    + " version integer NOT NULL DEFAULT 1);"
                    + " CREATE TABLE contact (id serial PRIMARY KEY, email text, full_name text,"
                    + " company_id integer REFERENCES company (id),"
                    + " version integer NOT NULL DEFAULT 1);"
                    + JobWrites.counter("contact")
                    + " CREATE TRIGGER job_write AFTER INSERT OR UPDATE ON company"
                    + " FOR EACH ROW EXECUTE FUNCTION job_write();";

    private static final String ERP_TABLES =
            "CREATE TABLE firma (firmanr serial PRIMARY KEY, orgnr text, navn text,"
                    + " versjon integer NOT NULL DEFAULT 1);"
                    + " ALTER SEQUENCE firma_firmanr_seq RESTART 100;"
                    + " CREATE TABLE person (pnr serial PRIMARY KEY, epost text, navn text,"
                    + " firma integer REFERENCES firma (firmanr),"
                    + " versjon integer NOT NULL DEFAULT 1);"
                    + " ALTER SEQUENCE person_pnr_seq RESTART 500;"
                    + JobWrites.counter("person")
                    + " CREATE TRIGGER job_write AFTER INSERT OR UPDATE ON firma"
                    + " FOR EACH ROW EXECUTE FUNCTION job_write();";

    private static final String CRM_CONTACTS =
            "SELECT p.email, c.org_no FROM contact p LEFT JOIN company c ON c.id = p.company_id";
    private static final String ERP_CONTACTS =
            "SELECT p.epost, f.orgnr FROM person p LEFT JOIN firma f ON f.firmanr = p.firma";

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final LocalPostgres crm = TestServers.of("crm");
    private final LocalPostgres erp = TestServers.of("erp");
    private JobClient job;

    /** A database of its own for the test, on both servers. */
    private String newDatabase() throws SQLException {
        String database = "refs" + RUNS.incrementAndGet();
        crm.createDatabase(database);
        erp.createDatabase(database);
        return database;
    }

    @AfterEach
    void cancel() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
    }

    @Test
    void contactsPointAtTheSameCompanyInEverySystem() throws Exception {
        String database = newDatabase();
        // Each system has a company and a contact the other lacks, and one of each both have.
        crm.execute(
                database,
                CRM_TABLES
                        + " INSERT INTO company (org_no, name) VALUES ('111', 'Acme'), ('222', 'Beta'),"
                        + " (NULL, 'Nameless');"
                        + " INSERT INTO contact (email, full_name, company_id) VALUES"
                        + " ('ann@acme', 'Ann', 1), ('bob@beta', 'Bob', 2)");
        erp.execute(
                database,
                ERP_TABLES
                        + " INSERT INTO firma (orgnr, navn) VALUES ('333', 'Gamma'), ('111', 'Acme');"
                        + " INSERT INTO person (epost, navn, firma) VALUES"
                        + " ('cid@gamma', 'Cid', 100), ('ann@acme', 'Ann', 101)");

        // The plan first: parents before children, references in each system's own keys.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(SyncRun.jobSettings());
        JobConfig declared = job(crm, erp, database, "");
        List<Plan> plans =
                Planner.plan(
                        declared.map(entity -> TableTypes.infer(entity).config()),
                        env,
                        metrics,
                        (read, total) -> {});
        assertThat(plans)
                .extracting(Plan::name)
                .containsExactly(database + " companies", database + " contacts");
        assertThat(plans.get(0).writes())
                .extracting(w -> w.system() + " " + w.operation() + " " + w.goldenKey())
                .containsExactly("crm INSERT 333", "erp INSERT 222");
        // Ann's company is the same in both (ids 1 and 101): no write. ERP's Acme is row 101.
        assertThat(plans.get(1).writes())
                .extracting(
                        w ->
                                w.system()
                                        + " "
                                        + w.operation()
                                        + " "
                                        + w.goldenKey()
                                        + " company "
                                        + w.values()[2])
                .containsExactly(
                        "crm INSERT cid@gamma company (new 333)",
                        "erp INSERT bob@beta company (new 222)");
        assertThat(plans.get(1).deadLetters()).isEmpty();

        job = start(crm, erp, database);

        // The initial sync: each system gets the other's company first, then its contact, which
        // points at the company's row in that system (the foreign key would refuse anything else).
        Await.until(
                "every contact in both systems, at the same company",
                CONVERGENCE,
                () ->
                        contacts(crm, database, CRM_CONTACTS).size() == 3
                                && contacts(crm, database, CRM_CONTACTS)
                                        .equals(contacts(erp, database, ERP_CONTACTS)),
                () ->
                        contacts(crm, database, CRM_CONTACTS)
                                + " / "
                                + contacts(erp, database, ERP_CONTACTS));
        assertThat(contacts(erp, database, ERP_CONTACTS))
                .containsEntry("ann@acme", "111")
                .containsEntry("bob@beta", "222")
                .containsEntry("cid@gamma", "333");
        Map<String, Callable<Connection>> databases =
                Map.of("crm", () -> crm.connect(database), "erp", () -> erp.connect(database));
        assertThat(ReferenceInvariants.check(declared, databases).assertClean().references())
                .as("references checked")
                .isEqualTo(6);
        assertThat(count(crm, database, "company")).isEqualTo(4);
        assertThat(count(erp, database, "firma")).isEqualTo(3);
        long writes = JobWrites.count(crm, database) + JobWrites.count(erp, database);
        // Gamma and Cid into CRM, Beta and Bob into ERP; Ann's company differs in id only.
        assertThat(writes).as("inserts only, nothing for Ann").isEqualTo(4);
        JobWrites.assertQuiet(crm, erp, database, writes, JobWrites.QUIET);

        // A contact moved to another company, in each system: the other system follows, with
        // its own id of that company.
        crm.execute(
                database,
                "UPDATE contact SET company_id = 2, version = version + 1 WHERE email = 'ann@acme'");
        erp.execute(
                database,
                "UPDATE person SET firma = 101, versjon = versjon + 1 WHERE epost = 'cid@gamma'");
        Await.until(
                "Ann at Beta and Cid at Acme in both systems",
                CONVERGENCE,
                () ->
                        "222".equals(contacts(erp, database, ERP_CONTACTS).get("ann@acme"))
                                && "111"
                                        .equals(
                                                contacts(crm, database, CRM_CONTACTS)
                                                        .get("cid@gamma")),
                () ->
                        contacts(crm, database, CRM_CONTACTS)
                                + " / "
                                + contacts(erp, database, ERP_CONTACTS));

        // A company inserted with its contacts in one transaction: the parent reaches the other
        // system before its children.
        crm.execute(
                database,
                "BEGIN; INSERT INTO company (id, org_no, name) VALUES (10, '444', 'Delta');"
                        + " INSERT INTO contact (email, full_name, company_id) VALUES"
                        + " ('dan@delta', 'Dan', 10), ('eve@delta', 'Eve', 10); COMMIT");
        Await.until(
                "Delta's contacts in ERP, at Delta",
                CONVERGENCE,
                () ->
                        "444".equals(contacts(erp, database, ERP_CONTACTS).get("dan@delta"))
                                && "444"
                                        .equals(
                                                contacts(erp, database, ERP_CONTACTS)
                                                        .get("eve@delta")),
                () -> contacts(erp, database, ERP_CONTACTS).toString());

        // A contact whose company is never synced (it has no org number): after the wait it is
        // a dead letter naming the reference, and nothing of it reaches ERP.
        crm.execute(
                database,
                "INSERT INTO contact (email, full_name, company_id) VALUES ('nia@nowhere', 'Nia', 3)");
        Await.until(
                "the unresolved reference as a dead letter",
                CONVERGENCE,
                () ->
                        deadLetters(crm, database)
                                .contains(
                                        "unresolved reference: contacts.company → companies row 3 of crm"),
                () -> deadLetters(crm, database));
        assertThat(contacts(erp, database, ERP_CONTACTS)).doesNotContainKey("nia@nowhere");
        // A company ended in CRM once nobody works there: deleted in ERP too (deletes: propagate).
        crm.execute(
                database,
                "UPDATE contact SET company_id = 1, version = version + 1"
                        + " WHERE email IN ('bob@beta', 'ann@acme')");
        Await.until(
                "Ann and Bob at Acme in ERP",
                CONVERGENCE,
                () ->
                        "111".equals(contacts(erp, database, ERP_CONTACTS).get("bob@beta"))
                                && "111"
                                        .equals(
                                                contacts(erp, database, ERP_CONTACTS)
                                                        .get("ann@acme")),
                () -> contacts(erp, database, ERP_CONTACTS).toString());
        crm.execute(database, "DELETE FROM company WHERE org_no = '222'");
        Await.until(
                "Beta gone from ERP",
                CONVERGENCE,
                () -> count(erp, database, "firma WHERE orgnr = '222'") == 0,
                () -> "ERP still has Beta");

        ReferenceInvariants.check(declared, databases).assertClean();

        // Counted under the entity type's own operators, as the dashboard shows them.
        // The dashboard's figures are fetched periodically: wait for the count, do not sample it.
        Await.until(
                "the unresolved reference counted",
                CONVERGENCE,
                () -> metrics.total(job.getJobID(), SyncMetrics.UNRESOLVED_REFERENCES) > 0);
        assertThat(metrics.ids(job.getJobID()).keySet())
                .anyMatch(v -> v.contains("contacts:references: wait until resolved"))
                .anyMatch(v -> v.contains("contacts:company: to each target's companies key"))
                .anyMatch(v -> v.contains("companies:golden: merge"));
        assertThat(contacts(crm, database, CRM_CONTACTS))
                .isEqualTo(withNia(contacts(erp, database, ERP_CONTACTS)));
    }

    /** The job between the two databases: companies, and contacts that reference them. */
    private static JobClient start(LocalPostgres crm, LocalPostgres erp, String database)
            throws Exception {
        return start(crm, erp, database, "");
    }

    /** The job, with more entity types ({@code entities}, YAML indented as an entity). */
    private static JobClient start(
            LocalPostgres crm, LocalPostgres erp, String database, String entities)
            throws Exception {
        return SyncRun.submit(job(crm, erp, database, entities), SyncRun.jobSettings());
    }

    private static JobConfig job(
            LocalPostgres crm, LocalPostgres erp, String database, String entities) {
        String yaml =
                """
                name: %s
                completeness: { delay: 200ms }
                dead-letters: { system: crm, table: bidisync_dead_letters }
                systems:
                  crm: { connection: { url: "%s", username: postgres } }
                  erp: { connection: { url: "%s", username: postgres } }
                entities:
                  companies:
                    match-key: { attribute: org_no, normalize: digits }
                    attributes: [org_no, name]
                    deletes: propagate
                    tables:
                      crm: { table: public.company, primary-key: id, version-column: version,
                             columns: { org_no: org_no, name: name }, write: [insert, update, delete] }
                      erp: { table: public.firma, primary-key: firmanr, version-column: versjon,
                             columns: { org_no: orgnr, name: navn }, write: [insert, update, delete] }
                  contacts:
                    match-key: { attribute: email, normalize: email }
                    attributes: [email, name, company]
                    references: { company: { entity: companies, wait: 3s } }
                    tables:
                      crm: { table: public.contact, primary-key: id, version-column: version,
                             columns: { email: email, name: full_name, company: company_id } }
                      erp: { table: public.person, primary-key: pnr, version-column: versjon,
                             columns: { email: epost, name: navn, company: firma } }
                """
                                .formatted(database, crm.jdbcUrl(database), erp.jdbcUrl(database))
                        + entities;
        return TestConfigs.parseJob(yaml);
    }

    @Test
    void aCompanyMergeRePointsItsContacts() throws Exception {
        String database = newDatabase();
        // ERP holds Epsilon under a mistyped org number: for the job, two companies.
        crm.execute(
                database,
                CRM_TABLES
                        + " INSERT INTO company (org_no, name) VALUES ('555', 'Epsilon');"
                        + " INSERT INTO contact (email, full_name, company_id) VALUES"
                        + " ('fay@epsilon', 'Fay', 1)");
        erp.execute(
                database,
                ERP_TABLES
                        + " INSERT INTO firma (orgnr, navn) VALUES ('556', 'Epsilon AS');"
                        + " INSERT INTO person (epost, navn, firma) VALUES ('gus@epsilon', 'Gus', 100)");
        job = start(crm, erp, database);
        Await.until(
                "both contacts in both systems",
                CONVERGENCE,
                () ->
                        contacts(crm, database, CRM_CONTACTS).size() == 2
                                && contacts(crm, database, CRM_CONTACTS)
                                        .equals(contacts(erp, database, ERP_CONTACTS)),
                () ->
                        contacts(crm, database, CRM_CONTACTS)
                                + " / "
                                + contacts(erp, database, ERP_CONTACTS));
        assertThat(contacts(crm, database, CRM_CONTACTS)).containsEntry("gus@epsilon", "556");

        // ERP corrects the org number: its Epsilon joins CRM's. Gus did not change in ERP, yet
        // his company is now the merged golden record, and CRM's Gus moves to CRM's Epsilon.
        erp.execute(
                database,
                "UPDATE firma SET orgnr = '555', versjon = versjon + 1 WHERE firmanr = 100");
        Await.until(
                "Gus at the merged Epsilon in CRM",
                CONVERGENCE,
                () -> "555".equals(contacts(crm, database, CRM_CONTACTS).get("gus@epsilon")),
                () ->
                        contacts(crm, database, CRM_CONTACTS)
                                + " / "
                                + contacts(erp, database, ERP_CONTACTS));
        assertThat(contacts(erp, database, ERP_CONTACTS))
                .containsEntry("gus@epsilon", "555")
                .containsEntry("fay@epsilon", "555");
        ReferenceInvariants.check(
                        job(crm, erp, database, ""),
                        Map.of(
                                "crm",
                                () -> crm.connect(database),
                                "erp",
                                () -> erp.connect(database)))
                .assertClean();
    }

    @Test
    void aJoinTableOfTwoReferencesSyncsLinksNotIds() throws Exception {
        String database = newDatabase();
        crm.execute(
                database,
                CRM_TABLES
                        + " CREATE TABLE project (id serial PRIMARY KEY, code text, title text,"
                        + " version integer NOT NULL DEFAULT 1);"
                        + " CREATE TABLE contact_project ("
                        + " contact_id integer REFERENCES contact (id),"
                        + " project_id integer REFERENCES project (id),"
                        + " version integer NOT NULL DEFAULT 1, PRIMARY KEY (contact_id, project_id));"
                        + " INSERT INTO company (org_no, name) VALUES ('111', 'Acme');"
                        + " INSERT INTO contact (email, full_name, company_id) VALUES ('ann@acme', 'Ann', 1);"
                        + " INSERT INTO project (code, title) VALUES ('P1', 'Roof');"
                        + " INSERT INTO contact_project VALUES (1, 1)");
        erp.execute(
                database,
                ERP_TABLES
                        + " CREATE TABLE prosjekt (nr serial PRIMARY KEY, kode text, tittel text,"
                        + " versjon integer NOT NULL DEFAULT 1);"
                        + " ALTER SEQUENCE prosjekt_nr_seq RESTART 700;"
                        + " CREATE TABLE person_prosjekt ("
                        + " person integer REFERENCES person (pnr),"
                        + " prosjekt integer REFERENCES prosjekt (nr),"
                        + " versjon integer NOT NULL DEFAULT 1, PRIMARY KEY (person, prosjekt));"
                        + " INSERT INTO firma (orgnr, navn) VALUES ('333', 'Gamma');"
                        + " INSERT INTO person (epost, navn, firma) VALUES ('cid@gamma', 'Cid', 100);"
                        + " INSERT INTO prosjekt (kode, tittel) VALUES ('P2', 'Walls');"
                        + " INSERT INTO person_prosjekt (person, prosjekt) VALUES (500, 700)");
        job =
                start(
                        crm,
                        erp,
                        database,
                        """
                          projects:
                            match-key: { attribute: code }
                            attributes: [code, title]
                            tables:
                              crm: { table: public.project, primary-key: id, version-column: version,
                                     columns: { code: code, title: title } }
                              erp: { table: public.prosjekt, primary-key: nr, version-column: versjon,
                                     columns: { code: kode, title: tittel } }
                          memberships:
                            match-key: { attributes: [contact, project] }
                            attributes: [contact, project]
                            references: { contact: contacts, project: projects }
                            # A membership ended in one system ends in the other.
                            deletes: propagate
                            tables:
                              crm: { table: public.contact_project, primary-key: [contact_id, project_id],
                                     version-column: version, write: [insert, delete], columns: { contact: contact_id, project: project_id } }
                              erp: { table: public.person_prosjekt, primary-key: [person, prosjekt],
                                     version-column: versjon, write: [insert, delete], columns: { contact: person, project: prosjekt } }
                        """);
        String crmLinks =
                "SELECT c.email || ' in ' || p.code, 'x' FROM contact_project l"
                        + " JOIN contact c ON c.id = l.contact_id JOIN project p ON p.id = l.project_id";
        String erpLinks =
                "SELECT c.epost || ' in ' || p.kode, 'x' FROM person_prosjekt l"
                        + " JOIN person c ON c.pnr = l.person JOIN prosjekt p ON p.nr = l.prosjekt";
        Await.until(
                "both memberships in both systems",
                CONVERGENCE,
                () ->
                        contacts(crm, database, crmLinks)
                                        .keySet()
                                        .equals(
                                                java.util.Set.of(
                                                        "ann@acme in P1", "cid@gamma in P2"))
                                && contacts(erp, database, erpLinks)
                                        .equals(contacts(crm, database, crmLinks)),
                () ->
                        contacts(crm, database, crmLinks)
                                + " / "
                                + contacts(erp, database, erpLinks));

        // A new membership, and one ended: the other system follows.
        crm.execute(
                database,
                "INSERT INTO contact_project (contact_id, project_id)"
                        + " SELECT c.id, p.id FROM contact c, project p"
                        + " WHERE c.email = 'ann@acme' AND p.code = 'P2'");
        erp.execute(database, "DELETE FROM person_prosjekt WHERE person = 500");
        Await.until(
                "Ann in both projects, Cid in none, in both systems",
                CONVERGENCE,
                () ->
                        contacts(crm, database, crmLinks)
                                        .keySet()
                                        .equals(
                                                java.util.Set.of(
                                                        "ann@acme in P1", "ann@acme in P2"))
                                && contacts(erp, database, erpLinks)
                                        .equals(contacts(crm, database, crmLinks)),
                () ->
                        contacts(crm, database, crmLinks)
                                + " / "
                                + contacts(erp, database, erpLinks));
    }

    private static Map<String, String> withNia(Map<String, String> erp) {
        Map<String, String> expected = new TreeMap<>(erp);
        expected.put("nia@nowhere", null);
        return expected;
    }

    /** Each contact's e-mail with its company's org number, as the system holds them. */
    private static Map<String, String> contacts(LocalPostgres server, String database, String sql)
            throws SQLException {
        try (Connection c = server.connect(database)) {
            return CompaniesAndContacts.pairs(c, sql);
        }
    }

    private static long count(LocalPostgres server, String database, String table)
            throws SQLException {
        return CompaniesAndContacts.number(server, database, "SELECT count(*) FROM " + table);
    }

    private static String deadLetters(LocalPostgres server, String database) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT reason FROM bidisync_dead_letters")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
