package io.bidisync.launcher;

import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.plan.PlanReport;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bidisync plan} as a user runs it (its own local MiniCluster, as {@code run} has): the
 * report on the demo data, its files, nothing written.
 */
class PlanCommandITCase {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void printsThePlanAndWritesItsFiles(@TempDir Path dir) throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .seed("crm", SampleCustomers.CRM_SEED)
                        .seed("erp", SampleCustomers.ERP_SEED)
                        .create()) {
            Path config = dir.resolve("sync.yaml");
            Files.writeString(config, run.yaml());
            Path out = dir.resolve("plan");
            CommandLine.Result result =
                    CommandLine.run("plan", "--config", config.toString(), "--out", out.toString());
            System.out.println(result.out());
            assertThat(result.code()).as(result.err()).isZero();
            assertThat(result.out())
                    .contains("nothing has been written")
                    .contains("Match groups (rows merged into one golden record): 3")
                    .contains("dag@example.com: crm/4, crm/5")
                    .contains(
                            "update crm/2 [bob.berg@example.com] phone: (empty) → '+47 900 22 222'");
            for (String file : PlanReport.FILES) {
                assertThat(out.resolve(file)).isNotEmptyFile();
            }
            assertThat(run.audit("crm")).noneMatch(AuditEvent::byJob);
            assertThat(run.audit("erp")).noneMatch(AuditEvent::byJob);
        }
    }
}
