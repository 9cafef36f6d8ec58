package io.bidisync.job.scenario;

import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/** Match-key changes and deletes: identity follows the key, a delete is never undone. */
class IdentityScenariosITCase extends MiniClusterITCase {
    @Test
    void keyChangeJoinsTheGoldenRecordOfTheNewKey() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES ('ann@example.com', 'Ann', 'Oslo')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo'),"
                                        + " ('ann.lee@example.com', 'Ann Lee', 'Oslo')")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            Await.until(
                    "Ann Lee in CRM",
                    CONVERGENCE,
                    () -> run.rows("crm").size() == 2,
                    () -> state(run));
            settle(run);

            // CRM's Ann takes the e-mail ERP already has for Ann Lee.
            run.execute(
                    "crm",
                    "UPDATE customer SET email = 'ann.lee@example.com', version = version + 1 WHERE id = 1");
            settle(run);

            // CRM now has two Ann Lee rows (its own moved row and the one inserted earlier: a
            // pre-existing duplicate kept in sync); ERP has exactly one; the old ann@ golden record
            // keeps ERP's row and is never inserted into CRM again.
            assertThat(withEmail(run.rows("crm"), "ann.lee@example.com")).hasSize(2);
            assertThat(withEmail(run.rows("erp"), "ann.lee@example.com")).hasSize(1);
            assertThat(withEmail(run.rows("crm"), "ann@example.com")).isEmpty();
            assertThat(withEmail(run.rows("erp"), "ann@example.com")).hasSize(1);
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void deleteWithIgnoreIsNeverUndoneByAnotherSystemsCopy() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES ('eve@example.com', 'Eve', 'Oslo')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, town) VALUES ('eve@example.com', 'Eve', 'Oslo')")
                        .seed(
                                "billing",
                                "INSERT INTO account (email, holder, city) VALUES ('eve@example.com', 'Eve', 'Oslo')")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);

            run.execute("crm", "DELETE FROM customer WHERE email = 'eve@example.com'");
            settle(run);
            // ERP keeps on changing Eve: still never re-inserted into CRM.
            run.execute(
                    "erp",
                    "UPDATE client SET town = 'Bergen', row_version = row_version + 1 WHERE mail = 'eve@example.com'");
            settle(run);

            assertThat(Canary.without(run.rows("crm"))).isEmpty();
            assertThat(only(Canary.without(run.rows("erp"))).city()).isEqualTo("Bergen");
            assertThat(run.audit("crm")).noneMatch(e -> e.byJob() && !e.isCanary());
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void deleteWithPropagateDeletesTheLinkedRowsConditionally() throws Exception {
        try (SyncRun run =
                        SyncRun.of(
                                        crm().withDeletes("propagate"),
                                        erp().withWrite("[insert, update, delete]"))
                                .seed(
                                        "crm",
                                        "INSERT INTO customer (email, full_name, city) VALUES"
                                                + " ('fay@example.com', 'Fay', 'Oslo'), ('gus@example.com', 'Gus', 'Oslo')")
                                .seed(
                                        "erp",
                                        "INSERT INTO client (mail, name, town) VALUES"
                                                + " ('fay@example.com', 'Fay', 'Oslo'), ('gus@example.com', 'Gus', 'Oslo')")
                                .create();
                Connection erp = run.connect("erp")) {
            run.start();
            awaitFirstGoldenRecords(run);

            run.execute("crm", "DELETE FROM customer WHERE email = 'fay@example.com'");
            Await.until(
                    "Fay gone from ERP",
                    CONVERGENCE,
                    () -> withEmail(run.rows("erp"), "fay@example.com").isEmpty(),
                    () -> state(run));
            assertThat(run.audit("erp")).filteredOn(e -> e.byJob() && e.isDelete()).hasSize(1);

            // The delete is conditional on the version: a change ERP's user commits while the
            // job's delete is in flight survives it.
            erp.setAutoCommit(false);
            try (Statement s = erp.createStatement()) {
                s.executeUpdate(
                        "UPDATE client SET phone = '777', row_version = row_version + 1 WHERE mail = 'gus@example.com'");
                run.execute("crm", "DELETE FROM customer WHERE email = 'gus@example.com'");
                Await.until(
                        "the job's delete to wait", CONVERGENCE, () -> run.jobWaitsForLock("erp"));
            }
            erp.commit();
            Await.until(
                    "the conflict",
                    CONVERGENCE,
                    () -> run.metric(metrics, "system.erp.conflicts") == 1);
            settle(run);
            assertThat(only(withEmail(run.rows("erp"), "gus@example.com")).phone())
                    .isEqualTo("777");
            assertThat(Canary.without(run.rows("crm"))).isEmpty();
            InvariantChecker.check(run).assertClean();
        }
    }
}
