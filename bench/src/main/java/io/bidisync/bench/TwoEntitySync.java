package io.bidisync.bench;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CompaniesAndContacts;
import io.bidisync.job.testutil.ReferenceInvariants;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * The two-entity workload: an initial sync of {@link CompaniesAndContacts} — {@code contacts}
 * contacts and a tenth as many companies per system, half of each in both — between two PostgreSQL
 * databases. A contact in both systems points at the same company in both and needs no write; the
 * others are inserted into the other system after their company. Measured like the one-entity
 * initial sync: from the start to the commit of the sync's last write; checked at the end: every
 * contact once, at the same company (by organisation number) in both systems.
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
        CompaniesAndContacts data = new CompaniesAndContacts(contacts, Math.max(2, contacts / 10));
        String database = "twoentities";
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        crm.execute(database, data.crm() + AUDIT.formatted("company", "contact"));
        erp.execute(database, data.erp() + AUDIT.formatted("firma", "person"));
        JobConfig job =
                TestConfigs.parseJob(
                        data.yaml(
                                "twoentities", crm.jdbcUrl(database), erp.jdbcUrl(database), "1s"));
        long started = System.currentTimeMillis() * 1000;
        JobClient client = SyncRun.submit(job, Benchmarks.jobSettings());
        try {
            Await.until(
                    "two-entity initial sync",
                    TIMEOUT,
                    () -> {
                        // Seldom: the check's queries compete with the sync for the same cores.
                        Thread.sleep(2000);
                        return count(crm, database, "contact WHERE company_id IS NOT NULL")
                                        == data.convergedContacts()
                                && count(erp, database, "person WHERE firma IS NOT NULL")
                                        == data.convergedContacts()
                                && count(crm, database, "company") == data.convergedCompanies()
                                && count(erp, database, "firma") == data.convergedCompanies();
                    });
            awaitQuiet(crm, erp, database);
            long last = 0;
            long written = 0;
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
                written += count(server, database, "bidisync_audit WHERE app = 'bidisync'");
            }
            ReferenceInvariants.Report references =
                    ReferenceInvariants.check(
                            job,
                            Map.of(
                                    "crm",
                                    () -> crm.connect(database),
                                    "erp",
                                    () -> erp.connect(database)));
            System.out.println(
                    "Two entity types: "
                            + references.references()
                            + " references checked, violations: "
                            + references.violations().stream().limit(5).toList());
            boolean consistent =
                    references.clean()
                            && CompaniesAndContacts.employers(crm, database, true).size()
                                    == data.convergedContacts()
                            && CompaniesAndContacts.employers(erp, database, false).size()
                                    == data.convergedContacts();
            return new Outcome(
                    new InitialSync.Result(
                            "bidisync-2e",
                            2L * (data.contacts() + data.companies()),
                            written,
                            (last - started) / 1e6,
                            null),
                    consistent);
        } finally {
            client.cancel().get();
        }
    }

    /** An audit trail of every change of the two tables, with the writer's application name. */
    private static final String AUDIT =
            " CREATE TABLE bidisync_audit (seq bigserial PRIMARY KEY, op text NOT NULL, app text,"
                    + " xid bigint NOT NULL DEFAULT txid_current());"
                    + " CREATE FUNCTION bidisync_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO bidisync_audit (op, app) VALUES (TG_OP,"
                    + " current_setting('application_name')); RETURN NULL; END $$;"
                    + " CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON %1$s"
                    + " FOR EACH ROW EXECUTE FUNCTION bidisync_audit();"
                    + " CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON %2$s"
                    + " FOR EACH ROW EXECUTE FUNCTION bidisync_audit();";

    /** Waits until neither system's audit trail grew for five seconds. */
    private static void awaitQuiet(LocalPostgres crm, LocalPostgres erp, String database)
            throws Exception {
        long quietSince = System.nanoTime();
        long changes = -1;
        while (System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos()) {
            long now =
                    count(crm, database, "bidisync_audit") + count(erp, database, "bidisync_audit");
            if (now != changes) {
                changes = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(500);
        }
    }

    private static long count(LocalPostgres server, String database, String from)
            throws SQLException {
        return number(server, database, "SELECT count(*) FROM " + from);
    }

    private static long number(LocalPostgres server, String database, String sql)
            throws SQLException {
        return CompaniesAndContacts.number(server, database, sql);
    }
}
