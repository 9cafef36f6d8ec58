package io.bidisync.job.scenario;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Internal and external duplicates (docs/how-it-works.md), with CRM and ERP read-write and Billing
 * read-only.
 */
class DuplicateScenariosITCase extends MiniClusterITCase {
    private static SyncRun.Builder threeSystems() {
        return SyncRun.of(crm(), erp(), billing())
                .seed(
                        "crm",
                        "INSERT INTO customer (email, full_name, city) VALUES ('bob@example.com', 'Bob', 'Bergen')")
                .seed(
                        "erp",
                        "INSERT INTO client (mail, name, town) VALUES ('bob@example.com', 'Bob', 'Bergen')")
                .seed(
                        "billing",
                        "INSERT INTO account (email, holder, city) VALUES ('bob@example.com', 'Bob', 'Bergen')");
    }

    /** The job's writes to the system, the canaries' left out. */
    private static long jobWrites(SyncRun run, String system) throws Exception {
        return run.audit(system).stream().filter(e -> e.byJob() && !e.isCanary()).count();
    }

    @Test
    void entityOnlyInCrmIsInsertedIntoErpOnceAndNowhereElse() throws Exception {
        // Given Ann only in CRM; when the job syncs; then ERP gets her once, CRM and Billing
        // nothing,
        // and ERP's echo of the insert causes no further write.
        try (SyncRun run =
                threeSystems()
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES ('ann@example.com', 'Ann', '1', 'Oslo')")
                        .create()) {
            run.start();
            Await.until(
                    "Ann in ERP",
                    CONVERGENCE,
                    () -> withEmail(run.rows("erp"), "ann@example.com").size() == 1,
                    () -> state(run));
            Await.until(
                    "the echo", CONVERGENCE, () -> run.metric(metrics, "echoesSuppressed") >= 1);
            settle(run);

            assertThat(withEmail(run.rows("erp"), "ann@example.com")).hasSize(1);
            assertThat(run.audit("erp"))
                    .filteredOn(e -> e.byJob() && !e.isCanary())
                    .extracting(AuditEvent::op)
                    .containsExactly("INSERT");
            assertThat(jobWrites(run, "crm")).isZero();
            assertThat(jobWrites(run, "billing")).isZero();
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void preExistingInternalDuplicatesAreOneEntityKeptInSync() throws Exception {
        try (SyncRun run =
                threeSystems()
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES ('dag@example.com', 'Dag', 'Molde'),"
                                        + " (' DAG@Example.com', 'Dag', 'Molde')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, town) VALUES ('dag@example.com', 'Dag', 'Molde')")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            settle(run);
            assertThat(run.audit("crm").stream().filter(e -> e.byJob() && !e.isCanary()))
                    .allMatch(AuditEvent::isUpdate);

            // An edit to the second CRM row reaches the first CRM row and ERP; nothing is inserted.
            run.execute(
                    "crm",
                    "UPDATE customer SET full_name = 'Dag Dahl', version = version + 1 WHERE id = 3");
            Await.until(
                    "the edit everywhere",
                    CONVERGENCE,
                    () ->
                            withEmail(run.rows("crm"), "dag@example.com").stream()
                                            .allMatch(r -> r.name().equals("Dag Dahl"))
                                    && only(withEmail(run.rows("erp"), "dag@example.com"))
                                            .name()
                                            .equals("Dag Dahl"),
                    () -> state(run));
            settle(run);
            for (String system : run.systemNames()) {
                assertThat(run.audit(system))
                        .noneMatch(e -> e.byJob() && e.isInsert() && !e.isCanary());
            }
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void erpRowCommittedJustBeforeTheInsertBlocksIt() throws Exception {
        try (SyncRun run = threeSystems().create();
                Connection erp = run.connect("erp")) {
            run.start();
            awaitFirstGoldenRecords(run);

            // ERP's user holds the table while creating Ida; the job's insert of CRM's Ida waits.
            erp.setAutoCommit(false);
            try (Statement s = erp.createStatement()) {
                s.execute("LOCK TABLE client IN SHARE ROW EXCLUSIVE MODE");
                run.execute(
                        "crm",
                        "INSERT INTO customer (email, full_name, city) VALUES ('ida@example.com', 'Ida', 'Hamar')");
                Await.until(
                        "the job's insert to wait", CONVERGENCE, () -> run.jobWaitsForLock("erp"));
                s.executeUpdate(
                        "INSERT INTO client (mail, name, phone) VALUES ('IDA@example.com', 'Ida I.', '555')");
            }
            erp.commit();

            Await.until(
                    "the blocked insert",
                    CONVERGENCE,
                    () -> run.metric(metrics, "system.erp.insertsBlocked") == 1);
            // The link is made when ERP's row arrives through CDC; both converge on one Ida.
            Await.until(
                    "one Ida everywhere",
                    CONVERGENCE,
                    () -> {
                        List<Row> erpIda = withEmail(run.rows("erp"), "ida@example.com");
                        List<Row> crmIda = withEmail(run.rows("crm"), "ida@example.com");
                        return erpIda.size() == 1
                                && crmIda.size() == 1
                                && "555".equals(crmIda.get(0).phone())
                                && "Hamar".equals(erpIda.get(0).city());
                    },
                    () -> state(run));
            settle(run);
            // The blocked insert neither inserted a row nor counts as an insert: ERP's inserts
            // are the canaries'.
            assertThat(run.audit("erp")).noneMatch(e -> e.byJob() && e.isInsert() && !e.isCanary());
            long canaries =
                    run.audit("erp").stream().filter(e -> e.byJob() && e.isInsert()).count();
            Await.until(
                    "ERP's inserts counted",
                    Duration.ofSeconds(30),
                    () -> run.metric(metrics, "system.erp.inserts") == canaries,
                    () -> run.metric(metrics, "system.erp.inserts") + " of " + canaries);
            InvariantChecker.check(run).assertClean();
        }
    }
}
