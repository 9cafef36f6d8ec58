package io.bidisync.job.scenario;

import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Initial completeness: ERP's snapshot is 50 times larger than CRM's, so CRM is read long before
 * ERP. Nothing may be decided until both are read: then no INSERT is ever attempted for an entity
 * the other system has (none blocked, none duplicated). With the completeness gate off, CRM's
 * customers would be inserted into ERP before ERP's copies are read.
 */
class InitialLoadSkewITCase extends MiniClusterITCase {
    private static final int ERP_ROWS = 100_000;
    private static final int CRM_ROWS = 2_000;

    @Test
    void skewedInitialLoadCreatesNoDuplicates() throws Exception {
        int shared = CRM_ROWS / 2;
        try (SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, town) SELECT 'p' || i || '@example.com', 'Person ' || i,"
                                        + " 'Town ' || (i % 97) FROM generate_series(1, "
                                        + ERP_ROWS
                                        + ") i")
                        // Half of CRM's customers are ERP's, spelled differently; the other half
                        // are CRM's own.
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) SELECT ' P' || i || '@Example.com',"
                                        + " 'Person ' || i, 'Town ' || (i % 97) FROM generate_series(1, "
                                        + shared
                                        + ") i")
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) SELECT 'q' || i || '@example.com',"
                                        + " 'Q ' || i, 'Town 1' FROM generate_series(1, "
                                        + (CRM_ROWS - shared)
                                        + ") i")
                        .settings(
                                s ->
                                        s.replace(
                                                "flush-interval: 100ms",
                                                "flush-interval: 100ms\n  batch-size: 2000"))
                        .create()) {
            long start = System.nanoTime();
            run.start();
            int total = ERP_ROWS + CRM_ROWS - shared;
            Await.until(
                    "both systems complete",
                    Duration.ofMinutes(8),
                    () -> count(run, "crm") == total && count(run, "erp") == total,
                    () -> "crm " + count(run, "crm") + ", erp " + count(run, "erp"));
            System.out.printf(
                    "Skewed initial load: %d + %d rows converged to %d per system in %d s%n",
                    ERP_ROWS,
                    CRM_ROWS,
                    total,
                    Duration.ofNanos(System.nanoTime() - start).toSeconds());
            settle(run);

            // Every insert counted (the canaries' too) and no more: then none was blocked.
            long erpInserts = CRM_ROWS - shared + canaries(run, "erp");
            long crmInserts = ERP_ROWS - shared + canaries(run, "crm");
            Await.until(
                    "the inserts counted",
                    Duration.ofSeconds(30),
                    () ->
                            run.metric(metrics, "system.erp.inserts") == erpInserts
                                    && run.metric(metrics, "system.crm.inserts") == crmInserts,
                    () ->
                            "erp "
                                    + run.metric(metrics, "system.erp.inserts")
                                    + " of "
                                    + erpInserts
                                    + ", crm "
                                    + run.metric(metrics, "system.crm.inserts")
                                    + " of "
                                    + crmInserts);
            assertThat(
                            run.metric(metrics, "system.erp.insertsBlocked")
                                    + run.metric(metrics, "system.crm.insertsBlocked"))
                    .as("inserts attempted for entities the other system has")
                    .isZero();
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
            report.assertClean();
        }
    }

    /** The canaries in the system: all inserted by the job (Billing sends them). */
    private static long canaries(SyncRun run, String system) throws Exception {
        return run.rows(system).stream().filter(Canary::isCanary).count();
    }

    private static long count(SyncRun run, String system) throws Exception {
        try (Connection c = run.connect(system);
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT count(*) FROM " + run.system(system).table())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
