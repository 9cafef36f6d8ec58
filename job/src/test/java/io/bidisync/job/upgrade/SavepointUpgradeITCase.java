package io.bidisync.job.upgrade;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CountryColumn;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.bidisync.job.testutil.CountryColumn.countries;
import static io.bidisync.job.testutil.CountryColumn.editCountry;
import static io.bidisync.job.testutil.CountryColumn.editPhone;
import static io.bidisync.job.testutil.CountryColumn.phone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stop with a savepoint, change the configuration, start from it: an attribute appended (a column
 * both tables already have, {@link CountryColumn}) restores at another parallelism and syncs for
 * every entity, with the edits made before, while stopped and after; a change that does not fit the
 * state is refused before anything starts.
 */
class SavepointUpgradeITCase extends MiniClusterITCase {

    @Test
    void anAppendedAttributeRestoresAtAnotherParallelismAndSyncsForEveryEntity(
            @TempDir Path savepoints) throws Exception {
        try (SyncRun run = CountryColumn.run().create()) {
            run.start(2, null);
            awaitFirstGoldenRecords(run);
            awaitQuiet(run, Duration.ofSeconds(3));
            editPhone(run, "crm", 1, "before");
            Await.until(
                    "the edit before in ERP",
                    CONVERGENCE,
                    () -> phone(run, "erp", 1).equals("before"));

            String savepoint = run.stopWithSavepoint(savepoints);
            editPhone(run, "erp", 2, "while stopped");
            editCountry(run, "crm", 3, "SE");
            // An edit of the new column, newer than CRM's value: it wins although CRM comes first.
            editCountry(run, "erp", 6, "Denmark");
            run.reconfigure(CountryColumn::appended);
            JobID job = run.start(3, savepoint);
            editPhone(run, "crm", 4, "after");

            Await.until(
                    "every edit and every country in both systems",
                    CONVERGENCE,
                    () ->
                            phone(run, "crm", 2).equals("while stopped")
                                    && phone(run, "erp", 4).equals("after")
                                    && countries(run, "crm").equals(countries(run, "erp")),
                    () -> "crm " + countries(run, "crm") + " erp " + countries(run, "erp"));
            awaitQuiet(run, Duration.ofSeconds(3));
            Map<Integer, String> countries = countries(run, "erp");
            assertThat(countries(run, "crm")).isEqualTo(countries);
            assertThat(countries.get(3)).as("edited in CRM while stopped").isEqualTo("SE");
            assertThat(countries.get(6)).as("edited in ERP while stopped").isEqualTo("Denmark");
            assertThat(countries.get(5)).as("both had one: CRM's by priority").isEqualTo("NO");
            assertThat(countries.get(15)).as("only CRM's").isEqualTo("NO");
            assertThat(countries.get(22)).as("nobody's").isNull();
            assertThat(countries.get(27)).as("only ERP's").isEqualTo("Sweden");
            assertThat(phone(run, "erp", 1)).isEqualTo("before");
            assertThat(run.jobStatus()).isEqualTo(JobStatus.RUNNING);
            assertThat(metrics.lastRestart(job)).as("never restarted").isZero();
        }
    }

    @Test
    void aChangeThatDoesNotFitTheStateIsRefusedBeforeAnythingStarts(
            @TempDir Path savepoints, @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SyncRun run = CountryColumn.run().create()) {
            run.start(2, null);
            awaitFirstGoldenRecords(run);
            String savepoint = run.stopWithSavepoint(savepoints);
            int jobsBefore = cluster.listJobs().get().size();

            run.reconfigure(
                    yaml ->
                            yaml.replace(
                                    "attributes: [email, name, phone, city]",
                                    "attributes: [email, phone, name, city]"));
            assertThatThrownBy(() -> run.start(3, savepoint))
                    .isInstanceOf(ConfigException.class)
                    .satisfies(
                            e ->
                                    assertThat(((ConfigException) e).problems())
                                            .singleElement()
                                            .asString()
                                            .contains(savepoint)
                                            .contains("may only be appended"));
            assertThat(cluster.listJobs().get())
                    .hasSize(jobsBefore)
                    .noneMatch(j -> j.getJobState() == JobStatus.RUNNING);
        }
    }
}
