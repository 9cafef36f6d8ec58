package io.bidisync.bench;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The two-entity workload: an initial sync of companies and the contacts that reference them
 * between two PostgreSQL databases whose keys differ and whose foreign keys are enforced. Each
 * system has {@code contacts} contacts and a tenth as many companies; half of each are in both
 * systems (the same organisation number or e-mail, other ids). Every contact works at a company
 * both systems have, so a contact in both systems points at the same company in both and needs no
 * write; the other half is inserted into the other system after its company. Measured like the
 * one-entity initial sync: from the start to the commit of the sync's last write; checked at the
 * end: every contact at the same company (by organisation number) in both systems.
 */
final class TwoEntitySync {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    /**
     * @param result the initial sync's figures
     * @param consistent whether every contact points at the same company in both systems, with no
     *     contact or company twice
     */
    record Outcome(InitialSync.Result result, boolean consistent) {}

    private TwoEntitySync() {}

    static Outcome run(int contacts) throws Exception {
        int companies = Math.max(2, contacts / 10);
        String database = "twoentities";
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        crm.execute(
                database,
                ddl("company", "id", "contact", "id", "company_id") + crmSeed(contacts, companies));
        erp.execute(
                database,
                ddl("firma", "firmanr", "person", "pnr", "firma") + erpSeed(contacts, companies));
        JobConfig job =
                TestConfigs.parseJob(
                        """
                        name: twoentities
                        completeness: { delay: 1s, heartbeat-interval: 250ms }
                        writer: { flush-interval: 100ms }
                        systems:
                          crm: { connection: { url: "%s", username: postgres } }
                          erp: { connection: { url: "%s", username: postgres } }
                        entities:
                          companies:
                            match-key: { attribute: org_no, normalize: digits }
                            attributes: [org_no, name]
                            tables:
                              crm: { table: public.company, primary-key: id, version-column: version, columns: { org_no: org_no, name: name } }
                              erp: { table: public.firma, primary-key: firmanr, version-column: version, columns: { org_no: org_no, name: name } }
                          contacts:
                            match-key: { attribute: email, normalize: email }
                            attributes: [email, name, company]
                            references: { company: companies }
                            tables:
                              crm: { table: public.contact, primary-key: id, version-column: version, columns: { email: email, name: name, company: company_id } }
                              erp: { table: public.person, primary-key: pnr, version-column: version, columns: { email: email, name: name, company: firma } }
                        """
                                .formatted(crm.jdbcUrl(database), erp.jdbcUrl(database)));
        long started = System.currentTimeMillis() * 1000;
        JobClient client = SyncRun.submit(job, Benchmarks.jobSettings());
        try {
            long convergedContacts = contacts / 2 * 3;
            long convergedCompanies = companies / 2 * 3;
            Await.until(
                    "two-entity initial sync",
                    TIMEOUT,
                    () -> {
                        Thread.sleep(2000);
                        return count(crm, database, "contact WHERE company_id IS NOT NULL")
                                        == convergedContacts
                                && count(erp, database, "person WHERE firma IS NOT NULL")
                                        == convergedContacts
                                && count(crm, database, "company") == convergedCompanies
                                && count(erp, database, "firma") == convergedCompanies;
                    });
            long last = 0;
            long written = 0;
            long quietSince = System.nanoTime();
            long changes = -1;
            while (System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos()) {
                long now =
                        count(crm, database, "bidisync_audit")
                                + count(erp, database, "bidisync_audit");
                if (now != changes) {
                    changes = now;
                    quietSince = System.nanoTime();
                }
                Thread.sleep(500);
            }
            for (LocalPostgres server : new LocalPostgres[] {crm, erp}) {
                last =
                        Math.max(
                                last,
                                number(
                                        server,
                                        database,
                                        "SELECT coalesce(max("
                                                + AuditEvent.COMMIT_MICROS
                                                + "), 0) FROM bidisync_audit WHERE app = 'bidisync'"));
                written +=
                        number(
                                server,
                                database,
                                "SELECT count(*) FROM bidisync_audit WHERE app = 'bidisync'");
            }
            boolean consistent =
                    employers(
                                            crm,
                                            database,
                                            "SELECT p.email, c.org_no FROM contact p JOIN company c ON c.id = p.company_id")
                                    .equals(
                                            employers(
                                                    erp,
                                                    database,
                                                    "SELECT p.email, f.org_no FROM person p JOIN firma f ON f.firmanr = p.firma"))
                            && count(crm, database, "contact") == convergedContacts
                            && count(erp, database, "person") == convergedContacts;
            return new Outcome(
                    new InitialSync.Result(
                            "bidisync-2e",
                            2L * (contacts + companies),
                            written,
                            (last - started) / 1e6,
                            null),
                    consistent);
        } finally {
            client.cancel().get();
        }
    }

    /** Companies and contacts with foreign keys, and an audit trail of every change. */
    private static String ddl(
            String companyTable,
            String companyKey,
            String contactTable,
            String contactKey,
            String reference) {
        return "CREATE TABLE "
                + companyTable
                + " ("
                + companyKey
                + " serial PRIMARY KEY, org_no text, name text, version integer NOT NULL DEFAULT 1);"
                + " ALTER SEQUENCE "
                + companyTable
                + "_"
                + companyKey
                + "_seq RESTART 1000000;"
                + " CREATE TABLE "
                + contactTable
                + " ("
                + contactKey
                + " serial PRIMARY KEY, email text, name text,"
                + " "
                + reference
                + " integer REFERENCES "
                + companyTable
                + " ("
                + companyKey
                + "), version integer NOT NULL DEFAULT 1);"
                + " CREATE TABLE bidisync_audit (seq bigserial PRIMARY KEY, op text NOT NULL, app text,"
                + " xid bigint NOT NULL DEFAULT txid_current());"
                + " CREATE FUNCTION bidisync_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " INSERT INTO bidisync_audit (op, app) VALUES (TG_OP, current_setting('application_name'));"
                + " RETURN NULL; END $$;"
                + " CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON "
                + companyTable
                + " FOR EACH ROW EXECUTE FUNCTION bidisync_audit();"
                + " CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON "
                + contactTable
                + " FOR EACH ROW EXECUTE FUNCTION bidisync_audit();";
    }

    /**
     * CRM: companies 1…c and contacts 1…n; ERP: companies c/2+1…3c/2 and contacts n/2+1…3n/2 (ids
     * from 1,000,000: the keys differ). Contact i works at company c/2 + 1 + i mod c/2, which both
     * systems have.
     */
    private static String crmSeed(int n, int c) {
        return seed("company", "contact", "company_id", "id", 1, c, 1, n, c);
    }

    private static String erpSeed(int n, int c) {
        return seed(
                "firma", "person", "firma", "firmanr", c / 2 + 1, c / 2 * 3, n / 2 + 1, n / 2 * 3,
                c);
    }

    private static String seed(
            String companyTable,
            String contactTable,
            String reference,
            String companyKey,
            int firstCompany,
            int lastCompany,
            int firstContact,
            int lastContact,
            int c) {
        return "INSERT INTO "
                + companyTable
                + " (org_no, name) SELECT '9' || lpad(i::text, 8, '0'), 'Company ' || i"
                + " FROM generate_series("
                + firstCompany
                + ", "
                + lastCompany
                + ") i;"
                + " INSERT INTO "
                + contactTable
                + " (email, name, "
                + reference
                + ")"
                + " SELECT 'contact' || i || '@example.com', 'Contact ' || i, k."
                + companyKey
                + " FROM generate_series("
                + firstContact
                + ", "
                + lastContact
                + ") i"
                + " JOIN "
                + companyTable
                + " k ON k.org_no = '9' || lpad(("
                + (c / 2)
                + " + 1 + i % "
                + (c / 2)
                + ")::text, 8, '0');";
    }

    private static long count(LocalPostgres server, String database, String from)
            throws SQLException {
        return number(server, database, "SELECT count(*) FROM " + from);
    }

    private static long number(LocalPostgres server, String database, String sql)
            throws SQLException {
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, String> employers(LocalPostgres server, String database, String sql)
            throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
