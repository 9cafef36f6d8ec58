package io.bidisync.launcher;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditHistory;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestKafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write audit and {@code explain} on an entity that goes through a write conflict and a change
 * of its match key, against real PostgreSQL.
 */
class AuditITCase extends MiniClusterITCase {

    @Test
    void explainTellsTheStoryOfAnEntityThroughAConflictAndAKeyChange(@TempDir Path dir)
            throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .extra("audit: true\n")
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES ('ann@example.com', 'Ann', '1', 'Oslo')")
                        .create()) {
            run.start();
            Await.until("Ann in ERP", CONVERGENCE, () -> run.rows("erp").size() == 1, () -> "");
            run.awaitQuiet(Duration.ofSeconds(3), CONVERGENCE);

            // Someone holds ERP's row, changed, while the job's update for a CRM change arrives.
            run.raceTheJobsUpdate(
                    "erp",
                    "UPDATE client SET phone = '999', row_version = row_version + 1 WHERE client_no = 1",
                    "crm",
                    "UPDATE customer SET city = 'Bergen', version = version + 1 WHERE id = 1");
            Await.until(
                    "convergence on both changes",
                    CONVERGENCE,
                    () ->
                            run.rows("crm").get(0).values().get(2).equals("999")
                                    && run.rows("erp").get(0).values().get(3).equals("Bergen"),
                    () -> "");

            // Ann's CRM row gets another e-mail address: it leaves her golden record.
            run.execute(
                    "crm",
                    "UPDATE customer SET email = 'ann.lee@example.com', version = version + 1 WHERE id = 1");
            Await.until(
                    "the new key in ERP", CONVERGENCE, () -> run.rows("erp").size() == 2, () -> "");
            settle(run);
            InvariantChecker.check(run).assertClean();

            List<String> actions =
                    AuditHistory.of(run.config(), " Ann@Example.com").stream()
                            .map(l -> l.entry().action() + " " + where(l.entry()))
                            .toList();
            System.out.println(String.join("\n", actions));
            assertThat(actions)
                    .containsSubsequence(
                            "contributed crm/1",
                            "resolved golden",
                            "decided erp",
                            "inserted erp/1",
                            "echo-suppressed erp/1",
                            "contributed crm/1", // the city
                            "decided erp/1",
                            "conflict erp/1",
                            "contributed erp/1", // the other writer's phone
                            "updated crm/1",
                            "left crm/1");
            assertThat(actions).doesNotContain("inserted crm");

            Path config = dir.resolve("sync.yaml");
            Files.writeString(config, run.yaml());
            String old = explain(config, "ann@example.com");
            assertThat(old)
                    .contains("History of golden record 'ann@example.com'")
                    .contains("conflict")
                    .contains("its match key changed")
                    .contains("by most-recent")
                    .contains("Written:")
                    .contains("inserted erp/1");
            String moved = explain(config, "ann.lee@example.com");
            assertThat(moved)
                    .contains("contributed")
                    .contains("a row with this match key")
                    .contains("inserted erp/2");
        }
    }

    @Test
    void nextToAGoldenOutputTheAuditGoesToAKafkaTopic(@TempDir Path dir) throws Exception {
        String golden = "audited.golden";
        TestKafka.createTopic(golden, true);
        TestKafka.createTopic(golden + ".audit", false);
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .extra(
                                """
                                golden-output: { bootstrap-servers: "%s", topic: %s }
                                audit: true
                                """
                                        .formatted(TestKafka.bootstrapServers(), golden))
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES ('bo@example.com', 'Bo', 'Oslo')")
                        .create()) {
            run.start();
            Await.until("Bo in ERP", CONVERGENCE, () -> run.rows("erp").size() == 1, () -> "");
            Await.until(
                    "the echo in the audit topic",
                    CONVERGENCE,
                    () ->
                            TestKafka.readCommitted(golden + ".audit").stream()
                                    .anyMatch(r -> r.value().contains("echo-suppressed")));

            assertThat(
                            AuditHistory.of(run.config(), "BO@example.com").stream()
                                    .map(l -> l.entry().action() + " " + where(l.entry()))
                                    .toList())
                    .containsSubsequence(
                            "contributed crm/1",
                            "resolved golden",
                            "decided erp",
                            "inserted erp/1",
                            "echo-suppressed erp/1");
            Path config = dir.resolve("sync.yaml");
            Files.writeString(config, run.yaml());
            assertThat(explain(config, "bo@example.com"))
                    .contains("inserted erp/1 → new row 1")
                    .contains("name = 'Bo' from crm/1 by most-recent");
        }
    }

    private static String where(AuditEntry e) {
        return e.system() == null
                ? "golden"
                : e.row() == null ? e.system() : e.system() + "/" + e.row();
    }

    private static String explain(Path config, String key) throws Exception {
        CommandLine.Result result =
                CommandLine.run("explain", "--config", config.toString(), "--key", key);
        System.out.println(result.out());
        assertThat(result.code()).as(result.err()).isZero();
        return result.out();
    }
}
