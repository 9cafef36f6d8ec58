package io.bidisync.job.testutil;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker itself, without the job: the databases are changed by hand, "the job's" writes made
 * under its application name, and the checker must tell a run that kept its promises from one that
 * did not.
 */
class InvariantCheckerITCase {
    private static final String ANN_CRM =
            "INSERT INTO customer (email, full_name, city) VALUES ('ann@example.com', 'Ann', 'Oslo')";
    private static final String ANN_ERP =
            "INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo')";
    private static final String ANN_BILLING =
            "INSERT INTO account (email, holder, city) VALUES ('ann@example.com', 'Ann', 'Oslo')";

    private static SyncRun annEverywhere(String settings) throws SQLException {
        SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .settings(s -> s.replace("  priority: [crm, erp]\n", settings))
                        .seed("crm", ANN_CRM)
                        .seed("erp", ANN_ERP)
                        .seed("billing", ANN_BILLING)
                        .create();
        // What follows happens after "the job" started: it reads it with its commit time.
        run.startedElsewhere();
        return run;
    }

    /** Runs {@code sql} in {@code system} as the job does: under its application name. */
    private static void asTheJob(SyncRun run, String system, String sql) throws SQLException {
        try (Connection c = run.connect(system);
                Statement s = c.createStatement()) {
            s.execute("SET application_name = 'bidisync'");
            s.execute(sql);
        }
    }

    @Test
    void aBillingChangeThatNeverReachedTheWritableSystemsIsAViolation() throws Exception {
        try (SyncRun run = annEverywhere("  priority: [crm, erp]\n")) {
            InvariantChecker.check(run).assertClean();

            run.execute("billing", "UPDATE account SET city = 'Lima', ver = ver + 1");
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
            assertThat(report.clean()).isFalse();
            assertThat(report.systems())
                    .extracting(InvariantChecker.SystemFigures::stale)
                    .containsExactly(1, 1, 0);
            assertThat(report.details())
                    .anyMatch(d -> d.startsWith("stale: ann@example.com crm row 1 city='Oslo'"))
                    .anyMatch(d -> d.startsWith("stale: ann@example.com erp row 1 city='Oslo'"));
            // Every other figure is as before: only the new check sees it.
            assertThat(
                            report.total(
                                    f ->
                                            f.duplicatesCreated()
                                                    + f.missing()
                                                    + f.unconverged()
                                                    + f.lostUpdates()
                                                    + f.resurrected()))
                    .isZero();

            // The job carries it to both: clean.
            asTheJob(run, "crm", "UPDATE customer SET city = 'Lima', version = version + 1");
            asTheJob(run, "erp", "UPDATE client SET town = 'Lima', row_version = row_version + 1");
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void theConfiguredRulesDecide() throws Exception {
        // Names by priority: CRM's name stays, however new Billing's is.
        try (SyncRun run = annEverywhere("  priority: [crm, erp]\n  rules: { name: priority }\n")) {
            run.execute("billing", "UPDATE account SET holder = 'Ann Billing', ver = ver + 1");
            InvariantChecker.check(run).assertClean();

            // ERP's newer name loses to CRM's too: until the job writes CRM's back, ERP is stale.
            run.execute("erp", "UPDATE client SET name = 'Ann Erp', row_version = row_version + 1");
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
            assertThat(report.systems())
                    .extracting(InvariantChecker.SystemFigures::stale)
                    .containsExactly(0, 1, 0);
            assertThat(report.details())
                    .anyMatch(
                            d ->
                                    d.startsWith(
                                            "stale: ann@example.com erp row 1 name='Ann Erp', but survivorship over all systems gives 'Ann'"));
            asTheJob(run, "erp", "UPDATE client SET name = 'Ann', row_version = row_version + 1");
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void aValueTheJobCopiedKeepsTheTimeOfItsOriginAfterTheOriginIsGone() throws Exception {
        try (SyncRun run = annEverywhere("  priority: [crm, erp]\n")) {
            run.execute("billing", "UPDATE account SET city = 'Lima', ver = ver + 1");
            asTheJob(run, "crm", "UPDATE customer SET city = 'Lima', version = version + 1");
            asTheJob(run, "erp", "UPDATE client SET town = 'Lima', row_version = row_version + 1");
            // Later ERP's user moves Ann to Quito, the job copies that to CRM, then ERP's row goes:
            // CRM's Quito (newer than Billing's Lima) is still the survivorship result.
            run.execute("erp", "UPDATE client SET town = 'Quito', row_version = row_version + 1");
            asTheJob(run, "crm", "UPDATE customer SET city = 'Quito', version = version + 1");
            run.execute("erp", "DELETE FROM client");
            InvariantChecker.check(run).assertClean();

            // A value the job writes is as old as where it came from, not as its write: the
            // seed's Oslo written back into CRM is older than Billing's Lima.
            asTheJob(run, "crm", "UPDATE customer SET city = 'Oslo', version = version + 1");
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
            assertThat(report.details())
                    .anyMatch(
                            d ->
                                    d.startsWith(
                                            "stale: ann@example.com crm row 1 city='Oslo', but survivorship over all systems gives 'Lima'"));
        }
    }
}
