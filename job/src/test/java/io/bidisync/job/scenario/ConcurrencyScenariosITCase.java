package io.bidisync.job.scenario;

import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/** Systems racing each other and the job: nothing is overwritten unseen, writes stay bounded. */
class ConcurrencyScenariosITCase extends MiniClusterITCase {
    private static final List<String> EDITABLE = List.of("name", "phone", "city");

    /** {@code n} customers, the same in CRM and ERP. */
    private static SyncRun.Builder customers(int n) {
        StringBuilder crm =
                new StringBuilder("INSERT INTO customer (email, full_name, phone, city) VALUES ");
        StringBuilder erp =
                new StringBuilder("INSERT INTO client (mail, name, phone, town) VALUES ");
        for (int i = 1; i <= n; i++) {
            String row =
                    "('c" + i + "@example.com', 'Name " + i + "', '" + i + "', 'City " + i + "')";
            crm.append(i > 1 ? "," : "").append(row);
            erp.append(i > 1 ? "," : "").append(row);
        }
        return SyncRun.of(crm(), erp(), billing())
                .seed("crm", crm.toString())
                .seed("erp", erp.toString());
    }

    /** Updates one attribute of one customer as its users would: with a new value and version. */
    private static final class Writer implements AutoCloseable {
        private final SyncedSystem system;
        private final Connection connection;

        Writer(SyncRun run, String system) throws Exception {
            this.system = run.system(system);
            this.connection = run.connect(system);
        }

        void set(int customer, String attribute, String value) throws Exception {
            String sql =
                    "UPDATE "
                            + system.table()
                            + " SET "
                            + system.column(attribute)
                            + " = ?, "
                            + system.versionColumn()
                            + " = "
                            + system.versionColumn()
                            + " + 1 WHERE "
                            + system.column("email")
                            + " = ?";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, value);
                ps.setString(2, "c" + customer + "@example.com");
                ps.executeUpdate();
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** {@code count} random edits in one system, each value unique, with random pauses. */
    private static void edit(
            SyncRun run, String system, long seed, int count, int customers, int maxPauseMillis)
            throws Exception {
        Random random = new Random(seed);
        try (Writer writer = new Writer(run, system)) {
            for (int i = 0; i < count; i++) {
                String attribute = EDITABLE.get(random.nextInt(EDITABLE.size()));
                writer.set(1 + random.nextInt(customers), attribute, system + "-" + seed + "-" + i);
                if (maxPauseMillis > 0) {
                    Thread.sleep(random.nextInt(maxPauseMillis));
                }
            }
        }
    }

    @Test
    void concurrentWriterNeverLosesAnUpdateIn500Interleavings() throws Exception {
        long seed = Long.getLong("bidisync.seed", 42L);
        // Busy customers are emitted every 2 s at the latest, so job writes meet CRM's writes.
        try (SyncRun run =
                customers(5)
                        .settings(s -> s.replace("delay: 1s", "delay: 1s\n  max-wait: 2s"))
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);

            // ERP's users change customers (the job carries that to CRM) while CRM's users change
            // the
            // same customers at random moments: 500 races between a job write and a CRM write.
            ExecutorService threads = Executors.newFixedThreadPool(2);
            Future<?> erp =
                    threads.submit(
                            () -> {
                                edit(run, "erp", seed, 500, 5, 40);
                                return null;
                            });
            Future<?> crm =
                    threads.submit(
                            () -> {
                                edit(run, "crm", seed + 1, 500, 5, 40);
                                return null;
                            });
            erp.get();
            crm.get();
            threads.shutdown();
            settle(run);

            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.printf(
                    "Lost-update race (seed %d): conflicts crm %d, erp %d%n%s",
                    seed,
                    run.metric(metrics, "system.crm.conflicts"),
                    run.metric(metrics, "system.erp.conflicts"),
                    report);
            report.assertClean();
            // The races really happened: the job's conditional writes found newer versions.
            assertThat(
                            run.metric(metrics, "system.crm.conflicts")
                                    + run.metric(metrics, "system.erp.conflicts"))
                    .isPositive();
        }
    }

    @Test
    void concurrentEditsConvergeWithOneWritePerSystem() throws Exception {
        try (SyncRun run = customers(1).create();
                Writer crmUser = new Writer(run, "crm");
                Writer erpUser = new Writer(run, "erp")) {
            run.start();
            awaitFirstGoldenRecords(run);
            settle(run);

            // Within one completeness delay: both change the city (ERP last), CRM the name, ERP the
            // phone.
            crmUser.set(1, "city", "Molde");
            crmUser.set(1, "name", "Eve Eng");
            erpUser.set(1, "city", "Hamar");
            erpUser.set(1, "phone", "555");
            settle(run);

            List<String> expected = List.of("c1@example.com", "Eve Eng", "555", "Hamar");
            assertThat(only(Canary.without(run.rows("crm"))).values()).isEqualTo(expected);
            assertThat(only(Canary.without(run.rows("erp"))).values()).isEqualTo(expected);
            assertThat(run.audit("crm")).filteredOn(e -> e.byJob() && !e.isCanary()).hasSize(1);
            assertThat(run.audit("erp")).filteredOn(e -> e.byJob() && !e.isCanary()).hasSize(1);
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void sourceChangesCauseWritesOnlyWhereTheGoldenValueDiffers() throws Exception {
        int changes = 10_000;
        try (SyncRun run = customers(100).create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            settle(run);

            edit(run, "crm", 7L, changes, 100, 0);
            Await.until(
                    "ERP caught up",
                    CONVERGENCE,
                    () -> InvariantChecker.check(run).clean(),
                    () -> InvariantChecker.check(run));
            settle(run);

            InvariantChecker.Report report = InvariantChecker.check(run);
            long erpWrites =
                    run.audit("erp").stream().filter(e -> e.byJob() && !e.isCanary()).count();
            List<AuditEvent> crmWrites =
                    run.audit("crm").stream().filter(e -> e.byJob() && !e.isCanary()).toList();
            System.out.printf(
                    "Write amplification: %d CRM changes → %d ERP writes (%.3f per change), %d CRM writes%n%s",
                    changes, erpWrites, (double) erpWrites / changes, crmWrites.size(), report);
            report.assertClean();
            // CRM's own changes are the newest values: the job has nothing to write back to CRM,
            // and never writes a row to the values it already has.
            assertThat(crmWrites).isEmpty();
            assertThat(erpWrites).isPositive().isLessThanOrEqualTo(changes);
            assertThat(run.audit("erp"))
                    .filteredOn(e -> e.byJob() && !e.isCanary())
                    .allSatisfy(e -> assertThat(e.before()).isNotEqualTo(e.after()));
        }
    }
}
