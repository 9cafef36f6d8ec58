package io.bidisync.launcher;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

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
 * The mass-change breaker against real PostgreSQL: a source that suddenly changes every row gets no
 * further than the limit into the other system; reading and the other direction go on; the held
 * writes are shown in the plan's format and go out when an operator confirms.
 */
class SafetyITCase extends MiniClusterITCase {
    private static final int PEOPLE = 40;

    @Test
    void aSourceThatChangesEveryRowIsStoppedAtTheLimitUntilConfirmed(@TempDir Path dir)
            throws Exception {
        String people =
                "SELECT 'p' || i || '@example.com', 'P ' || i, 'city ' || i"
                        + " FROM generate_series(1, "
                        + PEOPLE
                        + ") i";
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .extra("safety: { max-writes-per-system: 10%, window: 10m }\n")
                        .seed("crm", "INSERT INTO customer (email, full_name, city) " + people)
                        .seed("erp", "INSERT INTO client (mail, name, town) " + people)
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            run.awaitQuiet(Duration.ofSeconds(3), CONVERGENCE);

            // A botched migration upper-cases every city in CRM.
            run.execute("crm", "UPDATE customer SET city = upper(city), version = version + 1");
            Await.until(
                    "the breaker to hold ERP's writes",
                    CONVERGENCE,
                    () -> run.metric(metrics, "system.erp.writesHeld") == PEOPLE - 4,
                    () -> "held " + run.metric(metrics, "system.erp.writesHeld"));
            run.awaitQuiet(Duration.ofSeconds(3), CONVERGENCE);
            assertThat(upperCities(run.rows("erp"))).isEqualTo(4); // 10% of 40 rows

            // Reading goes on, and so does writing to CRM.
            run.execute(
                    "erp",
                    "UPDATE client SET phone = '555', row_version = row_version + 1 WHERE client_no = 1");
            Await.until(
                    "ERP's change in CRM",
                    CONVERGENCE,
                    () -> "555".equals(byId(run.rows("crm"), "1").phone()),
                    () -> "");

            Path config = dir.resolve("sync.yaml");
            Files.writeString(config, run.yaml());
            Path out = dir.resolve("pending");
            CommandLine.Result pending =
                    CommandLine.run(
                            "pending", "--config", config.toString(), "--out", out.toString());
            System.out.println(pending.out());
            assertThat(pending.code()).as(pending.err()).isZero();
            assertThat(pending.out())
                    .contains("Writing to erp stopped at")
                    .contains("bidisync confirm --config")
                    .containsPattern(
                            "update erp/\\d+ \\[p\\d+@example.com] city: 'city \\d+' → 'CITY \\d+'");
            List<String> csv = Files.readAllLines(out.resolve("writes.csv"));
            assertThat(csv.stream().filter(l -> l.startsWith("erp,update,")))
                    .hasSizeGreaterThan(30);

            CommandLine.Result confirm =
                    CommandLine.run("confirm", "--config", config.toString(), "--system", "erp");
            assertThat(confirm.code()).as(confirm.out() + confirm.err()).isZero();
            Await.until(
                    "every city in ERP",
                    CONVERGENCE,
                    () -> upperCities(run.rows("erp")) == PEOPLE,
                    () -> "upper-cased " + upperCities(run.rows("erp")));
            run.awaitQuiet(Duration.ofSeconds(3), CONVERGENCE);
            assertThat(run.metric(metrics, "system.erp.writesHeld")).isZero();
            assertThat(byId(run.rows("erp"), "1").phone()).isEqualTo("555");
            InvariantChecker.check(run).assertClean();
            assertThat(
                            CommandLine.run(
                                            "pending",
                                            "--config",
                                            config.toString(),
                                            "--out",
                                            out.toString())
                                    .out())
                    .contains("No system's writes are held back");
        }
    }

    private static long upperCities(List<Row> rows) {
        return rows.stream().filter(r -> r.city() != null && r.city().startsWith("CITY")).count();
    }

    private static Row byId(List<Row> rows, String id) {
        return rows.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }
}
