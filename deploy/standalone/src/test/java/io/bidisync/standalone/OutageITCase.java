package io.bidisync.standalone;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.soak.SoakWorkload;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestServers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Databases stopped for 30 s under the running job on a standalone cluster: a target (ERP, which is
 * also read) and a read-only source (Billing). Changes made meanwhile must arrive once the database
 * is back, nothing may be lost or duplicated, and the logs must name the system that is down.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class OutageITCase {
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofSeconds(6);

    @RegisterExtension static final ClusterJobs flink = ClusterJobs.of("outage", 2);

    @Test
    void changesMadeDuringAnOutageArriveWhenTheDatabaseIsBack() throws Exception {
        SyncRun.Builder builder = SyncRun.of(crm(), erp(), billing());
        SoakWorkload.seedRows().forEach(builder::seed);
        try (SyncRun run = builder.create()) {
            String id = flink.submit(run);
            flink.settle(run, QUIET);
            InvariantChecker.check(run).assertClean();

            long erpRecovery = outage(run, "erp", id, 1);
            long billingRecovery = outage(run, "billing", id, 2);
            flink.settle(run, QUIET);
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.printf(
                    "Outages of %d s: ERP (read and written) back in sync %d ms after it returned,"
                            + " Billing (read only) %d ms%n%s",
                    OUTAGE.toSeconds(), erpRecovery, billingRecovery, report);
            report.assertClean();
            assertThat(flink.state(id)).isEqualTo("RUNNING");
            String logs = flink.logs();
            assertThat(logs)
                    .contains("erp: read changes (CDC)")
                    .contains("billing: read changes (CDC)");
            assertThat(logs)
                    .containsPattern("system erp: (database unreachable|cannot write heartbeat)");
            flink.cancel(id);
        }
    }

    /**
     * Stops the system's database for {@link #OUTAGE} while CRM changes a customer every few
     * seconds; returns how long after the restart the last change reached ERP (ms).
     */
    private static long outage(SyncRun run, String system, String id, int round) throws Exception {
        LocalPostgres server = TestServers.of(system);
        server.stop();
        int changes = 0;
        try {
            long stoppedAt = System.nanoTime();
            while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
                changes++;
                run.execute(
                        "crm",
                        "UPDATE customer SET city = 'Outage"
                                + round
                                + "-"
                                + changes
                                + "', version = version + 1 WHERE id = "
                                + (100_000 + 9 + changes % 8));
                Thread.sleep(3_000);
            }
            if (!system.equals("erp")) {
                // Completeness: while a source is away, its watermark stands still and nothing is
                // emitted, though ERP itself is up. No canary can pass while a source is away (the
                // job fails over until it is back), so this looks at what the whole outage of 30 s
                // let through.
                assertThat(run.rows("erp"))
                        .noneMatch(r -> r.city() != null && r.city().startsWith("Outage" + round));
            }
        } finally {
            // Whatever happened: the other tests of this JVM share the server.
            server.restart();
        }
        long restartedAt = System.nanoTime();
        String last = "Outage" + round + "-" + changes;
        Await.until(
                "the last change made during the " + system + " outage in ERP",
                ClusterJobs.TIMEOUT,
                () -> run.rows("erp").stream().anyMatch(r -> last.equals(r.city())));
        return (System.nanoTime() - restartedAt) / 1_000_000;
    }
}
