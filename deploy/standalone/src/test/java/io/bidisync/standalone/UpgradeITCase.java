package io.bidisync.standalone;

import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CountryColumn;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.SyncRun;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.bidisync.job.testutil.CountryColumn.countries;
import static io.bidisync.job.testutil.CountryColumn.editCountry;
import static io.bidisync.job.testutil.CountryColumn.editPhone;
import static io.bidisync.job.testutil.CountryColumn.phone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrades on a real cluster with {@code flink run -s}: a configuration that appends an attribute
 * (a column both tables already have) restores from the savepoint at another parallelism and syncs
 * it for every entity, without a restart loop, with every edit made before, while stopped and
 * after; one that reorders the attributes is refused by the client with one line, and nothing runs.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class UpgradeITCase {
    @RegisterExtension static final ClusterJobs flink = ClusterJobs.of("upgrade", 2);

    @Test
    void anAppendedAttributeRestoresFromASavepointAtAnotherParallelism() throws Exception {
        try (SyncRun run = CountryColumn.run().create()) {
            String first = flink.submit(run, run.yaml(), null, 2);
            flink.settle(run, Duration.ofSeconds(4));
            editPhone(run, "crm", 1, "before");
            Await.until(
                    "the edit before in ERP",
                    ClusterJobs.TIMEOUT,
                    () -> phone(run, "erp", 1).equals("before"));

            String savepoint = flink.stopWithSavepoint(first);
            editPhone(run, "erp", 2, "while stopped");
            editCountry(run, "erp", 6, "Denmark");
            run.reconfigure(CountryColumn::appended);

            // Not compatible: refused by the client, with one line, and nothing starts.
            String reordered =
                    run.yaml()
                            .replace(
                                    "attributes: [email, name, phone, city, country]",
                                    "attributes: [email, name, city, phone, country]");
            var refused = flink.flinkRun(run, reordered, savepoint, 3);
            System.out.println(refused.output());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output())
                    .contains("1 problem, nothing was started")
                    .contains("savepoint " + savepoint + ": attributes:");
            for (JsonNode job : flink.jobs().path("jobs")) {
                assertThat(job.path("status").asText()).isNotEqualTo("RUNNING");
            }

            String upgraded = flink.submit(run, run.yaml(), savepoint, 3);
            editPhone(run, "crm", 4, "after");
            Await.until(
                    "every edit and every country in both systems",
                    ClusterJobs.TIMEOUT,
                    () ->
                            phone(run, "crm", 2).equals("while stopped")
                                    && phone(run, "erp", 4).equals("after")
                                    && countries(run, "crm").equals(countries(run, "erp")),
                    () -> "crm " + countries(run, "crm") + " erp " + countries(run, "erp"));
            flink.settle(run, Duration.ofSeconds(4));
            Map<Integer, String> countries = countries(run, "erp");
            assertThat(countries(run, "crm")).isEqualTo(countries);
            assertThat(countries.get(6)).as("edited in ERP while stopped").isEqualTo("Denmark");
            assertThat(countries.get(5)).as("both had one: CRM's by priority").isEqualTo("NO");
            assertThat(countries.get(27)).as("only ERP's").isEqualTo("Sweden");
            assertThat(phone(run, "erp", 1)).isEqualTo("before");
            assertThat(flink.state(upgraded)).isEqualTo("RUNNING");
            assertThat(flink.lastRestart(upgraded)).as("never restarted").isZero();
            InvariantChecker.check(run).assertClean();
            flink.cancel(upgraded);
        }
    }
}
